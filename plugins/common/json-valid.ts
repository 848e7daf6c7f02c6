// Whether bytes are one valid JSON value (RFC 8259, nesting up to MAX_JSON_DEPTH levels), without a
// reason: fast enough for every stream event and the fast path of checkJson (json-check.ts), whose
// message-building scanner runs only on invalid text. One loop over the bytes with the position in a
// local, an explicit stack of open containers instead of recursion, nothing allocated.

/** Containers may nest this deep inside the top value; deeper input is refused, not recursed into. */
export const MAX_JSON_DEPTH = 128;
/** Open containers, innermost last: 1 for an object, 0 for an array. */
const STACK = memory.data(MAX_JSON_DEPTH + 1);

const VALUE = 0; // a value is expected
const KEY = 1; // a member's key is expected (after `{` or `,` in an object)
const AFTER = 2; // a value just ended

/** The position after the JSON whitespace at `i` (of `n` bytes at `p`). */
// @ts-ignore: decorator
@inline export function ws(p: usize, i: i32, n: i32): i32 {
  while (i < n) {
    const c = load<u8>(p + i);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    i++;
  }
  return i;
}

function isHex(c: u32): bool {
  return c - 0x30 < 10 || (c | 0x20) - 0x61 < 6;
}

/** End of the string whose quote is at `i` (past the closing quote), or -1 when it is not valid. */
function stringEnd(p: usize, i: i32, n: i32): i32 {
  i++;
  while (i < n) {
    const c = <u32>load<u8>(p + i);
    if (c == 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c == 0x5c) {
      if (i + 1 >= n) return -1;
      const e = <u32>load<u8>(p + i + 1);
      if (e == 0x75) {
        if (i + 5 >= n) return -1;
        if (!isHex(load<u8>(p + i + 2)) || !isHex(load<u8>(p + i + 3)) || !isHex(load<u8>(p + i + 4)) || !isHex(load<u8>(p + i + 5))) return -1;
        i += 6;
        continue;
      }
      if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

/** The position after the decimal digits at `i` (of `n` bytes at `p`). */
export function digitsEnd(p: usize, i: i32, n: i32): i32 {
  while (i < n && <u32>load<u8>(p + i) - 0x30 < 10) i++;
  return i;
}

/** End of the number starting at `i`, or -1 when it is not valid. */
function numberEnd(p: usize, i: i32, n: i32): i32 {
  if (i < n && load<u8>(p + i) == 0x2d) i++;
  if (i < n && load<u8>(p + i) == 0x30) i++;
  else {
    const j = digitsEnd(p, i, n);
    if (j == i) return -1;
    i = j;
  }
  if (i < n && load<u8>(p + i) == 0x2e) {
    const j = digitsEnd(p, i + 1, n);
    if (j == i + 1) return -1;
    i = j;
  }
  if (i < n && (load<u8>(p + i) | 0x20) == 0x65) {
    i++;
    if (i < n && (load<u8>(p + i) == 0x2b || load<u8>(p + i) == 0x2d)) i++;
    const j = digitsEnd(p, i, n);
    if (j == i) return -1;
    i = j;
  }
  return i;
}

/** End of the literal spelled by the four bytes `word` (little-endian) at `i`, or -1. */
// @ts-ignore: decorator
@inline function literalEnd(p: usize, i: i32, n: i32, word: u32): i32 {
  return i + 4 <= n && load<u32>(p + i) == word ? i + 4 : -1;
}

const TRUE: u32 = 0x65757274; // "true"
const NULL: u32 = 0x6c6c756e; // "null"
const ALSE: u32 = 0x65736c61; // "alse", after the f of "false"

/** Whether the `len` bytes at `ptr` are one JSON value, with only whitespace around it. */
export function isJson(ptr: usize, len: i32): bool {
  const p = ptr;
  const n = len;
  let i = ws(p, 0, n);
  let depth = 0;
  let state = VALUE;
  while (true) {
    if (state == VALUE) {
      if (depth > MAX_JSON_DEPTH || i >= n) return false;
      const c = load<u8>(p + i);
      if (c == 0x7b || c == 0x5b) {
        const close: u8 = c == 0x7b ? 0x7d : 0x5d;
        i = ws(p, i + 1, n);
        if (i < n && load<u8>(p + i) == close) {
          i++;
          state = AFTER;
          continue;
        }
        store<u8>(STACK + depth, c == 0x7b ? 1 : 0);
        depth++;
        state = c == 0x7b ? KEY : VALUE;
        continue;
      }
      if (c == 0x22) i = stringEnd(p, i, n);
      else if (c == 0x74) i = literalEnd(p, i, n, TRUE);
      else if (c == 0x66) i = literalEnd(p, i + 1, n, ALSE);
      else if (c == 0x6e) i = literalEnd(p, i, n, NULL);
      else if (c == 0x2d || <u32>c - 0x30 < 10) i = numberEnd(p, i, n);
      else return false;
      if (i < 0) return false;
      state = AFTER;
    } else if (state == KEY) {
      if (i >= n || load<u8>(p + i) != 0x22) return false;
      i = stringEnd(p, i, n);
      if (i < 0) return false;
      i = ws(p, i, n);
      if (i >= n || load<u8>(p + i) != 0x3a) return false;
      i = ws(p, i + 1, n);
      state = VALUE;
    } else {
      i = ws(p, i, n);
      if (depth == 0) return i == n;
      if (i >= n) return false;
      const c = load<u8>(p + i++);
      const inObject = load<u8>(STACK + depth - 1) == 1;
      if (c == 0x2c) {
        i = ws(p, i, n);
        state = inObject ? KEY : VALUE;
      } else if (c == (inObject ? 0x7d : 0x5d)) {
        depth--;
      } else return false;
    }
  }
  return false; // not reached: every way out of the loop returns
}
