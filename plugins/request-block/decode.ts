// What a block rule is matched against besides the raw bytes: the same text with percent-encoding and
// JSON string escapes undone, so `pass%77ord` and `pass\u0077ord` are caught like `password`.
import { hexDigit } from "../common/bytes";
import { hasPercent, percentDecode } from "../common/url";

function hasBackslash(ptr: usize, len: i32): bool {
  for (let i = 0; i < len; i++) if (load<u8>(ptr + i) == 0x5c) return true;
  return false;
}

function putUtf8(out: usize, at: i32, cp: u32): i32 {
  if (cp < 0x80) {
    store<u8>(out + at, <u8>cp);
    return at + 1;
  }
  if (cp < 0x800) {
    store<u8>(out + at, <u8>(0xc0 | (cp >> 6)));
    store<u8>(out + at + 1, <u8>(0x80 | (cp & 0x3f)));
    return at + 2;
  }
  if (cp < 0x10000) {
    store<u8>(out + at, <u8>(0xe0 | (cp >> 12)));
    store<u8>(out + at + 1, <u8>(0x80 | ((cp >> 6) & 0x3f)));
    store<u8>(out + at + 2, <u8>(0x80 | (cp & 0x3f)));
    return at + 3;
  }
  store<u8>(out + at, <u8>(0xf0 | (cp >> 18)));
  store<u8>(out + at + 1, <u8>(0x80 | ((cp >> 12) & 0x3f)));
  store<u8>(out + at + 2, <u8>(0x80 | ((cp >> 6) & 0x3f)));
  store<u8>(out + at + 3, <u8>(0x80 | (cp & 0x3f)));
  return at + 4;
}

function hex4(ptr: usize, at: i32, len: i32): i32 {
  if (at + 4 > len) return -1;
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const d = hexDigit(load<u8>(ptr + at + k));
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

/**
 * Undoes JSON string escapes anywhere in the bytes (\uXXXX including surrogate pairs, \n, \", \\,
 * \/ ...). Not a JSON parser: text outside strings is copied as is, malformed escapes are kept.
 * The output is never longer than the input.
 */
export function jsonUnescape(ptr: usize, len: i32): ArrayBuffer {
  const out = new ArrayBuffer(len);
  const o = changetype<usize>(out);
  let n = 0;
  for (let i = 0; i < len; i++) {
    const c = load<u8>(ptr + i);
    if (c != 0x5c || i + 1 >= len) {
      store<u8>(o + n++, c);
      continue;
    }
    const e = load<u8>(ptr + i + 1);
    let simple: i32 = -1;
    if (e == 0x22 || e == 0x5c || e == 0x2f) simple = e;
    else if (e == 0x6e) simple = 0x0a;
    else if (e == 0x74) simple = 0x09;
    else if (e == 0x72) simple = 0x0d;
    else if (e == 0x62) simple = 0x08;
    else if (e == 0x66) simple = 0x0c;
    if (simple >= 0) {
      store<u8>(o + n++, <u8>simple);
      i++;
      continue;
    }
    if (e == 0x75) {
      let cp = hex4(ptr, i + 2, len);
      if (cp >= 0) {
        let consumed = 6;
        if (cp >= 0xd800 && cp <= 0xdbff && i + 12 <= len && load<u8>(ptr + i + 6) == 0x5c && load<u8>(ptr + i + 7) == 0x75) {
          const lo = hex4(ptr, i + 8, len);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            consumed = 12;
          }
        }
        n = putUtf8(o, n, <u32>cp);
        i += consumed - 1;
        continue;
      }
    }
    store<u8>(o + n++, c);
  }
  return n == len ? out : out.slice(0, n);
}

/**
 * The decoded forms of `data` worth matching besides the raw bytes (none when nothing is encoded):
 * JSON-unescaped, then percent-decoded.
 */
export function decodedVariants(data: ArrayBuffer): ArrayBuffer[] {
  const out = new Array<ArrayBuffer>();
  let current = data;
  const ptr = changetype<usize>(data);
  if (hasBackslash(ptr, data.byteLength)) {
    current = jsonUnescape(ptr, data.byteLength);
    out.push(current);
  }
  const cptr = changetype<usize>(current);
  if (hasPercent(cptr, current.byteLength)) out.push(percentDecode(cptr, current.byteLength));
  return out;
}
