// RESP (the Redis protocol) for the one command this plugin sends and the one reply shape it expects.
// Commands are arrays of bulk strings written into a reusable buffer. Replies come from the network
// through the host byte for byte, so the reader trusts nothing: every length is checked against the
// buffer, integers are bounded, and anything unexpected is reported as Malformed, never trapped on.

/** Appends RESP bulk-string arrays into one growing buffer, reused from command to command. */
export class RespWriter {
  private buf: ArrayBuffer = new ArrayBuffer(256);
  length: i32 = 0;

  get ptr(): usize {
    return changetype<usize>(this.buf);
  }

  reset(): void {
    this.length = 0;
  }

  private reserve(n: i32): usize {
    const need = this.length + n;
    if (need > this.buf.byteLength) {
      let size = this.buf.byteLength * 2;
      while (size < need) size *= 2;
      const grown = new ArrayBuffer(size);
      memory.copy(changetype<usize>(grown), changetype<usize>(this.buf), this.length);
      this.buf = grown;
    }
    const at = changetype<usize>(this.buf) + <usize>this.length;
    this.length = need;
    return at;
  }

  private byte(c: u8): void {
    store<u8>(this.reserve(1), c);
  }

  private crlf(): void {
    const at = this.reserve(2);
    store<u8>(at, 0x0d);
    store<u8>(at, 0x0a, 1);
  }

  /** Writes a non-negative integer in decimal. */
  digits(n: u64): void {
    let len = 1;
    for (let t = n; t >= 10; t /= 10) len++;
    const at = this.reserve(len);
    for (let i = len - 1; i >= 0; i--) {
      store<u8>(at + <usize>i, <u8>(0x30 + <u32>(n % 10)));
      n /= 10;
    }
  }

  /** `*<count>\r\n`: the start of a command of `count` arguments. */
  array(count: i32): void {
    this.byte(0x2a);
    this.digits(<u64>count);
    this.crlf();
  }

  /** One argument from memory. */
  bulkRaw(ptr: usize, len: i32): void {
    this.byte(0x24);
    this.digits(<u64>len);
    this.crlf();
    memory.copy(this.reserve(len), ptr, len);
    this.crlf();
  }

  bulk(data: ArrayBuffer): void {
    this.bulkRaw(changetype<usize>(data), data.byteLength);
  }

  /** One argument: an integer written in decimal. */
  bulkInteger(n: u64): void {
    let len = 1;
    for (let t = n; t >= 10; t /= 10) len++;
    this.byte(0x24);
    this.digits(<u64>len);
    this.crlf();
    this.digits(n);
    this.crlf();
  }

  toBuffer(): ArrayBuffer {
    return this.buf.slice(0, this.length);
  }
}

export const enum RespType {
  Malformed = 0,
  Simple = 1,
  Error = 2,
  Integer = 3,
  Bulk = 4,
  Null = 5,
  Array = 6,
}

/** Longest integer accepted (18 digits cannot overflow i64). */
const MAX_DIGITS = 18;

/**
 * Reads RESP values one header at a time from a byte range. After next(): `type`, and `integer`
 * (Integer, or the element count of an Array), or `textPtr`/`textLen` (Simple, Error, Bulk). An Array's
 * elements follow as the next values.
 */
export class RespReader {
  private pos: usize;
  private readonly end: usize;
  type: RespType = RespType.Malformed;
  integer: i64 = 0;
  textPtr: usize = 0;
  textLen: i32 = 0;

  constructor(ptr: usize, len: i32) {
    this.pos = ptr;
    this.end = ptr + <usize>(len < 0 ? 0 : len);
  }

  /** Index of the CR of the next CRLF at or after `from`, or 0 when there is none. */
  private lineEnd(from: usize): usize {
    for (let p = from; p + 1 < this.end; p++) {
      if (load<u8>(p) == 0x0d) return load<u8>(p + 1) == 0x0a ? p : 0;
    }
    return 0;
  }

  /** Parses a decimal integer (optional '-') spanning [from, to); false if it is not one. */
  private parseInteger(from: usize, to: usize): bool {
    let p = from;
    let negative = false;
    if (p < to && load<u8>(p) == 0x2d) {
      negative = true;
      p++;
    }
    const digits = <i32>(to - p);
    if (digits <= 0 || digits > MAX_DIGITS) return false;
    let n: i64 = 0;
    for (; p < to; p++) {
      const c = load<u8>(p);
      if (c < 0x30 || c > 0x39) return false;
      n = n * 10 + <i64>(c - 0x30);
    }
    this.integer = negative ? -n : n;
    return true;
  }

  private malformed(): RespType {
    this.type = RespType.Malformed;
    this.pos = this.end;
    return RespType.Malformed;
  }

  next(): RespType {
    if (this.pos >= this.end) return this.malformed();
    const kind = load<u8>(this.pos);
    const cr = this.lineEnd(this.pos + 1);
    if (cr == 0) return this.malformed();
    const lineStart = this.pos + 1;
    this.pos = cr + 2;
    if (kind == 0x2b || kind == 0x2d) {
      // +simple string / -error
      this.textPtr = lineStart;
      this.textLen = <i32>(cr - lineStart);
      this.type = kind == 0x2b ? RespType.Simple : RespType.Error;
      return this.type;
    }
    if (!this.parseInteger(lineStart, cr)) return this.malformed();
    if (kind == 0x3a) {
      this.type = RespType.Integer;
      return this.type;
    }
    if (kind == 0x2a) {
      if (this.integer < 0) {
        this.type = RespType.Null;
        return this.type;
      }
      this.type = RespType.Array;
      return this.type;
    }
    if (kind == 0x24) {
      const n = this.integer;
      if (n < 0) {
        this.type = RespType.Null;
        return this.type;
      }
      // The data and its CRLF must fit in what is left.
      if (<u64>n + 2 > <u64>(this.end - this.pos)) return this.malformed();
      this.textPtr = this.pos;
      this.textLen = <i32>n;
      const after = this.pos + <usize>n;
      if (load<u8>(after) != 0x0d || load<u8>(after + 1) != 0x0a) return this.malformed();
      this.pos = after + 2;
      this.type = RespType.Bulk;
      return this.type;
    }
    return this.malformed();
  }

  /** Whether the text of the last Simple/Error/Bulk value starts with `prefix` (ASCII). */
  textStartsWith(prefix: string): bool {
    if (this.textLen < prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (<i32>load<u8>(this.textPtr + <usize>i) != prefix.charCodeAt(i)) return false;
    return true;
  }

  /** Integer value of the last value when it is an Integer, or a Bulk string holding only digits. */
  asInteger(): bool {
    if (this.type == RespType.Integer) return true;
    if (this.type == RespType.Bulk) return this.parseInteger(this.textPtr, this.textPtr + <usize>this.textLen);
    return false;
  }
}
