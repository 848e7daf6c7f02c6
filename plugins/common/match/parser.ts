// Parses RE2-style pattern syntax and emits the NFA program in the same pass (Thompson's
// construction, pieces linked through HOLE successors: see program.ts). No syntax tree is built: a
// counted repetition such as x{2,5} re-reads the text of its atom once per copy, with the group
// numbering reset, so every copy is emitted the way the first one was.
// Never throws: the first problem found is recorded with its offset and parsing unwinds.
import { CodepointSet, MAX_CODEPOINT } from "./codepoint-set";
import { compileClass } from "./class-compiler";
import { isAsciiLetter, isDigit, PatternReader } from "./pattern-reader";
import {
  ASSERT_BEGIN_LINE,
  ASSERT_BEGIN_TEXT,
  ASSERT_END_LINE,
  ASSERT_END_TEXT,
  ASSERT_NOT_WORD_BOUNDARY,
  ASSERT_WORD_BOUNDARY,
  HOLE,
  OP_ASSERT,
  OP_MATCH,
  OP_RANGE,
  OP_SAVE,
  OP_SPLIT,
  Program,
  ProgramBuilder,
  setBits,
} from "./program";
import {
  MAX_NESTING_DEPTH,
  MAX_PATTERN_LENGTH,
  MAX_REPEAT_COUNT,
  REGEX_CASE_INSENSITIVE,
  REGEX_DOT_MATCHES_NEWLINE,
  REGEX_MULTILINE,
  REGEX_UNGREEDY,
} from "./regex-flags";

/** parseAtom's answer for a flag group such as (?i): it changes the flags and matches nothing itself. */
const NO_ATOM: i32 = -3;

/**
 * Compiles `pattern`. On success `program` is set; otherwise `error`/`errorOffset` say why, or
 * `tooLarge` is set (the program would pass `limit` instructions).
 */
export class Parser extends PatternReader {
  program: Program | null = null;
  tooLarge: bool = false;
  private b: ProgramBuilder;
  private depth: i32 = 0;
  private groupNames: string[] = [""];
  /** Index of the next capture group; rewound when a repeated atom is read again. */
  private nextGroup: i32 = 1;
  /** Pattern text read again for counted repetitions (bounded, like the program). */
  private rereadUnits: i32 = 0;
  private quantMin: i32 = 0;
  private quantMax: i32 = 0;
  private quantGreedy: bool = true;

  constructor(
    pattern: string,
    private flags: u32,
    limit: i32,
    private maxLength: i32 = MAX_PATTERN_LENGTH,
  ) {
    super(pattern);
    this.b = new ProgramBuilder(limit);
    this.compile();
  }

  private compile(): void {
    const b = this.b;
    const pattern = this.pattern;
    if (pattern.length > this.maxLength) {
      this.fail("pattern longer than " + this.maxLength.toString() + " characters", 0);
      return;
    }
    const start = b.emit(OP_SAVE, 0, HOLE);
    const body = this.parseAlternation();
    if (!this.failed && this.pos < pattern.length) this.fail("unmatched )", this.pos);
    if (this.failed || b.overflowed) {
      this.tooLarge = b.overflowed;
      return;
    }
    const end = b.emit(OP_SAVE, 1, b.length + 1);
    b.patch(start + 1, end, end);
    b.setOut(start, body == HOLE ? end : body);
    b.emit(OP_MATCH, 0, -1);
    let searchStart = start;
    if (!b.anchoredAtStart(start)) {
      // `(?s:.)*?` then the pattern: the unanchored search, preferring to start as early as possible.
      searchStart = b.emit(OP_SPLIT, 0, start, -1);
      const all = new CodepointSet();
      all.addRange(0, MAX_CODEPOINT);
      const anyCharacter = compileClass(b, all);
      b.patch(searchStart + 1, b.length, searchStart);
      b.setOut(searchStart, start, anyCharacter);
    }
    this.tooLarge = b.overflowed;
    if (!b.overflowed) this.program = b.finish(start, searchStart, this.groupNames);
  }

  /** Alternatives separated by `|`, earlier ones preferred. Returns the entry (HOLE when empty). */
  private parseAlternation(): i32 {
    const first = this.parseConcat();
    if (this.peek() != 0x7c /* | */) return first;
    const heads = [first];
    while (!this.failed && this.peek() == 0x7c) {
      this.pos++;
      heads.push(this.parseConcat());
    }
    return this.b.alternation(heads);
  }

  private parseConcat(): i32 {
    const b = this.b;
    let entry = HOLE;
    let holesFrom = b.length;
    while (!this.failed && !this.atEnd) {
      const c = this.peek();
      if (c == 0x7c /* | */ || c == 0x29 /* ) */) break;
      const itemStart = b.length;
      const item = this.parseRepeated();
      if (item < 0) continue; // empty, a flag group, or past the size limit
      b.patch(holesFrom, itemStart, item);
      if (entry == HOLE) entry = item;
      holesFrom = itemStart;
    }
    return entry;
  }

