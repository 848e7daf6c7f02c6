// Reading a few fields of a JSON document straight from its bytes, without building a tree. The hot
// paths of ai-proxy need a handful of members per document (a request's `model`, a stream event's
// `type`, its text delta, its usage counts); building the whole tree (plugins/common parseValid) costs
// far more than the reading, most of it allocation and GC.
//
// The input must already be known to be one valid JSON value (plugins/common/json-check.ts): nothing
// here checks syntax, and nothing traps on valid input. A value is addressed by the byte offset of its
// first character; -1 means "absent". Every read gives what the tree gives for the same bytes, so a fast
// path built on this module answers exactly as the tree path it stands in for: the last of repeated
// members wins, keys are compared after decoding, strings decode the same way (escapes, lone
// surrogates, even invalid UTF-8) and numbers read as integers come out the same.
import { JSON, parseValid, unitCount } from "../../common/json-writer";

// ---- scanning primitives (also used by openai-splice.ts)

// @ts-ignore: decorator
@inline export function skipWs(p: usize, i: i32, n: i32): i32 {
  while (i < n) {
    const c = load<u8>(p + i);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    i++;
  }
  return i;
}

/** End (past the closing quote) of the string whose opening quote is at `i`. */
export function stringEnd(p: usize, i: i32, n: i32): i32 {
  for (let j = i + 1; j < n; j++) {
    const c = load<u8>(p + j);
    if (c == 0x5c) j++;
    else if (c == 0x22) return j + 1;
  }
  return n;
}

export function hasBackslash(p: usize, start: i32, end: i32): bool {
  for (let j = start; j < end; j++) if (load<u8>(p + j) == 0x5c) return true;
  return false;
}

/** End of the value starting at `i`. */
export function valueEnd(p: usize, i: i32, n: i32): i32 {
  const c = load<u8>(p + i);
  if (c == 0x22) return stringEnd(p, i, n);
  if (c == 0x7b || c == 0x5b) {
    let depth = 0;
    for (let j = i; j < n; j++) {
      const d = load<u8>(p + j);
      if (d == 0x22) {
        j = stringEnd(p, j, n) - 1;
      } else if (d == 0x7b || d == 0x5b) {
        depth++;
      } else if (d == 0x7d || d == 0x5d) {
        if (--depth == 0) return j + 1;
      }
    }
    return n;
  }
  let j = i;
  while (j < n) {
    const d = load<u8>(p + j);
    if (d == 0x2c || d == 0x7d || d == 0x5d || d == 0x20 || d == 0x0a || d == 0x0d || d == 0x09) break;
    j++;
  }
  return j;
}

/** Whether the string [start, end) (quotes included) is spelled exactly `ascii`, byte for byte. */
export function keyIs(p: usize, start: i32, end: i32, ascii: string): bool {
  const units = changetype<usize>(ascii);
  const n = unitCount(units);
  if (end - start - 2 != n) return false;
  const bytes = p + start + 1;
  for (let k = 0; k < n; k++) if (<u32>load<u8>(bytes + k) != <u32>load<u16>(units + (<usize>k << 1))) return false;
  return true;
}

// ---- decoding

/** Whether [start, end) holds a backslash or a byte above ASCII (then decoding may change the text). */
function needsDecoding(p: usize, start: i32, end: i32): bool {
  for (let j = start; j < end; j++) {
    const c = load<u8>(p + j);
    if (c == 0x5c || c >= 0x80) return true;
  }
  return false;
}

function hexValue(c: u32): u32 {
  if (c <= 0x39) return c - 0x30;
  return (c | 0x20) - 0x57; // 'a'..'f' and 'A'..'F'
}

/** The code unit an escape stands for; `at` is on the character after the backslash. */
function escapedUnit(p: usize, at: i32): u32 {
  const c = <u32>load<u8>(p + at);
  if (c == 0x62) return 0x08; // b
  if (c == 0x66) return 0x0c; // f
  if (c == 0x6e) return 0x0a; // n
  if (c == 0x72) return 0x0d; // r
  if (c == 0x74) return 0x09; // t
  if (c == 0x75) {
    // \uXXXX is one UTF-16 code unit; a surrogate pair is two escapes, each kept as written.
    return (hexValue(load<u8>(p + at + 1)) << 12) | (hexValue(load<u8>(p + at + 2)) << 8) | (hexValue(load<u8>(p + at + 3)) << 4) | hexValue(load<u8>(p + at + 4));
  }
  return c; // " \ /
}

/**
 * The text of the string [start, end) (quotes included). The runs between escapes are decoded with
 * String.UTF8.decodeUnsafe one by one, as the JSON parser does, so even invalid UTF-8 comes out the same.
 */
