// The proxy-wasm pairs serialization (headers, local-reply headers, http-call headers, map properties):
// u32 count, count × (u32 key length, u32 value length), then each key and value followed by a NUL.

export type BytePair = [Buffer, Buffer];

export function pairsSize(pairs: readonly BytePair[]): number {
  let size = 4;
  for (const [k, v] of pairs) size += 8 + k.length + 1 + v.length + 1;
  return size;
}

export function encodePairs(pairs: readonly BytePair[]): Buffer {
  const out = Buffer.allocUnsafe(pairsSize(pairs));
  out.writeUInt32LE(pairs.length, 0);
  let sizeAt = 4;
  let dataAt = 4 + pairs.length * 8;
  for (const [k, v] of pairs) {
    out.writeUInt32LE(k.length, sizeAt);
    out.writeUInt32LE(v.length, sizeAt + 4);
    sizeAt += 8;
    k.copy(out, dataAt);
    dataAt += k.length;
    out[dataAt++] = 0;
    v.copy(out, dataAt);
    dataAt += v.length;
    out[dataAt++] = 0;
  }
  return out;
}

/** cpp-host's limits on a pairs buffer (include/proxy-wasm/limits.h). */
export const PAIRS_MAX_BYTES = 1024 * 1024;
export const PAIRS_MAX_COUNT = 1024;

/**
 * Decodes a pairs buffer. Like cpp-host's PairsUtil::toPairs, malformed input (truncated, sizes that
 * overrun, missing NULs, trailing bytes, over the limits) yields an empty list rather than an error.
 */
export function decodePairs(data: Uint8Array): BytePair[] {
  if (data.length < 4 || data.length > PAIRS_MAX_BYTES) return [];
  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  const count = buf.readUInt32LE(0);
  if (count > PAIRS_MAX_COUNT || count > (buf.length - 4) / 8) return [];
  let dataAt = 4 + count * 8;
  const pairs: BytePair[] = [];
  for (let i = 0; i < count; i++) {
    const kl = buf.readUInt32LE(4 + i * 8);
    const vl = buf.readUInt32LE(8 + i * 8);
    if (dataAt + kl + 1 + vl + 1 > buf.length) return [];
    const k = Buffer.from(buf.subarray(dataAt, dataAt + kl));
    dataAt += kl;
    if (buf[dataAt++] !== 0) return [];
    const v = Buffer.from(buf.subarray(dataAt, dataAt + vl));
    dataAt += vl;
    if (buf[dataAt++] !== 0) return [];
    pairs.push([k, v]);
  }
  return dataAt === buf.length ? pairs : [];
}

export const stringPairs = (pairs: readonly BytePair[]): [string, string][] =>
  pairs.map(([k, v]) => [k.toString("utf8"), v.toString("utf8")]);