  /** An atom followed by at most one quantifier (and its lazy mark). */
  private parseRepeated(): i32 {
    const atomPos = this.pos;
    const groupsBefore = this.nextGroup;
    const atomStart = this.b.length;
    const atom = this.parseAtom();
    if (atom == NO_ATOM || this.failed) return atom;
    const atomEnd = this.pos;
    if (!this.readQuantifier()) return atom;
    if (!this.failed && this.readQuantifier()) this.failQuoting("bad repetition operator ", atomEnd, this.pos);
    // Repeating an atom that emits nothing ((?:), x{0}) changes nothing.
    if (this.failed || atom == HOLE) return atom;
    const after = this.pos;
    const entry = this.repeat(atom, atomStart, atomPos, atomEnd, groupsBefore);
    this.pos = after;
    return entry;
  }

  /** Emits the atom at [atomPos, atomEnd) once more; its groups get the numbers they had the first time. */
  private copy(atomPos: i32, atomEnd: i32, groupsBefore: i32): i32 {
    this.rereadUnits += atomEnd - atomPos;
    if (this.rereadUnits > MAX_PATTERN_LENGTH * 16) this.b.overflowed = true;
    if (this.b.overflowed) return -1;
    this.pos = atomPos;
    this.nextGroup = groupsBefore;
    return this.parseAtom();
  }

  /**
   * The quantifier just read applied to the atom emitted at `atomStart` (entry `atom`), which
   * serves as the first copy. x{n,m} = n copies then m-n nested optional ones, x(x(x)?)?; x{n,} =
   * n-1 copies then x+ (x* when n = 0): RE2's shapes, so leftmost-first submatches come out as RE2's.
   */
  private repeat(atom: i32, atomStart: i32, atomPos: i32, atomEnd: i32, groupsBefore: i32): i32 {
    const b = this.b;
    const min = this.quantMin;
    const max = this.quantMax;
    const greedy = this.quantGreedy;
    if (max == 0) {
      b.truncate(atomStart);
      return HOLE;
    }
    let entry = HOLE;
    let holesFrom = atomStart;
    let piece = atom;
    let pieceStart = atomStart;
    const mandatory = max < 0 && min > 0 ? min - 1 : min;
    for (let k = 0; k < mandatory; k++) {
      if (k > 0) {
        pieceStart = b.length;
        piece = this.copy(atomPos, atomEnd, groupsBefore);
      }
      b.patch(holesFrom, pieceStart, piece);
      if (entry == HOLE) entry = piece;
      holesFrom = pieceStart;
    }
    let previousStart = 0;
    let previousEnd = 0;
    for (let k = min; k < max || max < 0; k++) {
      if (k > min || mandatory > 0) {
        pieceStart = b.length;
        piece = this.copy(atomPos, atomEnd, groupsBefore);
      }
      const split = b.emit(OP_SPLIT, 0, greedy ? piece : HOLE, greedy ? HOLE : piece);
      if (max < 0) {
        // The loop: the body goes back to the SPLIT; x+ enters at the body, x* at the SPLIT.
        b.patch(pieceStart, split, split);
        const loopEntry = min > 0 ? piece : split;
        b.patch(holesFrom, pieceStart, loopEntry);
        return entry == HOLE ? loopEntry : entry;
      }
      if (k == min) {
        b.patch(holesFrom, pieceStart, split);
        if (entry == HOLE) entry = split;
      } else {
        // The previous optional copy goes on to this one; its SPLIT's exit stays an exit.
        b.patch(previousStart, previousEnd, split);
      }
      previousStart = pieceStart;
      previousEnd = split;
    }
    return entry;
  }

  /** Reads *, +, ?, {n}, {n,}, {n,m} (plus a lazy `?`) into quantMin/Max/Greedy. */
  private readQuantifier(): bool {
    const c = this.peek();
    if (c == 0x2a /* * */ || c == 0x2b /* + */ || c == 0x3f /* ? */) {
      this.quantMin = c == 0x2b ? 1 : 0;
      this.quantMax = c == 0x3f ? 1 : -1;
      this.pos++;
    } else {
      const end = c == 0x7b /* { */ ? this.countedRepeat(this.pos) : -1;
      if (end < 0) return false;
      this.pos = end;
    }
    let greedy = true;
    if (this.peek() == 0x3f) {
      greedy = false;
      this.pos++;
    }
    this.quantGreedy = greedy != ((this.flags & REGEX_UNGREEDY) != 0);
    return true;
  }

