// Turns a range of code points into UTF-8 byte-range sequences: lists of 1 to 4 byte ranges whose
// concatenations match exactly the valid encodings of the code points in the range.
// Method: split the range until, at every continuation position, it covers either a single
// value of the higher bits or all 64 values of the lower bits; then each byte position is a range.

/** Each sequence is stored as SEQUENCE_WORDS i32: [length, lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3]. */
export const SEQUENCE_WORDS: i32 = 9;

export function utf8Length(cp: i32): i32 {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

/** Byte `index` of the UTF-8 encoding of `cp` (which takes `length` bytes). */
export function utf8Byte(cp: i32, length: i32, index: i32): i32 {
  if (length == 1) return cp;
  if (index == 0) {
    if (length == 2) return 0xc0 | (cp >> 6);
    if (length == 3) return 0xe0 | (cp >> 12);
    return 0xf0 | (cp >> 18);
  }
  const shift = 6 * (length - 1 - index);
  return 0x80 | ((cp >> shift) & 0x3f);
}

/** Appends the byte-range sequences of [lo, hi] to `out`. Surrogates (never valid UTF-8) are skipped. */
export function appendUtf8Sequences(lo: i32, hi: i32, out: Array<i32>): void {
  const pending = new Array<i32>();
  pending.push(lo);
  pending.push(hi);
  while (pending.length > 0) {
    const b = pending.pop();
    const a = pending.pop();
    if (a > b) continue;
    if (a <= 0xdfff && b >= 0xd800) {
      pushRange(pending, a, 0xd7ff);
      pushRange(pending, 0xe000, b);
      continue;
    }
    if (splitAtLengthBoundary(pending, a, b)) continue;
    const length = utf8Length(a);
    if (splitForContinuations(pending, a, b, length)) continue;
    out.push(length);
    for (let i = 0; i < 4; i++) {
      out.push(i < length ? utf8Byte(a, length, i) : 0);
      out.push(i < length ? utf8Byte(b, length, i) : 0);
    }
  }
}

function pushRange(pending: Array<i32>, a: i32, b: i32): void {
  if (a > b) return;
  pending.push(a);
  pending.push(b);
}

function splitAtLengthBoundary(pending: Array<i32>, a: i32, b: i32): bool {
  const boundaries: StaticArray<i32> = [0x7f, 0x7ff, 0xffff];
  for (let i = 0; i < 3; i++) {
    const last = boundaries[i];
    if (a <= last && b > last) {
      pushRange(pending, a, last);
      pushRange(pending, last + 1, b);
      return true;
    }
  }
  return false;
}

function splitForContinuations(pending: Array<i32>, a: i32, b: i32, length: i32): bool {
  for (let i = 1; i < length; i++) {
    const lowBits = (1 << (6 * i)) - 1;
    if ((a & ~lowBits) == (b & ~lowBits)) continue;
    if ((a & lowBits) != 0) {
      pushRange(pending, a, a | lowBits);
      pushRange(pending, (a | lowBits) + 1, b);
      return true;
    }
    if ((b & lowBits) != lowBits) {
      pushRange(pending, a, (b & ~lowBits) - 1);
      pushRange(pending, b & ~lowBits, b);
      return true;
    }
  }
  return false;
}
