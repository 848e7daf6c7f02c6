// Writing JSON: a growable UTF-8 byte buffer with correct string escaping, and serialization of a
// parsed tree. The JSON library's own stringify escapes control characters incorrectly (a backslash
// before the raw character), so output is always written here.
import { JSON } from "assemblyscript-json/assembly";
import { OBJECT, TOTAL_OVERHEAD } from "rt/common";
import { parseJson } from "./json-check";

export { JSON };

const HEX = "0123456789abcdef";

/**
 * The length of a string, given as `changetype<usize>(s)`: `s.length` without a call. With
 * shrinkLevel 2 Binaryen keeps String#get:length out of line, and the scanners of streams ask for
 * the length of a constant once per key compared or name written. Taking the address rather than
 * the string keeps the inlined body free of a reference local.
 */
// @ts-ignore: decorator
@inline export function unitCount(units: usize): i32 {
  return <i32>(changetype<OBJECT>(units - TOTAL_OVERHEAD).rtSize >> 1);
}

export class JsonWriter {
  private buf: ArrayBuffer;
  private len: i32 = 0;

  constructor(capacity: i32 = 256) {
    this.buf = new ArrayBuffer(capacity);
  }

  private reserve(extra: i32): void {
    const need = this.len + extra;
    if (need <= this.buf.byteLength) return;
    let cap = this.buf.byteLength << 1;
    while (cap < need) cap <<= 1;
    const next = new ArrayBuffer(cap);
    memory.copy(changetype<usize>(next), changetype<usize>(this.buf), this.len);
    this.buf = next;
  }

  byte(b: u8): JsonWriter {
    this.reserve(1);
    store<u8>(changetype<usize>(this.buf) + this.len++, b);
    return this;
  }

  /** Appends raw bytes (already valid JSON, or text between values). */
  raw(ptr: usize, n: i32): JsonWriter {
    this.reserve(n);
    memory.copy(changetype<usize>(this.buf) + this.len, ptr, n);
    this.len += n;
    return this;
  }

  rawBuffer(b: ArrayBuffer): JsonWriter {
    return this.raw(changetype<usize>(b), b.byteLength);
  }

  /** Appends ASCII text as is (punctuation, keys known to need no escaping, numbers). */
  ascii(s: string): JsonWriter {
    const units = changetype<usize>(s);
    const n = unitCount(units);
    this.reserve(n);
    const base = changetype<usize>(this.buf) + this.len;
    for (let i = 0; i < n; i++) store<u8>(base + i, load<u16>(units + (<usize>i << 1)));
    this.len += n;
    return this;
  }

  /** A JSON string literal of `s`, escaped. */
  string(s: string): JsonWriter {
    // Most strings written are ASCII: escaped straight from the UTF-16 units, without encoding a copy.
    if (isAscii(s)) return this.asciiString(s);
    const utf8 = String.UTF8.encode(s);
    return this.stringBytes(changetype<usize>(utf8), utf8.byteLength);
  }

  private asciiString(s: string): JsonWriter {
    const units = changetype<usize>(s);
    const n = unitCount(units);
    this.reserve(n + 2);
    let o = changetype<usize>(this.buf) + this.len;
    store<u8>(o++, 0x22);
    let i = 0;
    for (; i < n; i++) {
      const c = load<u16>(units + (<usize>i << 1));
      if (c < 0x20 || c == 0x22 || c == 0x5c) break;
      store<u8>(o++, <u8>c);
    }
    this.len = <i32>(o - changetype<usize>(this.buf));
    // The rest has something to escape: byte by byte, as stringBytes does.
    for (; i < n; i++) this.escaped(<u8>load<u16>(units + (<usize>i << 1)));
    return this.byte(0x22);
  }

  /** One ASCII byte inside a string literal, escaped when JSON requires it. */
  private escaped(c: u8): void {
    if (c >= 0x20 && c != 0x22 && c != 0x5c) this.byte(c);
    else if (c == 0x22) this.ascii("\\\"");
    else if (c == 0x5c) this.ascii("\\\\");
    else if (c == 0x0a) this.ascii("\\n");
    else if (c == 0x0d) this.ascii("\\r");
    else if (c == 0x09) this.ascii("\\t");
    else {
      this.ascii("\\u00");
      this.byte(<u8>HEX.charCodeAt(c >> 4));
      this.byte(<u8>HEX.charCodeAt(c & 15));
    }
  }

