// Small statistics helpers: medians of per-round values and quantiles of pooled samples.

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile (the "R-7" definition, as numpy's default). */
export function quantile(values: readonly number[] | Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The cost of one `process.hrtime.bigint()` pair around nothing: subtracted from per-request samples. */
export function timerOverheadNs(pairs = 200_000): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const d = new Float64Array(pairs);
    for (let i = 0; i < pairs; i++) {
      const t0 = process.hrtime.bigint();
      d[i] = Number(process.hrtime.bigint() - t0);
    }
    rounds.push(median(Array.from(d)));
  }
  return median(rounds);
}

/** In-place Fisher-Yates shuffle with a seeded generator, so round orders are reproducible. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
