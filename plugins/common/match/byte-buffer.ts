// A growable byte buffer reused across calls, so string inputs can be matched as UTF-8 without a
// fresh allocation per match: it only reallocates when an input is longer than any before it.

export class ByteBuffer {
  data: StaticArray<u8>;
  length: i32 = 0;

  constructor(initialCapacity: i32 = 64) {
    this.data = new StaticArray<u8>(initialCapacity);
  }

  @inline get ptr(): usize {
    return changetype<usize>(this.data);
  }

  clear(): void {
    this.length = 0;
  }

  /** Makes room for `extra` more bytes. */
  reserve(extra: i32): void {
    const needed = this.length + extra;
    if (needed <= this.data.length) return;
    let capacity = this.data.length << 1;
    if (capacity < needed) capacity = needed;
    const grown = new StaticArray<u8>(capacity);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.data), <usize>this.length);
    this.data = grown;
  }

  appendByte(b: i32): void {
    this.reserve(1);
    unchecked((this.data[this.length++] = <u8>b));
  }

  appendBytes(ptr: usize, len: i32): void {
    if (len <= 0) return;
    this.reserve(len);
    memory.copy(this.ptr + <usize>this.length, ptr, <usize>len);
    this.length += len;
  }

  /** Appends `s` as UTF-8; a lone surrogate becomes U+FFFD (EF BF BD), as String.UTF8.encode does. */
  appendUtf8(s: string): void {
    const units = s.length;
    this.reserve(units * 3);
    const src = changetype<usize>(s);
    let out = this.ptr + <usize>this.length;
    let i = 0;
    // Fast path: four ASCII code units at a time (paths and header values are mostly ASCII).
    while (i + 4 <= units) {
      const four = load<u64>(src + (<usize>i << 1));
      if ((four & 0xff80ff80ff80ff80) != 0) break;
      store<u32>(out, <u32>((four & 0xff) | ((four >> 8) & 0xff00) | ((four >> 16) & 0xff0000) | ((four >> 24) & 0xff000000)));
      out += 4;
      i += 4;
    }
    for (; i < units; i++) {
      const c = <i32>load<u16>(src + (<usize>i << 1));
      if (c < 0x80) {
        store<u8>(out++, <u8>c);
      } else if (c < 0x800) {
        store<u8>(out++, <u8>(0xc0 | (c >> 6)));
        store<u8>(out++, <u8>(0x80 | (c & 0x3f)));
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < units && isLowSurrogate(<i32>load<u16>(src + (<usize>(i + 1) << 1)))) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (<i32>load<u16>(src + (<usize>(i + 1) << 1)) - 0xdc00);
        i++;
        store<u8>(out++, <u8>(0xf0 | (cp >> 18)));
        store<u8>(out++, <u8>(0x80 | ((cp >> 12) & 0x3f)));
        store<u8>(out++, <u8>(0x80 | ((cp >> 6) & 0x3f)));
        store<u8>(out++, <u8>(0x80 | (cp & 0x3f)));
      } else {
        const unit = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
        store<u8>(out++, <u8>(0xe0 | (unit >> 12)));
        store<u8>(out++, <u8>(0x80 | ((unit >> 6) & 0x3f)));
        store<u8>(out++, <u8>(0x80 | (unit & 0x3f)));
      }
    }
    this.length = <i32>(out - this.ptr);
  }

  /** Replaces the content with `s` encoded as UTF-8. */
  setUtf8(s: string): void {
    this.length = 0;
    this.appendUtf8(s);
  }

  toString(): string {
    return String.UTF8.decodeUnsafe(this.ptr, <usize>this.length);
  }
}

@inline function isLowSurrogate(c: i32): bool {
  return c >= 0xdc00 && c <= 0xdfff;
}
