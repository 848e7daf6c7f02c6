// Taking a query parameter out of a :path, for `hide_credentials`. Works on the bytes as received:
// a path is not always valid UTF-8, and going through a string would rewrite every byte that is not.
import { bytesEqual } from "../common/bytes";
import { percentDecode, queryStart } from "../common/url";

/**
 * `path` without any query parameter whose percent-decoded name is `name` (the way the key was read).
 * The other parameters keep their bytes and order; the '?' goes when no parameter is left; a fragment
 * stays. Empty parameters (`a&&b`) are dropped.
 */
export function withoutQueryParam(path: ArrayBuffer, name: ArrayBuffer): ArrayBuffer {
  const q = queryStart(path);
  if (q < 0) return path;
  const base = changetype<usize>(path);
  const length = path.byteLength;
  let end = length;
  for (let i = q + 1; i < length; i++) {
    if (load<u8>(base + i) == 0x23) {
      end = i;
      break;
    }
  }
  const out = new ArrayBuffer(length);
  const o = changetype<usize>(out);
  memory.copy(o, base, q);
  let n = q;
  let kept = 0;
  for (let start = q + 1; start <= end; ) {
    let amp = start;
    while (amp < end && load<u8>(base + amp) != 0x26) amp++;
    let eq = start;
    while (eq < amp && load<u8>(base + eq) != 0x3d) eq++;
    if (amp > start && !bytesEqual(percentDecode(base + start, eq - start), name)) {
      store<u8>(o + n++, kept++ ? 0x26 : 0x3f);
      memory.copy(o + n, base + start, amp - start);
      n += amp - start;
    }
    start = amp + 1;
  }
  memory.copy(o + n, base + end, length - end);
  return out.slice(0, n + length - end);
}
