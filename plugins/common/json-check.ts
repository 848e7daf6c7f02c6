// Strict RFC 8259 JSON: a syntax check (checkJson) and a parser building the JSON library's value
// tree (parseJson), one scanner for both. Nothing traps on malformed input: the check returns a
// short reason with the byte offset. Nesting is bounded so hostile input cannot exhaust the stack.
// The check answers valid text with isJson (json-valid.ts: one allocation-free loop) and runs the
// scanner, which allocates and recurses, only to say what is wrong with invalid text.
// The tree is the one assemblyscript-json's decoder builds (its Value classes, numbers keeping
// their source text: patches/assemblyscript-json+1.1.0.patch), without the decoder, which trusts
// its input and parses floats with AssemblyScript's parseFloat (wrong for long mantissas).
import { JSON } from "assemblyscript-json/assembly";
import { digitsEnd, isJson, MAX_JSON_DEPTH, ws } from "./json-valid";

// The scanner's loops keep the input and the position in locals and reach the Scanner object only
// to hand results over: a field read and write per byte cost both time and code.

/** The byte at `pos`, or -1 past the end. */
@inline function byteAt(ptr: usize, len: i32, pos: i32): i32 {
  return pos < len ? <i32>load<u8>(ptr + <usize>pos) : -1;
}

class Scanner {
  pos: i32 = 0;
  error: string = "";
  /** The value just read (only when building). */
  value: JSON.Value = JSON.Value.Null();
  /** The string just read (only when building). */
  text: string = "";

  constructor(readonly ptr: usize, readonly len: i32, readonly build: bool) {}

  /** Records the first problem, found at byte `at`; false. */
  fail(what: string, at: i32): bool {
    if (this.error.length == 0) this.error = what + " at byte " + at.toString();
    return false;
  }

  /** Skips whitespace; the byte there (-1 at the end). */
  ws(): i32 {
    const ptr = this.ptr;
    const len = this.len;
    const pos = ws(ptr, this.pos, len);
    this.pos = pos;
    return byteAt(ptr, len, pos);
  }

  /** `true`, `false` or `null`; the value is built only when building. */
  literal(word: string): bool {
    const ptr = this.ptr;
    const len = this.len;
    let pos = this.pos;
    for (let i = 0; i < word.length; i++, pos++) if (byteAt(ptr, len, pos) != word.charCodeAt(i)) return this.fail("invalid literal", pos);
    this.pos = pos;
    if (this.build) this.value = word.length == 4 ? (word == "null" ? JSON.Value.Null() : JSON.Value.Bool(true)) : JSON.Value.Bool(false);
    return true;
  }

  /** Everything between the quotes, escapes resolved, lands in `text` when building. */
  string(): bool {
    const ptr = this.ptr;
    const len = this.len;
    const build = this.build;
    let pos = this.pos + 1; // after the opening quote
    let run = pos;
    let text = "";
    while (pos < len) {
      const c = <i32>load<u8>(ptr + <usize>pos);
      if (c == 0x22 || c == 0x5c) {
        if (build) text += String.UTF8.decodeUnsafe(ptr + <usize>run, pos - run);
        pos++;
        if (c == 0x22) {
          this.pos = pos;
          this.text = text;
          return true;
        }
        let e = byteAt(ptr, len, pos);
        if (e == 0x75) {
          e = 0;
          for (let i = 1; i <= 4; i++) {
            const h = byteAt(ptr, len, pos + i);
            const digit = <u32>(h - 0x30) < 10 ? h - 0x30 : <u32>((h | 0x20) - 0x61) < 6 ? (h | 0x20) - 0x61 + 10 : -1;
            if (digit < 0) return this.fail("bad \\u escape", pos);
            e = (e << 4) | digit;
          }
          pos += 4;
        } else {
          const at = "\"\\/bfnrt".indexOf(String.fromCharCode(e));
          if (at < 0) return this.fail("bad escape", pos);
          e = at < 3 ? e : <i32>"\b\f\n\r\t".charCodeAt(at - 3);
        }
        if (build) text += String.fromCharCode(e);
        run = ++pos;
        continue;
      }
      if (c < 0x20) return this.fail("control character in string", pos);
      pos++;
    }
    return this.fail("unterminated string", pos);
  }