export function decodeString(p: usize, start: i32, end: i32): string {
  const first = start + 1;
  const last = end - 1;
  if (!hasBackslash(p, first, last)) return String.UTF8.decodeUnsafe(p + first, last - first);
  // Never more code units than bytes: an escape is 2 or 6 bytes for one unit, UTF-8 at least 1 byte a unit.
  const out = changetype<string>(__new(<usize>(last - first) << 1, idof<string>()));
  let o = changetype<usize>(out);
  let i = first;
  while (i < last) {
    if (load<u8>(p + i) == 0x5c) {
      store<u16>(o, <u16>escapedUnit(p, i + 1));
      o += 2;
      i += load<u8>(p + i + 1) == 0x75 ? 6 : 2;
      continue;
    }
    let runEnd = i + 1;
    while (runEnd < last && load<u8>(p + runEnd) != 0x5c) runEnd++;
    const run = String.UTF8.decodeUnsafe(p + i, runEnd - i);
    const bytes = <usize>run.length << 1;
    memory.copy(o, changetype<usize>(run), bytes);
    o += bytes;
    i = runEnd;
  }
  return changetype<string>(__renew(changetype<usize>(out), o - changetype<usize>(out)));
}

/** Whether the string [start, end) (quotes included) decodes to `s`. */
function stringMatches(p: usize, start: i32, end: i32, s: string): bool {
  const n = end - start - 2;
  const units = changetype<usize>(s);
  const count = unitCount(units);
  // Decoding never gives more code units than there are bytes.
  if (n < count) return false;
  if (n == count) {
    const bytes = p + start + 1;
    let same = true;
    for (let k = 0; k < n; k++) {
      const c = <u32>load<u8>(bytes + k);
      if (c >= 0x80 || c != <u32>load<u16>(units + (<usize>k << 1))) {
        same = false;
        break;
      }
    }
    // ASCII bytes equal to the code units: ASCII decodes to itself.
    if (same) return true;
  }
  if (!needsDecoding(p, start + 1, end - 1)) return false;
  return decodeString(p, start, end) == s;
}

// ---- the document

/** What a value is, from its first byte. */
export enum Kind {
  Absent,
  Object,
  Array,
  String,
  Number,
  True,
  False,
  Null,
}

/** One valid JSON document's bytes, read in place. Offsets are relative to `ptr`. */
export class JsonView {
  constructor(public ptr: usize, public len: i32) {}

  /** Moves the view to another document: one view reused event after event allocates nothing. */
  over(ptr: usize, len: i32): JsonView {
    this.ptr = ptr;
    this.len = len;
    return this;
  }

  static of(bytes: ArrayBuffer): JsonView {
    return new JsonView(changetype<usize>(bytes), bytes.byteLength);
  }

  /** The top-level value. */
  root(): i32 {
    return skipWs(this.ptr, 0, this.len);
  }

  kind(at: i32): Kind {
    if (at < 0 || at >= this.len) return Kind.Absent;
    const c = load<u8>(this.ptr + at);
    if (c == 0x7b) return Kind.Object;
    if (c == 0x5b) return Kind.Array;
    if (c == 0x22) return Kind.String;
    if (c == 0x74) return Kind.True;
    if (c == 0x66) return Kind.False;
    if (c == 0x6e) return Kind.Null;
    return Kind.Number;
  }

  /** Offset just past the value at `at`. */
  end(at: i32): i32 {
    return valueEnd(this.ptr, at, this.len);
  }

  /** The members of the object at `obj`, in order (none when it is not an object). */
  members(obj: i32): Members {
    return new Members(this, obj);
  }

  /** The value of member `key` of the object at `obj` (the last one when repeated), or -1. */
  member(obj: i32, key: string): i32 {
    const m = new Members(this, obj);
    let found = -1;
    while (m.next()) if (m.is(key)) found = m.value;
    return found;
  }

  /** The value at `at` as an integer when it is a number, else `fallback`. */
  integerOr(at: i32, fallback: i64): i64 {
    return this.kind(at) == Kind.Number ? this.integer(at) : fallback;
  }

  /** Member `key`'s text; "" when absent or not a string. */
  stringMember(obj: i32, key: string): string {
    const s = this.string(this.member(obj, key));
    return s === null ? "" : s;
  }

  /** The elements of the array at `arr`, in order (none when it is not an array). */
  elements(arr: i32): Elements {
    return new Elements(this, arr);
  }

  /** Element `index` of the array at `arr`, or -1. */
  element(arr: i32, index: i32): i32 {
    const e = new Elements(this, arr);
    let k = 0;
    while (e.next()) if (k++ == index) return e.value;
    return -1;
  }

  /** The text of the string at `at`; null when the value is not a string. */
  string(at: i32): string | null {
    if (this.kind(at) != Kind.String) return null;
    return decodeString(this.ptr, at, this.end(at));
  }

