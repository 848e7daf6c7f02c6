// Test helper: a small deterministic generator (xorshift32), so that one fast-check integer gives one
// sample and fast-check can shrink and replay it.

/** Numbers in [0, 1) that follow from `seed` alone. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
