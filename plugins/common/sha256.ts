// SHA-256 (FIPS 180-4), for comparing presented keys with `sha256:<hex>` credentials so that configs
// need not hold plaintext keys. Hand-written because npm has no AssemblyScript-source SHA-256 that
// builds with AS 0.28 (@chainsafe/as-sha256 ships only its own compiled module). Checked against the
// NIST test vectors in plugins/common/sha256.test.ts.

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const W = new StaticArray<u32>(64);
const H = new StaticArray<u32>(8);
const BLOCK = new StaticArray<u8>(64);

@inline function rotr(x: u32, n: u32): u32 {
  return (x >>> n) | (x << (32 - n));
}

function compress(block: usize): void {
  for (let i = 0; i < 16; i++) unchecked((W[i] = bswap<u32>(load<u32>(block + (<usize>i << 2)))));
  for (let i = 16; i < 64; i++) {
    const w15 = unchecked(W[i - 15]);
    const w2 = unchecked(W[i - 2]);
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    unchecked((W[i] = unchecked(W[i - 16]) + s0 + unchecked(W[i - 7]) + s1));
  }
  let a = unchecked(H[0]), b = unchecked(H[1]), c = unchecked(H[2]), d = unchecked(H[3]);
  let e = unchecked(H[4]), f = unchecked(H[5]), g = unchecked(H[6]), h = unchecked(H[7]);
  for (let i = 0; i < 64; i++) {
    const t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + unchecked(K[i]) + unchecked(W[i]);
    const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  unchecked((H[0] += a)); unchecked((H[1] += b)); unchecked((H[2] += c)); unchecked((H[3] += d));
  unchecked((H[4] += e)); unchecked((H[5] += f)); unchecked((H[6] += g)); unchecked((H[7] += h));
}

/** SHA-256 of `len` bytes at `ptr`; returns the 32-byte digest. */
export function sha256(ptr: usize, len: i32): ArrayBuffer {
  unchecked((H[0] = 0x6a09e667)); unchecked((H[1] = 0xbb67ae85)); unchecked((H[2] = 0x3c6ef372)); unchecked((H[3] = 0xa54ff53a));
  unchecked((H[4] = 0x510e527f)); unchecked((H[5] = 0x9b05688c)); unchecked((H[6] = 0x1f83d9ab)); unchecked((H[7] = 0x5be0cd19));
  let offset = 0;
  for (; offset + 64 <= len; offset += 64) compress(ptr + offset);
  const block = changetype<usize>(BLOCK);
  const rest = len - offset;
  memory.copy(block, ptr + offset, rest);
  store<u8>(block + rest, 0x80);
  memory.fill(block + rest + 1, 0, 63 - rest);
  if (rest >= 56) {
    compress(block);
    memory.fill(block, 0, 64);
  }
  const bits = <u64>len << 3;
  store<u64>(block + 56, bswap<u64>(bits));
  compress(block);
  const out = new ArrayBuffer(32);
  const o = changetype<usize>(out);
  for (let i = 0; i < 8; i++) store<u32>(o + (<usize>i << 2), bswap<u32>(unchecked(H[i])));
  return out;
}
