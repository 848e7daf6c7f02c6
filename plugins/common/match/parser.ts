// Parses RE2-style pattern syntax into an AST (ast.ts). Never throws: the first problem found is
// recorded with its offset and parsing unwinds (every loop checks `failed`).
import { Node, NodeKind } from "./ast";
import { CodepointSet, MAX_CODEPOINT, perlClass, posixClass } from "./codepoint-set";
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

function isAsciiLetter(c: i32): bool {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

function isNameChar(c: i32): bool {
  return isAsciiLetter(c) || isDigit(c) || c == 0x5f;
}

function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

class Parser {
  pos: i32 = 0;
  depth: i32 = 0;
  groupNames: Array<string> = [""];
  error: string = "";
  errorOffset: i32 = -1;

  constructor(
    private pattern: string,
    private flags: u32,
  ) {}

  get failed(): bool {
    return this.errorOffset >= 0;
  }

  fail(message: string, offset: i32): void {
    if (this.failed) return;
    this.error = message + " at offset " + offset.toString();
    this.errorOffset = offset;
  }

  private get atEnd(): bool {
    return this.pos >= this.pattern.length;
  }

  /** The code unit at `at`, or -1 past the end. */
  private peekAt(at: i32): i32 {
    return at < this.pattern.length ? <i32>this.pattern.charCodeAt(at) : -1;
  }

  private peek(): i32 {
    return this.peekAt(this.pos);
  }

  /** Consumes one code point (a surrogate pair counts as one; a lone surrogate reads as U+FFFD). */
  private nextCodepoint(): i32 {
    const c = this.peek();
    this.pos++;
    if (c >= 0xd800 && c <= 0xdbff) {
      const low = this.peek();
      if (low >= 0xdc00 && low <= 0xdfff) {
        this.pos++;
        return 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      }
      return 0xfffd;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return 0xfffd;
    return c;
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

  private quantMin: i32 = 0;
  private quantMax: i32 = 0;
  private quantGreedy: bool = true;

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
      case 0x5b: // [
        return this.parseClass();
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
    const perl = this.perlClassEscape();
    if (perl !== null) return Node.charClass(perl);
    if (this.failed) return null;
    const cp = this.parseEscapedChar();
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

  /** \d \D \s \S \w \W at pos: consumes it and returns its set; null (nothing consumed) otherwise. */
  private perlClassEscape(): CodepointSet | null {
    if (this.peek() != 0x5c) return null;
    const letter = this.peekAt(this.pos + 1);
    const lower = letter | 0x20;
    if (lower != 0x64 && lower != 0x73 && lower != 0x77) return null;
    const set = perlClass(lower);
    if (set === null) return null;
    this.pos += 2;
    if (letter != lower) set.negate();
    return set;
  }

  /** An escape standing for one code point (also valid inside classes). -1 after reporting an error. */
  private parseEscapedChar(): i32 {
    const at = this.pos;
    if (this.pos + 1 >= this.pattern.length) {
      this.fail("trailing backslash", at);
      return -1;
    }
    this.pos++;
    const c = this.nextCodepoint();
    switch (c) {
      case 0x74: return 0x09; // t
      case 0x6e: return 0x0a; // n
      case 0x72: return 0x0d; // r
      case 0x66: return 0x0c; // f
      case 0x76: return 0x0b; // v
      case 0x61: return 0x07; // a
      case 0x30: // 0
        if (isDigit(this.peek())) break;
        return 0;
      case 0x78: // x
        return this.parseHexEscape(at, 2);
      case 0x75: // u
        return this.parseHexEscape(at, 4);
    }
    if (c < 0x80 && !isAsciiLetter(c) && !isDigit(c)) return c;
    if (c >= 0x31 && c <= 0x39 || c == 0x6b /* k */) {
      this.fail("backreferences are not supported", at);
    } else if (c == 0x70 || c == 0x50) {
      this.fail("Unicode classes \\p and \\P are not supported", at);
    } else if (c == 0x30) {
      this.fail("octal escapes are not supported", at);
    } else {
      this.fail("invalid escape sequence " + this.pattern.substring(at, this.pos), at);
    }
    return -1;
  }

  /** After \x or \u: exactly `digits` hex digits, or {hex...} up to U+10FFFF. */
  private parseHexEscape(at: i32, digits: i32): i32 {
    let value: i32 = 0;
    if (this.peek() == 0x7b /* { */) {
      this.pos++;
      let count = 0;
      while (hexValue(this.peek()) >= 0) {
        value = value * 16 + hexValue(this.peek());
        if (value > MAX_CODEPOINT) break;
        this.pos++;
        count++;
      }
      if (count > 0 && value <= MAX_CODEPOINT && this.peek() == 0x7d) {
        this.pos++;
        return value;
      }
    } else {
      let count = 0;
      while (count < digits && hexValue(this.peek()) >= 0) {
        value = value * 16 + hexValue(this.peek());
        this.pos++;
        count++;
      }
      if (count == digits) return value;
    }
    this.fail("invalid escape sequence " + this.pattern.substring(at, this.pos + 1), at);
    return -1;
  }

  private parseClass(): Node | null {
    const open = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() == 0x5e /* ^ */) {
      negated = true;
      this.pos++;
    }
    const set = new CodepointSet();
    let first = true;
    while (!this.failed) {
      if (this.atEnd) {
        this.fail("missing closing ]", open);
        return null;
      }
      const c = this.peek();
      if (c == 0x5d /* ] */ && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c == 0x5b /* [ */ && this.peekAt(this.pos + 1) == 0x3a /* : */ && this.parsePosixClass(set)) continue;
      const perl = this.perlClassEscape();
      if (perl !== null) {
        set.addSet(perl);
        continue;
      }
      const itemStart = this.pos;
      const lo = this.parseClassChar();
      if (lo < 0) return null;
      if (this.peek() == 0x2d /* - */ && this.peekAt(this.pos + 1) != 0x5d && this.pos + 1 < this.pattern.length) {
        this.pos++;
        if (this.perlClassEscape() !== null) {
          this.fail("invalid character class range " + this.pattern.substring(itemStart, this.pos), itemStart);
          return null;
        }
        const hi = this.parseClassChar();
        if (hi < 0) return null;
        if (hi < lo) {
          this.fail("invalid character class range " + this.pattern.substring(itemStart, this.pos), itemStart);
          return null;
        }
        set.addRange(lo, hi);
      } else {
        set.addRange(lo, lo);
      }
    }
    set.normalize();
    if ((this.flags & REGEX_CASE_INSENSITIVE) != 0) set.foldAsciiCase();
    if (negated) set.negate();
    return Node.charClass(set);
  }

  private parseClassChar(): i32 {
    if (this.peek() == 0x5c) return this.parseEscapedChar();
    return this.nextCodepoint();
  }

  /** [:name:] or [:^name:] at pos. False (nothing consumed) when no `:]` closes it. */
  private parsePosixClass(into: CodepointSet): bool {
    const at = this.pos;
    const close = this.pattern.indexOf(":]", at + 2);
    if (close < 0) return false;
    let nameStart = at + 2;
    const negated = this.peekAt(nameStart) == 0x5e;
    if (negated) nameStart++;
    const name = this.pattern.substring(nameStart, close);
    const set = posixClass(name);
    if (set === null) {
      this.fail("invalid character class [:" + name + ":]", at);
      return true;
    }
    if (negated) set.negate();
    into.addSet(set);
    this.pos = close + 2;
    return true;
  }
}
