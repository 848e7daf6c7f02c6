// Reading a pattern: position, the first error found (parsing never throws: it records the error
// here and unwinds), code points, escapes and bracketed classes. The structure of a pattern
// (groups, alternation, repetition) is parser.ts's job.
import { hexDigit } from "../bytes";
import { CodepointSet, MAX_CODEPOINT, namedClass } from "./codepoint-set";

export class PatternReader {
  pos: i32 = 0;
  error: string = "";
  errorOffset: i32 = -1;

  constructor(public pattern: string) {}

  get failed(): bool {
    return this.errorOffset >= 0;
  }

  /** Records the first error only; later ones are consequences of it. */
  fail(message: string, offset: i32): void {
    if (this.failed) return;
    this.error = message + " at offset " + offset.toString();
    this.errorOffset = offset;
  }

  /** Fails with `message` followed by the pattern text from `from` to just before `to`. */
  failQuoting(message: string, from: i32, to: i32): void {
    this.fail(message + this.pattern.substring(from, to), from);
  }

  get atEnd(): bool {
    return this.pos >= this.pattern.length;
  }

  /** The code unit at `at`, or -1 past the end. */
  peekAt(at: i32): i32 {
    return at < this.pattern.length ? <i32>this.pattern.charCodeAt(at) : -1;
  }

  peek(): i32 {
    return this.peekAt(this.pos);
  }

  /** Consumes one code point (a surrogate pair counts as one; a lone surrogate reads as U+FFFD). */
  nextCodepoint(): i32 {
    const c = this.peek();
    this.pos++;
    if ((c & 0xfc00) == 0xd800) {
      const low = this.peek();
      if ((low & 0xfc00) == 0xdc00) {
        this.pos++;
        return 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      }
    }
    return (c & 0xf800) == 0xd800 ? 0xfffd : c;
  }

  /** \d \D \s \S \w \W at the cursor: consumes it and returns its set; null (nothing consumed) otherwise. */
  perlClassEscape(): CodepointSet | null {
    if (this.peek() != 0x5c) return null;
    const letter = this.peekAt(this.pos + 1);
    const lower = letter | 0x20;
    if (lower != 0x64 && lower != 0x73 && lower != 0x77) return null;
    const set = namedClass("\\" + String.fromCharCode(lower))!;
    this.pos += 2;
    if (letter != lower) set.negate();
    return set;
  }

  /** An escape standing for one code point, at the cursor. -1 after reporting an error. */
  escapedChar(): i32 {
    const at = this.pos;
    if (at + 1 >= this.pattern.length) {
      this.fail("trailing backslash", at);
      return -1;
    }
    this.pos++;
    const c = this.nextCodepoint();
    switch (c) {
      case 0x74: return 0x09; // t
      case 0x6e: return 0x0a; // n
      case 0x76: return 0x0b; // v
      case 0x66: return 0x0c; // f
      case 0x72: return 0x0d; // r
      case 0x61: return 0x07; // a
      case 0x78: return this.hexEscape(at, 2); // x
      case 0x75: return this.hexEscape(at, 4); // u
    }
    if (c == 0x30 && !isDigit(this.peek())) return 0; // \0, unless an octal escape follows
    if (c < 0x80 && !isAsciiLetter(c) && !isDigit(c)) return c;
    if ((c >= 0x31 && c <= 0x39) || c == 0x6b /* k */) {
      this.fail("backreferences are not supported", at);
    } else if ((c | 0x20) == 0x70) {
      this.fail("Unicode classes \\p and \\P are not supported", at);
    } else if (c == 0x30) {
      this.fail("octal escapes are not supported", at);
    } else {
      this.failQuoting("invalid escape sequence ", at, this.pos);
    }
    return -1;
  }

  /** After \x or \u: exactly `digits` hex digits, or {hex...} up to U+10FFFF. */
  private hexEscape(at: i32, digits: i32): i32 {
    let value: i32 = 0;
    let count = 0;
    const braced = this.peek() == 0x7b;
    if (braced) this.pos++;
    while ((braced || count < digits) && hexDigit(this.peek()) >= 0 && value <= MAX_CODEPOINT) {
      value = value * 16 + hexDigit(this.peek());
      if (value > MAX_CODEPOINT) break;
      this.pos++;
      count++;
    }
    if (!braced && count == digits) return value;
    if (braced && count > 0 && value <= MAX_CODEPOINT && this.peek() == 0x7d) {
      this.pos++;
      return value;
    }
    this.failQuoting("invalid escape sequence ", at, this.pos + 1);
    return -1;
  }

  /**
   * The bracketed class starting at the cursor's `[`: ranges, escapes, \d \s \w (and negated), POSIX
   * [:name:] classes; `]` first is a literal (as in RE2). Case folding applies before negation.
   * Null after reporting an error.
   */
  charClass(foldCase: bool): CodepointSet | null {
    const open = this.pos++;
    const negated = this.peek() == 0x5e; /* ^ */
    if (negated) this.pos++;
    const set = new CodepointSet();
    for (let first = true; ; first = false) {
      if (this.atEnd) {
        this.fail("missing closing ]", open);
        return null;
      }
      const c = this.peek();
      if (c == 0x5d /* ] */ && !first) break;
      if (c == 0x5b /* [ */ && this.posixClass(set)) {
        if (this.failed) return null;
        continue;
      }
      const perl = this.perlClassEscape();
      if (perl !== null) {
        set.addSet(perl);
        continue;
      }
      const itemStart = this.pos;
      const lo = this.classChar();
      let hi = lo;
      if (this.peek() == 0x2d /* - */ && this.peekAt(this.pos + 1) != 0x5d && this.pos + 1 < this.pattern.length && lo >= 0) {
        this.pos++;
        hi = this.perlClassEscape() !== null ? -2 : this.classChar();
        if (hi == -2 || (hi >= 0 && hi < lo)) this.failQuoting("invalid character class range ", itemStart, this.pos);
      }
      if (this.failed) return null;
      set.addRange(lo, hi);
    }
    this.pos++;
    set.normalize();
    if (foldCase) set.foldAsciiCase();
    if (negated) set.negate();
    return set;
  }

  private classChar(): i32 {
    return this.peek() == 0x5c ? this.escapedChar() : this.nextCodepoint();
  }

  /**
   * [:name:] or [:^name:] at the cursor, added to `into`. False (nothing consumed) when the text is
   * not shaped like one, so the `[` is an ordinary character; an unknown name is an error.
   */
  private posixClass(into: CodepointSet): bool {
    const at = this.pos;
    if (this.peekAt(at + 1) != 0x3a /* : */) return false;
    let p = at + 2;
    const negated = this.peekAt(p) == 0x5e;
    if (negated) p++;
    const nameStart = p;
    while (isAsciiLetter(this.peekAt(p))) p++;
    if (this.peekAt(p) != 0x3a || this.peekAt(p + 1) != 0x5d /* :] */) return false;
    const name = this.pattern.substring(nameStart, p);
    const set = namedClass(name);
    if (set === null) {
      this.fail("invalid character class [:" + name + ":]", at);
      return true;
    }
    if (negated) set.negate();
    into.addSet(set);
    this.pos = p + 2;
    return true;
  }
}

export function isAsciiLetter(c: i32): bool {
  return <u32>((c | 0x20) - 0x61) < 26;
}

export function isDigit(c: i32): bool {
  return <u32>(c - 0x30) < 10;
}