  /** Whether the value at `at` is a string whose text is `s` (nothing allocated for plain ASCII). */
  stringIs(at: i32, s: string): bool {
    if (this.kind(at) != Kind.String) return false;
    return stringMatches(this.ptr, at, stringEnd(this.ptr, at, this.len), s);
  }

  /**
   * The number at `at` as an integer, as the translators read one from the JSON library's tree: an
   * integer literal is accumulated digit by digit in an f64 and truncated to i64. A number with a
   * fraction or an exponent (or "-0") is rare in the fields read here; it is handed to the library
   * itself, so its float reading (and any quirk of it) stays the tree's. Call only on a Kind.Number.
   */
  integer(at: i32): i64 {
    const p = this.ptr;
    const end = this.end(at);
    let i = at;
    let sign: f64 = 1;
    if (load<u8>(p + i) == 0x2d) {
      sign = -1;
      i++;
    }
    let number: f64 = 0;
    for (; i < end; i++) {
      const digit = <i32>load<u8>(p + i) - 0x30;
      if (<u32>digit > 9) return this.parsedInteger(at, end);
      number = number * 10 + <f64>digit;
    }
    if (end - at == 2 && number == 0 && sign < 0) return this.parsedInteger(at, end); // "-0" parses as a float
    return <i64>(number * sign);
  }

  private parsedInteger(start: i32, end: i32): i64 {
    const token = new ArrayBuffer(end - start);
    memory.copy(changetype<usize>(token), this.ptr + start, end - start);
    const v = parseValid(token);
    if (v.isInteger) return (<JSON.Integer>v).valueOf();
    if (v.isFloat) return <i64>(<JSON.Float>v).valueOf();
    return -1;
  }
}

/** A cursor over an object's members: `while (m.next()) if (m.is("key")) … m.value …`. */
export class Members {
  private at: i32;
  private keyStart: i32 = -1;
  private keyEnd: i32 = -1;
  /** The key's bytes are its text (no escape, all ASCII): is() then compares bytes alone. */
  private keyPlain: bool = false;
  /** Offset of the current member's value. */
  value: i32 = -1;

  constructor(private view: JsonView, obj: i32) {
    this.at = view.kind(obj) == Kind.Object ? skipWs(view.ptr, obj + 1, view.len) : view.len;
  }

  /** Starts over on the object at `obj` of `view`: one cursor reused object after object allocates nothing. */
  over(view: JsonView, obj: i32): Members {
    this.view = view;
    this.at = view.kind(obj) == Kind.Object ? skipWs(view.ptr, obj + 1, view.len) : view.len;
    return this;
  }

  next(): bool {
    const p = this.view.ptr;
    const n = this.view.len;
    let i = this.at;
    if (i >= n || load<u8>(p + i) != 0x22) return false;
    this.keyStart = i;
    let plain = true;
    let j = i + 1;
    for (; j < n; j++) {
      const c = load<u8>(p + j);
      if (c == 0x22) break;
      if (c == 0x5c) {
        plain = false;
        j++;
      } else if (c >= 0x80) plain = false;
    }
    this.keyEnd = j < n ? j + 1 : n;
    this.keyPlain = plain;
    i = skipWs(p, skipWs(p, this.keyEnd, n) + 1, n); // past ':'
    this.value = i;
    i = skipWs(p, valueEnd(p, i, n), n);
    if (i < n && load<u8>(p + i) == 0x2c) i = skipWs(p, i + 1, n);
    this.at = i;
    return true;
  }

  /** Whether the current member's key (decoded) is `key`. */
  is(key: string): bool {
    if (this.keyPlain) return keyIs(this.view.ptr, this.keyStart, this.keyEnd, key);
    return stringMatches(this.view.ptr, this.keyStart, this.keyEnd, key);
  }
}

/** A cursor over an array's elements: `while (e.next()) … e.value …`. */
export class Elements {
  private at: i32;
  /** Offset of the current element. */
  value: i32 = -1;

  constructor(private view: JsonView, arr: i32) {
    this.at = view.kind(arr) == Kind.Array ? skipWs(view.ptr, arr + 1, view.len) : view.len;
  }

  /** Starts over on the array at `arr` of `view` (see Members.over). */
  over(view: JsonView, arr: i32): Elements {
    this.view = view;
    this.at = view.kind(arr) == Kind.Array ? skipWs(view.ptr, arr + 1, view.len) : view.len;
    return this;
  }

  next(): bool {
    const p = this.view.ptr;
    const n = this.view.len;
    let i = this.at;
    if (i >= n || load<u8>(p + i) == 0x5d) return false;
    this.value = i;
    i = skipWs(p, valueEnd(p, i, n), n);
    if (i < n && load<u8>(p + i) == 0x2c) i = skipWs(p, i + 1, n);
    this.at = i;
    return true;
  }
}