  /** A JSON string literal of UTF-8 bytes, escaped. */
  stringBytes(ptr: usize, n: i32): JsonWriter {
    this.reserve(n + 2);
    this.byte(0x22);
    let start = 0;
    for (let i = 0; i < n; i++) {
      const c = load<u8>(ptr + i);
      if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
      this.raw(ptr + start, i - start);
      start = i + 1;
      this.escaped(c);
    }
    this.raw(ptr + start, n - start);
    return this.byte(0x22);
  }

  key(k: string): JsonWriter {
    return this.string(k).byte(0x3a);
  }

  /** A whole number in decimal, as `n.toString()` spells it: digits written in place, no string made. */
  integer(n: i64): JsonWriter {
    // The magnitude as unsigned: -i64.MIN_VALUE wraps to itself, which as u64 is its magnitude.
    let u = <u64>(n < 0 ? -n : n);
    let size = n < 0 ? 2 : 1;
    for (let t = u; t >= 10; t /= 10) size++;
    this.reserve(size);
    const base = changetype<usize>(this.buf) + this.len;
    if (n < 0) store<u8>(base, 0x2d);
    let o = base + size;
    do {
      store<u8>(--o, <u8>(0x30 + u % 10));
      u /= 10;
    } while (u);
    this.len += size;
    return this;
  }

  float(f: f64): JsonWriter {
    if (!isFinite(f)) return this.ascii("null");
    if (f == Math.floor(f) && Math.abs(f) < 1e15) return this.integer(<i64>f);
    return this.ascii(f.toString());
  }

  bool(b: bool): JsonWriter {
    return this.ascii(b ? "true" : "false");
  }

  null(): JsonWriter {
    return this.ascii("null");
  }

  /** Serializes a parsed value. */
  value(v: JSON.Value): JsonWriter {
    if (v.isString) return this.string((<JSON.Str>v).valueOf());
    // Parsed numbers are written as they were received (see patches/assemblyscript-json+1.1.0.patch).
    if (v.isInteger) {
      const i = <JSON.Integer>v;
      return i.text.length ? this.ascii(i.text) : this.integer(i.valueOf());
    }
    if (v.isFloat || v.isNum) {
      const f = <JSON.Num>v;
      return f.text.length ? this.ascii(f.text) : this.float(f.valueOf());
    }
    if (v.isBool) return this.bool((<JSON.Bool>v).valueOf());
    if (v.isNull) return this.null();
    if (v.isArr) {
      const items = (<JSON.Arr>v).valueOf();
      this.byte(0x5b);
      for (let i = 0; i < items.length; i++) {
        if (i) this.byte(0x2c);
        this.value(items[i]);
      }
      return this.byte(0x5d);
    }
    const obj = <JSON.Obj>v;
    const keys = obj.keys;
    this.byte(0x7b);
    for (let i = 0; i < keys.length; i++) {
      if (i) this.byte(0x2c);
      this.key(keys[i]).value(obj.get(keys[i])!);
    }
    return this.byte(0x7d);
  }

  get length(): i32 {
    return this.len;
  }

  /** Where the bytes written so far start: valid until the next write (the buffer moves when it grows). */
  get dataStart(): usize {
    return changetype<usize>(this.buf);
  }

  /** The bytes written so far (a copy). */
  toBuffer(): ArrayBuffer {
    return this.buf.slice(0, this.len);
  }

  reset(): void {
    this.len = 0;
  }
}

function isAscii(s: string): bool {
  const units = changetype<usize>(s);
  const n = unitCount(units);
  for (let i = 0; i < n; i++) if (load<u16>(units + (<usize>i << 1)) >= 0x80) return false;
  return true;
}

/** Parses JSON bytes already known to be valid (see json-check.ts); null if they were not. */
export function parseValid(data: ArrayBuffer): JSON.Value {
  const parsed = parseJson(changetype<usize>(data), data.byteLength).value;
  return parsed !== null ? parsed : JSON.Value.Null();
}
