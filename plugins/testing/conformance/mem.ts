// Memory plumbing between the host and this module: the allocator the host fills returned data into,
// static out-parameters, and conversions between AssemblyScript strings and raw bytes.

/** The allocator the host looks up first (cpp-host: `malloc`, then `proxy_on_memory_allocate`). */
export function malloc(size: usize): usize {
  return heap.alloc(size);
}

// Out-parameters for host calls: a returned (pointer, size) pair, a u32 and a u64 result. Static, so a
// scenario can point the host at them without allocating.
export const OUT_PTR: usize = memory.data(4);
export const OUT_SIZE: usize = memory.data(4);
export const OUT_U32: usize = memory.data(4);
export const OUT_U64: usize = memory.data(8);

export function clearOut(): void {
  store<u32>(OUT_PTR, 0xdeadbeef);
  store<u32>(OUT_SIZE, 0xdeadbeef);
  store<u32>(OUT_U32, 0xdeadbeef);
  store<u64>(OUT_U64, 0xdeadbeefdeadbeef);
}

export function enc(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

export function ptr(b: ArrayBuffer): usize {
  return changetype<usize>(b);
}

export function len(b: ArrayBuffer): usize {
  return <usize>b.byteLength;
}

/** Copies the (pointer, size) the host returned into a managed buffer and frees the host's copy. */
export function takeOut(): ArrayBuffer {
  const p = load<u32>(OUT_PTR);
  const n = load<u32>(OUT_SIZE);
  const out = new ArrayBuffer(<i32>n);
  if (n > 0) memory.copy(changetype<usize>(out), p, n);
  if (p != 0) heap.free(p);
  return out;
}

export function takeString(): string {
  return String.UTF8.decode(takeOut());
}

export function bytesToString(b: ArrayBuffer): string {
  return String.UTF8.decode(b);
}

const HEX = "0123456789abcdef";

export function hex(b: ArrayBuffer): string {
  let s = "";
  const p = changetype<usize>(b);
  for (let i = 0; i < b.byteLength; i++) {
    const v = load<u8>(p + i);
    s += HEX.charAt(v >> 4) + HEX.charAt(v & 15);
  }
  return s;
}

/** FNV-1a (32 bit) over raw bytes, for checksums the tests recompute. */
export function fnv1a(p: usize, n: usize): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i: usize = 0; i < n; i++) {
    h ^= load<u8>(p + i);
    h *= 0x01000193;
  }
  return h;
}

export function u32hex(v: u32): string {
  let s = "";
  for (let shift = 28; shift >= 0; shift -= 4) s += HEX.charAt((v >> shift) & 15);
  return s;
}

/** Serializes header pairs the proxy-wasm way: count, (key len, value len)*, then key\0value\0 each. */
export function pairs(keys: string[], values: string[]): ArrayBuffer {
  const k = new Array<ArrayBuffer>(keys.length);
  const v = new Array<ArrayBuffer>(keys.length);
  let size = 4;
  for (let i = 0; i < keys.length; i++) {
    k[i] = enc(keys[i]);
    v[i] = enc(values[i]);
    size += 8 + k[i].byteLength + 1 + v[i].byteLength + 1;
  }
  const out = new ArrayBuffer(size);
  const base = changetype<usize>(out);
  store<u32>(base, keys.length);
  let data = base + 4 + keys.length * 8;
  for (let i = 0; i < keys.length; i++) {
    store<u32>(base + 4 + i * 8, k[i].byteLength);
    store<u32>(base + 8 + i * 8, v[i].byteLength);
    memory.copy(data, changetype<usize>(k[i]), k[i].byteLength);
    data += k[i].byteLength;
    store<u8>(data++, 0);
    memory.copy(data, changetype<usize>(v[i]), v[i].byteLength);
    data += v[i].byteLength;
    store<u8>(data++, 0);
  }
  return out;
}

/** The number of pairs in a serialized pairs buffer (0 for an empty buffer). */
export function pairCount(b: ArrayBuffer): u32 {
  return b.byteLength >= 4 ? load<u32>(changetype<usize>(b)) : 0;
}

/** The first key of a serialized pairs buffer, or "" when there is none. */
export function firstPairKey(b: ArrayBuffer): string {
  if (pairCount(b) == 0) return "";
  const base = changetype<usize>(b);
  const count = load<u32>(base);
  const keyLen = load<u32>(base + 4);
  return String.UTF8.decodeUnsafe(base + 4 + count * 8, keyLen);
}
