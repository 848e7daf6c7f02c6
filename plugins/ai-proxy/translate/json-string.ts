// A string value carried from one JSON document into another (a stream's text delta into the
// translated event). The output must be what JsonWriter.string writes for the decoded text, byte for
// byte; for most strings that is the literal exactly as it came, so it is copied instead of being
// decoded into a string and encoded again.
import { JsonWriter } from "../../common/json-writer";
import { decodeString, JsonView, Kind } from "./json-path";

/**
 * Writes the string literal [start, end) of a valid JSON document (quotes included) as
 * `w.string(decodeString(p, start, end))` would.
 */
export function writeStringLiteral(w: JsonWriter, p: usize, start: i32, end: i32): void {
  if (writesAsIs(p, start + 1, end - 1)) w.raw(p + start, end - start);
  else w.string(decodeString(p, start, end));
}

/** The string at `at` in `doc` as writeStringLiteral writes it; `""` when the value there is not a string. */
export function writeStringAt(w: JsonWriter, doc: JsonView, at: i32): void {
  if (doc.kind(at) == Kind.String) writeStringLiteral(w, doc.ptr, at, doc.end(at));
  else w.ascii('""');
}

/**
 * Whether the literal's contents [from, to) come out of decode-then-escape unchanged: well-formed
 * UTF-8 decodes and encodes back to itself, and the only escapes are those JsonWriter writes the same
 * way (\" \\ \n \r \t). Others (\/, \b, \f, \uXXXX) are written differently once decoded. Raw
 * control characters cannot occur: the document is valid JSON.
 */
function writesAsIs(p: usize, from: i32, to: i32): bool {
  let i = from;
  while (i < to) {
    const c = <u32>load<u8>(p + i);
    if (c == 0x5c) {
      const e = <u32>load<u8>(p + i + 1);
      if (e != 0x22 && e != 0x5c && e != 0x6e && e != 0x72 && e != 0x74) return false;
      i += 2;
    } else if (c < 0x80) {
      i++;
    } else {
      const n = utf8SequenceLength(p, i, to);
      if (n == 0) return false;
      i += n;
    }
  }
  return true;
}

/**
 * The length of the well-formed UTF-8 sequence starting at `i` (a byte above ASCII), 0 when it is
 * not one (overlong, surrogate, above U+10FFFF, or cut short): Unicode's table 3-7.
 */
function utf8SequenceLength(p: usize, i: i32, to: i32): i32 {
  const b0 = <u32>load<u8>(p + i);
  let n = 0;
  let lo: u32 = 0x80, hi: u32 = 0xbf; // allowed range of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) n = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 == 0xe0) lo = 0xa0;
    else if (b0 == 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 == 0xf0) lo = 0x90;
    else if (b0 == 0xf4) hi = 0x8f;
  } else return 0;
  if (i + n > to) return 0;
  const b1 = <u32>load<u8>(p + i + 1);
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < n; k++) if ((<u32>load<u8>(p + i + k) & 0xc0) != 0x80) return 0;
  return n;
}
