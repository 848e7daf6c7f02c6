// Byte helpers for hot paths: comparing, searching and case-folding without building strings.

/** Equal length and bytes at `a` and `b`; time depends only on the length, not on where the bytes differ. */
export function constantTimeEqualsAt(a: usize, aLength: i32, b: usize, bLength: i32): bool {
  if (aLength != bLength) return false;
  let diff: u32 = 0;
  for (let i = 0; i < aLength; i++) diff |= <u32>(load<u8>(a + i) ^ load<u8>(b + i));
  return diff == 0;
}

export function bytesEqual(a: ArrayBuffer, b: ArrayBuffer): bool {
  return a.byteLength == b.byteLength && memory.compare(changetype<usize>(a), changetype<usize>(b), a.byteLength) == 0;
}

/** FNV-1a over bytes: a cheap hash for in-memory tables (not for anything security-relevant). */
export function fnv1a(ptr: usize, len: i32): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i = 0; i < len; i++) {
    h ^= load<u8>(ptr + i);
    h *= 0x01000193;
  }
  return h;
}

/** The value of an ASCII hex digit, or -1. */
export function hexDigit(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Decodes hex; null when the text is not even-length hex. */
export function fromHex(text: string): ArrayBuffer | null {
  if (text.length & 1) return null;
  const out = new ArrayBuffer(text.length >> 1);
  const p = changetype<usize>(out);
  for (let i = 0; i < text.length; i += 2) {
    const hi = hexDigit(text.charCodeAt(i));
    const lo = hexDigit(text.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return null;
    store<u8>(p + (i >> 1), <u8>((hi << 4) | lo));
  }
  return out;
}

/** ASCII-lowercased copy of a string (String#toLowerCase would pull in Unicode case tables). */
export function lowerAscii(s: string): string {
  let out = s;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      const codes = new Array<i32>(s.length);
      for (let j = 0; j < s.length; j++) {
        const d = s.charCodeAt(j);
        codes[j] = d >= 65 && d <= 90 ? d | 0x20 : d;
      }
      out = String.fromCharCodes(codes);
      break;
    }
  }
  return out;
}