  number(): bool {
    const ptr = this.ptr;
    const len = this.len;
    const start = this.pos;
    let pos = start;
    if (byteAt(ptr, len, pos) == 0x2d) pos++;
    if (byteAt(ptr, len, pos) == 0x30) pos++;
    else {
      const end = digitsEnd(ptr, pos, len);
      if (end == pos) return this.fail("bad number", pos);
      pos = end;
    }
    const integerEnd = pos;
    if (byteAt(ptr, len, pos) == 0x2e) {
      const end = digitsEnd(ptr, ++pos, len);
      if (end == pos) return this.fail("bad fraction", pos);
      pos = end;
    }
    if ((byteAt(ptr, len, pos) | 0x20) == 0x65) {
      const sign = byteAt(ptr, len, ++pos);
      if (sign == 0x2b || sign == 0x2d) pos++;
      const end = digitsEnd(ptr, pos, len);
      if (end == pos) return this.fail("bad exponent", pos);
      pos = end;
    }
    this.pos = pos;
    if (this.build) this.value = numberValue(ptr + <usize>start, pos - start, pos != integerEnd);
    return true;
  }

  /** One value (leading whitespace skipped); with `build`, left in `value`. */
  read(depth: i32): bool {
    if (depth > MAX_JSON_DEPTH) return this.fail("nesting deeper than " + MAX_JSON_DEPTH.toString(), this.pos);
    const c = this.ws();
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) {
      if (!this.string()) return false;
      if (this.build) this.value = JSON.Value.String(this.text);
      return true;
    }
    if (c == 0x74) return this.literal("true");
    if (c == 0x66) return this.literal("false");
    if (c == 0x6e) return this.literal("null");
    if (c == 0x2d || <u32>(c - 0x30) < 10) return this.number();
    return this.fail(c < 0 ? "unexpected end" : "unexpected character", this.pos);
  }

  object(depth: i32): bool {
    const obj = this.build ? JSON.Value.Object() : null;
    this.pos++;
    if (this.ws() != 0x7d) {
      for (;;) {
        if (this.ws() != 0x22) return this.fail("expected a key", this.pos);
        if (!this.string()) return false;
        const key = this.text;
        if (this.ws() != 0x3a) return this.fail("expected ':'", this.pos);
        this.pos++;
        if (!this.read(depth + 1)) return false;
        if (obj !== null) obj.set<JSON.Value>(key, this.value);
        const c = this.ws();
        const after = ++this.pos;
        if (c == 0x7d) break;
        if (c != 0x2c) return this.fail("expected ',' or '}'", after);
      }
    } else this.pos++;
    if (obj !== null) this.value = obj;
    return true;
  }

  array(depth: i32): bool {
    const arr = this.build ? JSON.Value.Array() : null;
    this.pos++;
    if (this.ws() != 0x5d) {
      for (;;) {
        if (!this.read(depth + 1)) return false;
        if (arr !== null) arr.push(this.value);
        const c = this.ws();
        const after = ++this.pos;
        if (c == 0x5d) break;
        if (c != 0x2c) return this.fail("expected ',' or ']'", after);
      }
    } else this.pos++;
    if (arr !== null) this.value = arr;
    return true;
  }

  /** Reads one value filling the whole input (whitespace around it allowed); "" or the reason why not. */
  whole(): string {
    if (this.read(0) && this.ws() >= 0) this.fail("trailing characters", this.pos);
    return this.error;
  }
}

