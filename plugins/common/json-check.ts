// A strict RFC 8259 syntax check run before any JSON reaches the JSON library. The library assumes
// valid input (it asserts, and release builds compile asserts away), so a malformed configuration or
// request body would otherwise trap the VM or be misread. Returns "" when valid, else a short reason
// with the byte offset. Nesting is bounded so hostile input cannot exhaust the stack.

const MAX_DEPTH = 128;

class Scanner {
  pos: i32 = 0;
  error: string = "";
  constructor(readonly ptr: usize, readonly len: i32) {}

  @inline peek(): i32 {
    return this.pos < this.len ? <i32>load<u8>(this.ptr + this.pos) : -1;
  }

  fail(what: string): bool {
    if (this.error.length == 0) this.error = what + " at byte " + this.pos.toString();
    return false;
  }

  ws(): void {
    while (this.pos < this.len) {
      const c = load<u8>(this.ptr + this.pos);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      this.pos++;
    }
  }

  literal(word: string): bool {
    for (let i = 0; i < word.length; i++) {
      if (this.peek() != word.charCodeAt(i)) return this.fail("invalid literal");
      this.pos++;
    }
    return true;
  }

  string(): bool {
    this.pos++; // opening quote
    while (this.pos < this.len) {
      const c = <i32>load<u8>(this.ptr + this.pos);
      if (c == 0x22) {
        this.pos++;
        return true;
      }
      if (c < 0x20) return this.fail("control character in string");
      if (c == 0x5c) {
        this.pos++;
        const e = this.peek();
        if (e == 0x75) {
          for (let i = 1; i <= 4; i++) {
            const h = this.pos + i < this.len ? <i32>load<u8>(this.ptr + this.pos + i) : -1;
            const hex = (h >= 48 && h <= 57) || (h >= 97 && h <= 102) || (h >= 65 && h <= 70);
            if (!hex) return this.fail("bad \\u escape");
          }
          this.pos += 5;
          continue;
        }
        if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) {
          return this.fail("bad escape");
        }
        this.pos++;
        continue;
      }
      this.pos++;
    }
    return this.fail("unterminated string");
  }

  digits(): i32 {
    const start = this.pos;
    while (this.peek() >= 48 && this.peek() <= 57) this.pos++;
    return this.pos - start;
  }

  number(): bool {
    if (this.peek() == 0x2d) this.pos++;
    if (this.peek() == 48) this.pos++;
    else if (this.digits() == 0) return this.fail("bad number");
    if (this.peek() == 0x2e) {
      this.pos++;
      if (this.digits() == 0) return this.fail("bad fraction");
    }
    if (this.peek() == 0x65 || this.peek() == 0x45) {
      this.pos++;
      if (this.peek() == 0x2b || this.peek() == 0x2d) this.pos++;
      if (this.digits() == 0) return this.fail("bad exponent");
    }
    return true;
  }

  value(depth: i32): bool {
    if (depth > MAX_DEPTH) return this.fail("nesting deeper than " + MAX_DEPTH.toString());
    this.ws();
    const c = this.peek();
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) return this.string();
    if (c == 0x74) return this.literal("true");
    if (c == 0x66) return this.literal("false");
    if (c == 0x6e) return this.literal("null");
    if (c == 0x2d || (c >= 48 && c <= 57)) return this.number();
    return this.fail(c < 0 ? "unexpected end" : "unexpected character");
  }

  object(depth: i32): bool {
    this.pos++;
    this.ws();
    if (this.peek() == 0x7d) {
      this.pos++;
      return true;
    }
    for (;;) {
      this.ws();
      if (this.peek() != 0x22) return this.fail("expected a key");
      if (!this.string()) return false;
      this.ws();
      if (this.peek() != 0x3a) return this.fail("expected ':'");
      this.pos++;
      if (!this.value(depth + 1)) return false;
      this.ws();
      const c = this.peek();
      this.pos++;
      if (c == 0x7d) return true;
      if (c != 0x2c) return this.fail("expected ',' or '}'");
    }
    return false; // unreachable
  }

  array(depth: i32): bool {
    this.pos++;
    this.ws();
    if (this.peek() == 0x5d) {
      this.pos++;
      return true;
    }
    for (;;) {
      if (!this.value(depth + 1)) return false;
      this.ws();
      const c = this.peek();
      this.pos++;
      if (c == 0x5d) return true;
      if (c != 0x2c) return this.fail("expected ',' or ']'");
    }
    return false; // unreachable
  }
}

/** "" when `len` bytes at `ptr` are one valid JSON value (surrounded by optional whitespace). */
export function checkJson(ptr: usize, len: i32): string {
  const s = new Scanner(ptr, len);
  if (!s.value(0)) return s.error;
  s.ws();
  if (s.pos != len) {
    s.fail("trailing characters");
    return s.error;
  }
  return "";
}
