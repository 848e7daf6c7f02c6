// Where characters start in a byte string, using the same reading of UTF-8 as the compiled
// classes (class-compiler.ts): a valid sequence is one character; otherwise the longest prefix of
// a valid sequence is one character (a lone bad byte is a prefix of length 1).

/** Bytes in the character starting at `pos` (pos < len). */
export function characterWidthAt(base: usize, len: i32, pos: i32): i32 {
  const lead = <i32>load<u8>(base + <usize>pos);
  if (lead < 0xc2 || lead > 0xf4) return 1; // ASCII, stray continuation, C0, C1, F5..FF
  const length = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
  // The second byte's range is narrower after E0, ED, F0 and F4 (no overlongs, surrogates, > U+10FFFF).
  let lo = 0x80;
  let hi = 0xbf;
  if (lead == 0xe0) lo = 0xa0;
  else if (lead == 0xed) hi = 0x9f;
  else if (lead == 0xf0) lo = 0x90;
  else if (lead == 0xf4) hi = 0x8f;
  let width = 1;
  while (width < length && pos + width < len) {
    const b = <i32>load<u8>(base + <usize>(pos + width));
    if (b < lo || b > hi) break;
    width++;
    lo = 0x80;
    hi = 0xbf;
  }
  return width;
}