  /**
   * If `{n}`, `{n,}` or `{n,m}` starts at `at`, stores the counts and returns the offset after it;
   * otherwise returns -1 and the `{` is an ordinary character (as in RE2).
   */
  private countedRepeat(at: i32): i32 {
    let p = at + 1;
    const minStart = p;
    let min = 0;
    for (; isDigit(this.peekAt(p)); p++) if (min <= MAX_REPEAT_COUNT) min = min * 10 + this.peekAt(p) - 0x30;
    if (p == minStart) return -1;
    let max = min;
    if (this.peekAt(p) == 0x2c /* , */) {
      const maxStart = ++p;
      max = 0;
      for (; isDigit(this.peekAt(p)); p++) if (max <= MAX_REPEAT_COUNT) max = max * 10 + this.peekAt(p) - 0x30;
      if (p == maxStart) max = -1;
    }
    if (this.peekAt(p++) != 0x7d /* } */) return -1;
    if (min > MAX_REPEAT_COUNT || max > MAX_REPEAT_COUNT) {
      this.fail("repeat count larger than " + MAX_REPEAT_COUNT.toString(), at);
    } else if (max >= 0 && max < min) {
      this.failQuoting("invalid repeat count ", at, p);
    }
    this.quantMin = min;
    this.quantMax = max;
    return p;
  }

  /** One atom; returns its entry, HOLE when it emitted nothing, NO_ATOM for a flag group. */
  private parseAtom(): i32 {
    const c = this.peek();
    const flags = this.flags;
    switch (c) {
      case 0x28: // (
        return this.parseGroup();
      case 0x5b: { // [
        const set = this.charClass((flags & REGEX_CASE_INSENSITIVE) != 0);
        return set === null ? HOLE : compileClass(this.b, set);
      }
      case 0x2e: { // .
        this.pos++;
        const set = new CodepointSet();
        set.addRange(0, 0x09);
        set.addRange((flags & REGEX_DOT_MATCHES_NEWLINE) != 0 ? 0x0a : 0x0b, MAX_CODEPOINT);
        return compileClass(this.b, set);
      }
      case 0x5e: // ^
        this.pos++;
        return this.assert((flags & REGEX_MULTILINE) != 0 ? ASSERT_BEGIN_LINE : ASSERT_BEGIN_TEXT);
      case 0x24: // $
        this.pos++;
        return this.assert((flags & REGEX_MULTILINE) != 0 ? ASSERT_END_LINE : ASSERT_END_TEXT);
      case 0x5c: // backslash
        return this.parseEscapeAtom();
      case 0x2a: // *
      case 0x2b: // +
      case 0x3f: // ?
        this.fail("missing argument to repetition operator " + String.fromCharCode(c), this.pos);
        return HOLE;
      case 0x7b: // {
        if (this.countedRepeat(this.pos) >= 0) {
          this.fail("missing argument to repetition operator", this.pos);
          return HOLE;
        }
    }
    return this.literal(this.nextCodepoint());
  }

  private assert(kind: i32): i32 {
    return this.b.emit(OP_ASSERT, kind, HOLE);
  }

  /** One code point as UTF-8 bytes; an ASCII letter under (?i) as a set of both cases. */
  private literal(cp: i32): i32 {
    const b = this.b;
    if ((this.flags & REGEX_CASE_INSENSITIVE) != 0 && isAsciiLetter(cp)) {
      const bits = new StaticArray<u8>(32);
      setBits(bits, cp | 0x20, cp | 0x20);
      setBits(bits, cp & ~0x20, cp & ~0x20);
      return b.byteSet(bits, HOLE);
    }
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    const entry = b.length;
    for (let i = 0; i < n; i++) {
      const shift = 6 * (n - 1 - i);
      const byte = n == 1 ? cp : i == 0 ? ((0xf00 >> n) & 0xff) | (cp >> shift) : 0x80 | ((cp >> shift) & 0x3f);
      b.emit(OP_RANGE, byte | (byte << 8), i == n - 1 ? HOLE : b.length + 1);
    }
    return entry;
  }

  private parseGroup(): i32 {
    const open = this.pos++;
    if (this.peek() != 0x3f /* ? */) return this.capture(open, "");
    this.pos++;
    const c = this.peek();
    const c2 = this.peekAt(this.pos + 1);
    if (c == 0x3d /* = */ || c == 0x21 /* ! */) {
      this.fail("lookahead (?" + String.fromCharCode(c) + " is not supported", open);
    } else if (c == 0x3c /* < */ && (c2 == 0x3d || c2 == 0x21)) {
      this.fail("lookbehind (?<" + String.fromCharCode(c2) + " is not supported", open);
    } else if (c == 0x50 /* P */ && (c2 == 0x3d || c2 == 0x3e)) {
      this.fail("backreferences and recursion ((?P" + String.fromCharCode(c2) + ") are not supported", open);
    } else if (c == 0x3e /* > */) {
      this.fail("atomic groups (?> are not supported", open);
    } else if (c == 0x3c || (c == 0x50 && c2 == 0x3c)) {
      // (?<name>re) or (?P<name>re)
      this.pos += c == 0x3c ? 1 : 2;
      const nameStart = this.pos;
      while (isAsciiLetter(this.peek()) || isDigit(this.peek()) || this.peek() == 0x5f) this.pos++;
      const name = this.pattern.substring(nameStart, this.pos);
      if (name.length == 0 || this.peek() != 0x3e /* > */) {
        this.fail("invalid named capture group", open);
      } else if (this.nextGroup == this.groupNames.length && this.groupNames.includes(name)) {
        this.fail("duplicate capture group name " + name, open);
      } else {
        this.pos++;
        return this.capture(open, name);
      }
    } else {
      return this.parseFlagGroup(open);
    }
    return HOLE;
  }