/** A number's value (its text checked): a float when it has a fraction or exponent, or is -0. */
function numberValue(p: usize, n: i32, fraction: bool): JSON.Value {
  const text = String.UTF8.decodeUnsafe(p, n);
  const negative = load<u8>(p) == 0x2d;
  // "-0" is a float, as the library had it (an i64 has no negative zero).
  if (fraction || (negative && n == 2 && load<u8>(p + 1) == 0x30)) {
    const f = JSON.Value.Float(decimalToF64(p, n));
    f.text = text;
    return f;
  }
  // As the library did: digits accumulated in an f64 (numbers past 2^53 round, past 2^63 saturate).
  let magnitude: f64 = 0;
  for (let i = <i32>negative; i < n; i++) magnitude = magnitude * 10 + <f64>(load<u8>(p + i) - 0x30);
  const integer = JSON.Value.Integer(<i64>(negative ? -magnitude : magnitude));
  integer.text = text;
  return integer;
}

/**
 * "" when `len` bytes at `ptr` are one valid JSON value (surrounded by optional whitespace), else
 * what is wrong and at which byte. Both checkers implement one grammar (json.test.ts holds them to it).
 */
export function checkJson(ptr: usize, len: i32): string {
  return isJson(ptr, len) ? "" : new Scanner(ptr, len, false).whole();
}

/** The outcome of parseJson: the value, or the reason the text is not JSON (as checkJson gives it). */
export class JsonParse {
  constructor(readonly value: JSON.Value | null, readonly error: string) {}
}

/** Parses `len` bytes at `ptr` (one JSON value, whitespace around it allowed) into the library's tree. */
export function parseJson(ptr: usize, len: i32): JsonParse {
  const s = new Scanner(ptr, len, true);
  const error = s.whole();
  return new JsonParse(error.length ? null : s.value, error);
}

/**
 * A JSON number's text (already checked) as the nearest-enough f64: up to 19 significant digits are
 * kept exactly and scaled by a power of ten computed exactly (10^k is exact up to 10^22), so short
 * numbers come out correctly rounded and long ones within a few units in the last place.
 */
export function decimalToF64(p: usize, n: i32): f64 {
  let mantissa: u64 = 0;
  let kept = 0;
  let exponent = 0;
  let i = load<u8>(p) == 0x2d ? 1 : 0;
  let fraction = false;
  for (; i < n; i++) {
    const c = <i32>load<u8>(p + i);
    if (c == 0x2e) {
      fraction = true;
      continue;
    }
    if ((c | 0x20) == 0x65) break;
    if (kept < 19) {
      mantissa = mantissa * 10 + <u64>(c - 0x30);
      if (mantissa != 0) kept++;
      if (fraction) exponent--;
    } else if (!fraction) {
      exponent++;
    }
  }
  if (i < n) {
    // The exponent part: e, sign, digits (capped: anything past 10^400 is zero or infinite anyway).
    const negative = load<u8>(p + ++i) == 0x2d;
    if (negative || load<u8>(p + i) == 0x2b) i++;
    let e = 0;
    for (; i < n; i++) e = min(e * 10 + <i32>load<u8>(p + i) - 0x30, 100000);
    exponent += negative ? -e : e;
  }
  // Trailing zeros move to the exponent, so 1.50 and 0.010e-20 take the exact path as 15 and 1e-22 do.
  while (mantissa != 0 && mantissa % 10 == 0) {
    mantissa /= 10;
    exponent++;
  }
  let value = <f64>mantissa;
  while (exponent != 0 && value != 0) {
    const step = min(abs(exponent), 22);
    if (exponent > 0) value *= exactPowerOfTen(step);
    else value /= exactPowerOfTen(step);
    exponent += exponent > 0 ? -step : step;
  }
  return load<u8>(p) == 0x2d ? -value : value;
}

function exactPowerOfTen(k: i32): f64 {
  let p: f64 = 1;
  for (let i = 0; i < k; i++) p *= 10;
  return p;
}
