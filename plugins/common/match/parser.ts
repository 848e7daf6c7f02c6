// Parses RE2-style pattern syntax into an AST (ast.ts). Never throws: the first problem found is
// recorded with its offset (pattern-cursor.ts) and parsing unwinds (every loop checks `failed`).
// Classes and escapes have their own files (class-parser.ts, escapes.ts).
import { Node, NodeKind } from "./ast";
import { parseClass } from "./class-parser";
import { CodepointSet, MAX_CODEPOINT } from "./codepoint-set";
import { parseEscapedChar, parsePerlClassEscape } from "./escapes";
import { isAsciiLetter, isDigit, PatternCursor } from "./pattern-cursor";
import {
  ASSERT_BEGIN_LINE,
  ASSERT_BEGIN_TEXT,
  ASSERT_END_LINE,
  ASSERT_END_TEXT,
  ASSERT_NOT_WORD_BOUNDARY,
  ASSERT_WORD_BOUNDARY,
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

export class ParseResult {
  constructor(
    public root: Node | null,
    public groupNames: Array<string>,
    public error: string,
    public errorOffset: i32,
  ) {}
}

export function parsePattern(pattern: string, flags: u32): ParseResult {
  const parser = new Parser(pattern, flags);
  if (pattern.length > MAX_PATTERN_LENGTH) {
    parser.fail("pattern longer than " + MAX_PATTERN_LENGTH.toString() + " characters", 0);
  } else {
    const root = parser.parseAlternation();
    if (!parser.failed && parser.pos < pattern.length) parser.fail("unmatched )", parser.pos);
    if (!parser.failed) return new ParseResult(root, parser.groupNames, "", -1);
  }
  return new ParseResult(null, parser.groupNames, parser.error, parser.errorOffset);
}

function isNameChar(c: i32): bool {
  return isAsciiLetter(c) || isDigit(c) || c == 0x5f;
}

/** The structural parser (alternation, concatenation, repetition, groups, flags). */
class Parser extends PatternCursor {
  depth: i32 = 0;
  groupNames: Array<string> = [""];
  /** The last quantifier read by readQuantifier(). */
  private quantMin: i32 = 0;
  private quantMax: i32 = 0;
  private quantGreedy: bool = true;

  constructor(
    pattern: string,
    private flags: u32,
  ) {
    super(pattern);
  }

  parseAlternation(): Node {
    const first = this.parseConcat();
    if (this.peek() != 0x7c /* | */) return first;
    const alt = new Node(NodeKind.Alternate);
    alt.children.push(first);
    while (!this.failed && this.peek() == 0x7c) {
      this.pos++;
      alt.children.push(this.parseConcat());
    }
    return alt;
  }

  private parseConcat(): Node {
    const concat = new Node(NodeKind.Concat);
    while (!this.failed && !this.atEnd) {
      const c = this.peek();
      if (c == 0x7c /* | */ || c == 0x29 /* ) */) break;
      const item = this.parseRepeated();
      if (item !== null) concat.children.push(item);
    }
    if (concat.children.length == 0) return Node.empty();
    if (concat.children.length == 1) return concat.children[0];
    return concat;
  }

  /** An atom followed by at most one quantifier (and its lazy mark). Null for a flag group. */
  private parseRepeated(): Node | null {
    const atom = this.parseAtom();
    if (atom === null || this.failed) return atom;
    const quantifierStart = this.pos;
    if (!this.readQuantifier()) return atom;
    const repeated = Node.repeat(atom, this.quantMin, this.quantMax, this.quantGreedy);
    if (this.failed) return repeated;
    if (this.readQuantifier()) {
      this.fail("bad repetition operator " + this.pattern.substring(quantifierStart, this.pos), quantifierStart);
    }
    return repeated;
  }

  /** Reads *, +, ?, {n}, {n,}, {n,m} (plus a lazy `?`) into quantMin/Max/Greedy. */
  private readQuantifier(): bool {
    const c = this.peek();
    if (c == 0x2a /* * */) {
      this.quantMin = 0;
      this.quantMax = -1;
      this.pos++;
    } else if (c == 0x2b /* + */) {
      this.quantMin = 1;
      this.quantMax = -1;
      this.pos++;
    } else if (c == 0x3f /* ? */) {
      this.quantMin = 0;
      this.quantMax = 1;
      this.pos++;
    } else if (c == 0x7b /* { */) {
      const end = this.scanCountedRepeat(this.pos);
      if (end < 0) return false;
      this.pos = end;
    } else {
      return false;
    }
    let greedy = true;
    if (this.peek() == 0x3f) {
      greedy = false;
      this.pos++;
    }
    if ((this.flags & REGEX_UNGREEDY) != 0) greedy = !greedy;
    this.quantGreedy = greedy;
    return true;
  }

  /**
   * If `{n}`, `{n,}` or `{n,m}` starts at `at`, stores the counts and returns the offset after it;
   * otherwise returns -1 and the `{` is an ordinary character (as in RE2).
   */
  private scanCountedRepeat(at: i32): i32 {
    let p = at + 1;
    const minStart = p;
    let min: i64 = 0;
    while (isDigit(this.peekAt(p))) {
      if (min <= MAX_REPEAT_COUNT) min = min * 10 + (this.peekAt(p) - 0x30);
      p++;
    }
    if (p == minStart) return -1;
    let max: i64 = min;
    if (this.peekAt(p) == 0x2c /* , */) {
      p++;
      const maxStart = p;
      max = 0;
      while (isDigit(this.peekAt(p))) {
        if (max <= MAX_REPEAT_COUNT) max = max * 10 + (this.peekAt(p) - 0x30);
        p++;
      }
      if (p == maxStart) max = -1;
    }
    if (this.peekAt(p) != 0x7d /* } */) return -1;
    p++;
    if (min > MAX_REPEAT_COUNT || max > MAX_REPEAT_COUNT) {
      this.fail("repeat count larger than " + MAX_REPEAT_COUNT.toString(), at);
    } else if (max >= 0 && max < min) {
      this.fail("invalid repeat count " + this.pattern.substring(at, p), at);
    }
    this.quantMin = <i32>min;
    this.quantMax = <i32>max;
    return p;
  }

  private parseAtom(): Node | null {
    const c = this.peek();
    switch (c) {
      case 0x28: // (
        return this.parseGroup();
      case 0x5b: { // [
        const set = parseClass(this, (this.flags & REGEX_CASE_INSENSITIVE) != 0);
        return set === null ? null : Node.charClass(set);
      }
      case 0x2e: // .
        this.pos++;
        return Node.charClass(this.anyCharSet());
      case 0x5e: // ^
        this.pos++;
        return Node.assert((this.flags & REGEX_MULTILINE) != 0 ? ASSERT_BEGIN_LINE : ASSERT_BEGIN_TEXT);
      case 0x24: // $
        this.pos++;
        return Node.assert((this.flags & REGEX_MULTILINE) != 0 ? ASSERT_END_LINE : ASSERT_END_TEXT);
      case 0x5c: // backslash
        return this.parseEscapeAtom();
      case 0x2a: // *
      case 0x2b: // +
      case 0x3f: // ?
        this.fail("missing argument to repetition operator " + String.fromCharCode(c), this.pos);
        return null;
      case 0x7b: // {
        if (this.scanCountedRepeat(this.pos) >= 0) {
          this.fail("missing argument to repetition operator", this.pos);
          return null;
        }
        break;
    }
    return this.literal(this.nextCodepoint());
  }

  private literal(cp: i32): Node {
    return Node.literal(cp, (this.flags & REGEX_CASE_INSENSITIVE) != 0 && isAsciiLetter(cp));
  }

  private anyCharSet(): CodepointSet {
    const set = new CodepointSet();
    if ((this.flags & REGEX_DOT_MATCHES_NEWLINE) != 0) {
      set.addRange(0, MAX_CODEPOINT);
    } else {
      set.addRange(0, 0x09);
      set.addRange(0x0b, MAX_CODEPOINT);
    }
    return set;
  }

  private parseGroup(): Node | null {
    const open = this.pos;
    this.pos++;
    if (this.peek() != 0x3f /* ? */) {
      const index = this.groupNames.length;
      this.groupNames.push("");
      return Node.capture(this.parseGroupBody(open), index);
    }
    this.pos++;
    const c = this.peek();
    const c2 = this.peekAt(this.pos + 1);
    if (c == 0x50 /* P */ && c2 == 0x3c /* < */) {
      this.pos += 2;
      return this.parseNamedGroup(open);
    }
    if (c == 0x3c /* < */ && c2 != 0x3d && c2 != 0x21) {
      this.pos++;
      return this.parseNamedGroup(open);
    }
    if (c == 0x3d /* = */ || c == 0x21 /* ! */) {
      this.fail("lookahead (?" + String.fromCharCode(c) + " is not supported", open);
      return null;
    }
    if (c == 0x3c /* <, followed by = or ! */) {
      this.fail("lookbehind (?<" + String.fromCharCode(c2) + " is not supported", open);
      return null;
    }
    if (c == 0x50 /* P */ && (c2 == 0x3d || c2 == 0x3e)) {
      this.fail("backreferences and recursion ((?P" + String.fromCharCode(c2) + ") are not supported", open);
      return null;
    }
    if (c == 0x3e /* > */) {
      this.fail("atomic groups (?> are not supported", open);
      return null;
    }
    return this.parseFlagGroup(open);
  }

  /** `(?flags)` changes the flags until the end of the enclosing group; `(?flags:re)` only inside. */
  private parseFlagGroup(open: i32): Node | null {
    let flags = this.flags;
    let negate = false;
    let sawFlag = false;
    while (!this.atEnd) {
      const c = this.peek();
      let bit: u32 = 0;
      if (c == 0x69 /* i */) bit = REGEX_CASE_INSENSITIVE;
      else if (c == 0x6d /* m */) bit = REGEX_MULTILINE;
      else if (c == 0x73 /* s */) bit = REGEX_DOT_MATCHES_NEWLINE;
      else if (c == 0x55 /* U */) bit = REGEX_UNGREEDY;
      else if (c == 0x2d /* - */) {
        if (negate) break;
        negate = true;
        sawFlag = false;
        this.pos++;
        continue;
      } else if (c == 0x3a /* : */ || c == 0x29 /* ) */) {
        if (!sawFlag && (negate || c == 0x29)) break;
        this.pos++;
        if (c == 0x29) {
          this.flags = flags;
          return null;
        }
        const saved = this.flags;
        this.flags = flags;
        const body = this.parseGroupBody(open);
        this.flags = saved;
        return body;
      } else break;
      flags = negate ? flags & ~bit : flags | bit;
      sawFlag = true;
      this.pos++;
    }
    this.fail("invalid or unsupported group syntax " + this.pattern.substring(open, this.pos + 1), open);
    return null;
  }

  private parseNamedGroup(open: i32): Node | null {
    const nameStart = this.pos;
    while (isNameChar(this.peek())) this.pos++;
    const name = this.pattern.substring(nameStart, this.pos);
    if (name.length == 0 || this.peek() != 0x3e /* > */) {
      this.fail("invalid named capture group", open);
      return null;
    }
    if (this.groupNames.includes(name)) {
      this.fail("duplicate capture group name " + name, open);
      return null;
    }
    this.pos++;
    const index = this.groupNames.length;
    this.groupNames.push(name);
    return Node.capture(this.parseGroupBody(open), index);
  }

  /** The alternation up to the `)` closing the group opened at `open`; the group's flags end there. */
  private parseGroupBody(open: i32): Node {
    if (this.depth >= MAX_NESTING_DEPTH) {
      this.fail("groups nested deeper than " + MAX_NESTING_DEPTH.toString(), open);
      return Node.empty();
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

  private parseEscapeAtom(): Node | null {
    const at = this.pos;
    const c = this.peekAt(at + 1);
    switch (c) {
      case 0x41: // A
        this.pos += 2;
        return Node.assert(ASSERT_BEGIN_TEXT);
      case 0x7a: // z
        this.pos += 2;
        return Node.assert(ASSERT_END_TEXT);
      case 0x62: // b
        this.pos += 2;
        return Node.assert(ASSERT_WORD_BOUNDARY);
      case 0x42: // B
        this.pos += 2;
        return Node.assert(ASSERT_NOT_WORD_BOUNDARY);
      case 0x51: // Q
        return this.parseQuotedLiteral();
    }
    const perl = parsePerlClassEscape(this);
    if (perl !== null) return Node.charClass(perl);
    if (this.failed) return null;
    const cp = parseEscapedChar(this);
    return cp < 0 ? null : this.literal(cp);
  }

  /** \Q...\E: everything up to \E (or the end) is literal. */
  private parseQuotedLiteral(): Node {
    this.pos += 2;
    const concat = new Node(NodeKind.Concat);
    while (!this.atEnd) {
      if (this.peek() == 0x5c && this.peekAt(this.pos + 1) == 0x45 /* E */) {
        this.pos += 2;
        break;
      }
      concat.children.push(this.literal(this.nextCodepoint()));
    }
    return concat;
  }
}