  /** A capturing group opened at `open`: SAVE, the body, SAVE. */
  private capture(open: i32, name: string): i32 {
    const b = this.b;
    const index = this.nextGroup++;
    if (index == this.groupNames.length) this.groupNames.push(name); // read for the first time
    const start = b.emit(OP_SAVE, index << 1, HOLE);
    const body = this.parseGroupBody(open);
    const end = b.emit(OP_SAVE, (index << 1) + 1, HOLE);
    b.patch(start + 1, end, end);
    b.setOut(start, body == HOLE ? end : body);
    return start;
  }

  /** `(?flags)` changes the flags until the end of the enclosing group; `(?flags:re)` only inside. */
  private parseFlagGroup(open: i32): i32 {
    let flags = this.flags;
    let negate = false;
    let sawFlag = false;
    while (!this.atEnd) {
      const c = this.peek();
      const bit: u32 = c == 0x69 ? REGEX_CASE_INSENSITIVE : c == 0x6d ? REGEX_MULTILINE : c == 0x73 ? REGEX_DOT_MATCHES_NEWLINE : c == 0x55 ? REGEX_UNGREEDY : 0;
      if (c == 0x2d /* - */) {
        if (negate) break;
        negate = true;
        sawFlag = false;
      } else if (c == 0x3a /* : */ || c == 0x29 /* ) */) {
        if (!sawFlag && (negate || c == 0x29)) break;
        this.pos++;
        if (c == 0x29) {
          this.flags = flags;
          return NO_ATOM;
        }
        const saved = this.flags;
        this.flags = flags;
        const body = this.parseGroupBody(open);
        this.flags = saved;
        return body;
      } else if (bit == 0) {
        break;
      } else {
        flags = negate ? flags & ~bit : flags | bit;
        sawFlag = true;
      }
      this.pos++;
    }
    this.failQuoting("invalid or unsupported group syntax ", open, this.pos + 1);
    return HOLE;
  }

  /** The alternation up to the `)` closing the group opened at `open`; the group's flags end there. */
  private parseGroupBody(open: i32): i32 {
    if (this.depth >= MAX_NESTING_DEPTH) {
      this.fail("groups nested deeper than " + MAX_NESTING_DEPTH.toString(), open);
      return HOLE;
    }
    this.depth++;
    const saved = this.flags;
    const body = this.parseAlternation();
    this.flags = saved;
    this.depth--;
    if (!this.failed) {
      if (this.peek() != 0x29) this.fail("missing closing )", open);
      else this.pos++;
    }
    return body;
  }

  private parseEscapeAtom(): i32 {
    const c = this.peekAt(this.pos + 1);
    const kind = c == 0x41 /* A */ ? ASSERT_BEGIN_TEXT : c == 0x7a /* z */ ? ASSERT_END_TEXT : c == 0x62 /* b */ ? ASSERT_WORD_BOUNDARY : c == 0x42 /* B */ ? ASSERT_NOT_WORD_BOUNDARY : -1;
    if (kind >= 0) {
      this.pos += 2;
      return this.assert(kind);
    }
    if (c == 0x51 /* Q */) return this.parseQuotedLiteral();
    const perl = this.perlClassEscape();
    if (perl !== null) return compileClass(this.b, perl);
    const cp = this.escapedChar();
    return cp < 0 ? HOLE : this.literal(cp);
  }

  /** \Q...\E: everything up to \E (or the end) is literal. */
  private parseQuotedLiteral(): i32 {
    const b = this.b;
    this.pos += 2;
    let entry = HOLE;
    let holesFrom = b.length;
    while (!this.atEnd) {
      if (this.peek() == 0x5c && this.peekAt(this.pos + 1) == 0x45 /* E */) {
        this.pos += 2;
        break;
      }
      const itemStart = b.length;
      const item = this.literal(this.nextCodepoint());
      b.patch(holesFrom, itemStart, item);
      if (entry == HOLE) entry = item;
      holesFrom = itemStart;
    }
    return entry;
  }
}
