// URL pieces plugins need: splitting :path, percent-decoding, and reading query parameters the way
// Higress's C++ plugins do (names and values percent-decoded, '+' left as is, first occurrence wins).
import { hexDigit } from "./bytes";

/** Percent-decodes bytes; a '%' not followed by two hex digits is kept literally. */
export function percentDecode(ptr: usize, len: i32): ArrayBuffer {
  const out = new ArrayBuffer(len);
  const o = changetype<usize>(out);
  let n = 0;
  for (let i = 0; i < len; i++) {
    const c = load<u8>(ptr + i);
    if (c == 0x25 && i + 2 < len) {
      const hi = hexDigit(load<u8>(ptr + i + 1));
      const lo = hexDigit(load<u8>(ptr + i + 2));
      if (hi >= 0 && lo >= 0) {
        store<u8>(o + n++, <u8>((hi << 4) | lo));
        i += 2;
        continue;
      }
    }
    store<u8>(o + n++, c);
  }
  return n == len ? out : out.slice(0, n);
}

/** True when the bytes contain a '%' escape worth decoding. */
export function hasPercent(ptr: usize, len: i32): bool {
  for (let i = 0; i < len; i++) if (load<u8>(ptr + i) == 0x25) return true;
  return false;
}

/** Index of '?' in a :path, or -1. */
export function queryStart(path: ArrayBuffer): i32 {
  const p = changetype<usize>(path);
  for (let i = 0; i < path.byteLength; i++) if (load<u8>(p + i) == 0x3f) return i;
  return -1;
}

/**
 * The percent-decoded value of the first query parameter whose decoded name is `name`, or null.
 * `path` is the request's :path (the query is what follows the first '?', up to a '#').
 */
export function queryParam(path: ArrayBuffer, name: ArrayBuffer): ArrayBuffer | null {
  const q = queryStart(path);
  if (q < 0) return null;
  const base = changetype<usize>(path);
  let end = path.byteLength;
  for (let i = q + 1; i < end; i++) if (load<u8>(base + i) == 0x23) { end = i; break; }
  let start = q + 1;
  while (start <= end) {
    let amp = start;
    while (amp < end && load<u8>(base + amp) != 0x26) amp++;
    if (amp > start) {
      let eq = start;
      while (eq < amp && load<u8>(base + eq) != 0x3d) eq++;
      const key = percentDecode(base + start, eq - start);
      if (key.byteLength == name.byteLength && memory.compare(changetype<usize>(key), changetype<usize>(name), key.byteLength) == 0) {
        return eq < amp ? percentDecode(base + eq + 1, amp - eq - 1) : new ArrayBuffer(0);
      }
    }
    start = amp + 1;
  }
  return null;
}
