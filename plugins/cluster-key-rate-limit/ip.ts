// IP addresses and CIDR blocks for `limit_by_per_ip`. Every address is held as 16 bytes: IPv4 as an
// IPv4-mapped IPv6 address (::ffff:a.b.c.d), so an IPv4 block /n is the mapped block /(96+n) and never
// matches a native IPv6 address, as Go's net.IP comparison (which Higress uses) behaves.
import { hexDigit } from "../common/bytes";

export const IP_SIZE = 16;

/** Parses an IPv4 or IPv6 address in [ptr, ptr+len) into 16 bytes at `out`; false if it is not one. */
export function parseIp(ptr: usize, len: i32, out: usize): bool {
  if (len <= 0 || len > 45) return false;
  for (let i = 0; i < len; i++) {
    if (load<u8>(ptr + <usize>i) == 0x3a) return parseIpv6(ptr, len, out);
  }
  memory.fill(out, 0, 10);
  store<u8>(out, 0xff, 10);
  store<u8>(out, 0xff, 11);
  return parseIpv4(ptr, len, out + 12);
}

/** Dotted quad into 4 bytes; no leading zeros (as Go since 1.17), each part 0..255. */
function parseIpv4(ptr: usize, len: i32, out: usize): bool {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= len; i++) {
    const c: i32 = i < len ? load<u8>(ptr + <usize>i) : 0x2e;
    if (c == 0x2e) {
      if (digits == 0 || part > 3) return false;
      store<u8>(out + <usize>part, <u8>value);
      part++;
      value = 0;
      digits = 0;
      continue;
    }
    if (c < 0x30 || c > 0x39) return false;
    if (digits > 0 && value == 0) return false; // leading zero
    value = value * 10 + (c - 0x30);
    digits++;
    if (value > 255) return false;
  }
  return part == 4;
}

function parseIpv6(ptr: usize, len: i32, out: usize): bool {
  memory.fill(out, 0, IP_SIZE);
  let groups = 0; // 16-bit groups written
  let gap = -1; // group index where "::" stands
  let i = 0;
  if (len >= 2 && load<u8>(ptr) == 0x3a) {
    if (load<u8>(ptr + 1) != 0x3a) return false;
    gap = 0;
    i = 2;
    if (i == len) return true; // "::"
  }
  while (i < len) {
    if (groups == 8) return false;
    // An embedded IPv4 address ends the text: "::ffff:1.2.3.4".
    let j = i;
    let dot = false;
    while (j < len && load<u8>(ptr + <usize>j) != 0x3a) {
      if (load<u8>(ptr + <usize>j) == 0x2e) dot = true;
      j++;
    }
    if (dot) {
      if (j != len || groups > 6) return false;
      if (!parseIpv4(ptr + <usize>i, len - i, out + <usize>(groups * 2))) return false;
      groups += 2;
      break;
    }
    const digits = j - i;
    if (digits == 0 || digits > 4) return false;
    let value = 0;
    for (let k = i; k < j; k++) {
      const h = hexDigit(load<u8>(ptr + <usize>k));
      if (h < 0) return false;
      value = (value << 4) | h;
    }
    store<u8>(out + <usize>(groups * 2), <u8>(value >> 8));
    store<u8>(out + <usize>(groups * 2 + 1), <u8>value);
    groups++;
    if (j == len) break;
    // j is at ':'
    if (j + 1 < len && load<u8>(ptr + <usize>(j + 1)) == 0x3a) {
      if (gap >= 0) return false; // a second "::"
      gap = groups;
      i = j + 2;
      if (i == len) break;
    } else {
      i = j + 1;
      if (i == len) return false; // trailing single ':'
    }
  }
  if (gap < 0) return groups == 8;
  if (groups == 8) return false; // "::" must stand for at least one group
  // Move the groups after the gap to the end.
  const tail = groups - gap;
  const from = out + <usize>(gap * 2);
  const to = out + <usize>((8 - tail) * 2);
  memory.copy(to, from, <usize>(tail * 2));
  memory.fill(from, 0, <usize>(to - from));
  return true;
}

/** An address block: the first `bits` bits of `prefix` (16 bytes, mapped form for IPv4). */
export class IpBlock {
  readonly prefix: ArrayBuffer = new ArrayBuffer(IP_SIZE);
  bits: i32 = 128;

