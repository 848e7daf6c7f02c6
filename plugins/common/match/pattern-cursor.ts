// Reading position in a pattern plus the first error found. The parsers (parser.ts,
// class-parser.ts, escapes.ts) never throw: they record the error here and unwind.

export class PatternCursor {
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
}

export function isAsciiLetter(c: i32): bool {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}