  contains(ip: usize): bool {
    const p = changetype<usize>(this.prefix);
    let bits = this.bits;
    for (let i = 0; i < IP_SIZE && bits > 0; i++, bits -= 8) {
      const a = load<u8>(p + <usize>i);
      const b = load<u8>(ip + <usize>i);
      if (bits >= 8) {
        if (a != b) return false;
      } else {
        const mask = <u8>(<i32>0xff << (8 - bits));
        if ((a & mask) != (b & mask)) return false;
      }
    }
    return true;
  }
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or `v6/n`; null when invalid. Host bits are cleared. */
export function parseIpBlock(text: string): IpBlock | null {
  const slash = text.indexOf("/");
  const addr = String.UTF8.encode(slash < 0 ? text : text.substring(0, slash));
  const block = new IpBlock();
  const p = changetype<usize>(block.prefix);
  if (!parseIp(changetype<usize>(addr), addr.byteLength, p)) return null;
  const v4 = text.indexOf(":") < 0;
  let bits = v4 ? 32 : 128;
  if (slash >= 0) {
    const n = text.substring(slash + 1);
    if (n.length == 0 || n.length > 3) return null;
    bits = 0;
    for (let i = 0; i < n.length; i++) {
      const c = n.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return null;
      bits = bits * 10 + (c - 0x30);
    }
    if (bits > (v4 ? 32 : 128)) return null;
  }
  block.bits = v4 ? bits + 96 : bits;
  // Clear the host bits so `prefix` is the block's first address.
  for (let i = 0; i < IP_SIZE; i++) {
    const keep = block.bits - i * 8;
    if (keep >= 8) continue;
    const mask = keep <= 0 ? 0 : <u8>(<i32>0xff << (8 - keep));
    store<u8>(p + <usize>i, load<u8>(p + <usize>i) & <u8>mask);
  }
  return block;
}

function isMappedV4(ip: usize): bool {
  for (let i = 0; i < 10; i++) if (load<u8>(ip + <usize>i) != 0) return false;
  return load<u8>(ip + 10) == 0xff && load<u8>(ip + 11) == 0xff;
}

const HEX = "0123456789abcdef";

/** The address as text for the counter key: dotted quad for IPv4, 8 full hex groups for IPv6. */
export function ipText(ip: usize): string {
  if (isMappedV4(ip)) {
    return load<u8>(ip + 12).toString() + "." + load<u8>(ip + 13).toString() + "." + load<u8>(ip + 14).toString() + "." + load<u8>(ip + 15).toString();
  }
  const codes = new Array<i32>(39);
  let n = 0;
  for (let g = 0; g < 8; g++) {
    if (g > 0) codes[n++] = 0x3a;
    const hi = load<u8>(ip + <usize>(g * 2));
    const lo = load<u8>(ip + <usize>(g * 2 + 1));
    codes[n++] = HEX.charCodeAt(hi >> 4);
    codes[n++] = HEX.charCodeAt(hi & 15);
    codes[n++] = HEX.charCodeAt(lo >> 4);
    codes[n++] = HEX.charCodeAt(lo & 15);
  }
  return String.fromCharCodes(codes);
}

/**
 * The client address in a header value or in `source.address`, as Higress reads it: the first
 * comma-separated element, trimmed; `a.b.c.d:port` and `[v6]:port` lose their port.
 */
export function clientIp(value: ArrayBuffer, out: usize): bool {
  const base = changetype<usize>(value);
  let start = 0;
  let end = value.byteLength;
  for (let i = 0; i < end; i++) if (load<u8>(base + <usize>i) == 0x2c) { end = i; break; }
  while (start < end && isSpace(load<u8>(base + <usize>start))) start++;
  while (end > start && isSpace(load<u8>(base + <usize>(end - 1)))) end--;
  let hasDot = false;
  let hasBracket = false;
  for (let i = start; i < end; i++) {
    const c = load<u8>(base + <usize>i);
    if (c == 0x2e) hasDot = true;
    else if (c == 0x5d) hasBracket = true;
  }
  if (hasBracket) {
    if (load<u8>(base + <usize>start) != 0x5b) return false;
    start++;
    let close = start;
    while (close < end && load<u8>(base + <usize>close) != 0x5d) close++;
    end = close;
  } else if (hasDot) {
    // IPv4 with an optional port (an IPv6 text with an embedded IPv4 part has more than one ':').
    let colons = 0;
    let first = -1;
    for (let i = start; i < end; i++) if (load<u8>(base + <usize>i) == 0x3a) { if (first < 0) first = i; colons++; }
    if (colons == 1) end = first;
  }
  return parseIp(base + <usize>start, end - start, out);
}

@inline function isSpace(c: u8): bool {
  return c == 0x20 || c == 0x09;
}
