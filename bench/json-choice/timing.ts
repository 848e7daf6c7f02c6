// Speed: each workload runs in a loop inside the module (so JS<->Wasm crossings do not count), on
// one instance per series. Series of one group are interleaved round by round, in a rotating order,
// so drift on this shared machine hits all of them alike; the result is the median ns per operation.
import type { BuiltModule, ModuleName } from "./build.ts";
import { openHarness } from "./wasm-harness.mjs";

export interface Series {
  module: ModuleName;
  op: string;
  input: string;
  guard?: boolean;
}

export interface Timing {
  medianNs: number;
  p25Ns: number;
  p75Ns: number;
  iterations: number;
}

export interface TimingOptions {
  rounds: number;
  /** Wall time one timed call (a loop of `iterations` operations) should take. */
  callMs: number;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.round((sorted.length - 1) * p)));
  return sorted[index];
}

function timeCall(fn: (n: number) => number, iterations: number): number {
  const started = process.hrtime.bigint();
  const status = fn(iterations);
  const elapsed = Number(process.hrtime.bigint() - started);
  if (status < 0) throw new Error(`workload returned status ${status}`);
  return elapsed;
}

/** Picks a loop length that makes one call last about `callMs`. */
function calibrate(fn: (n: number) => number, callMs: number): number {
  let iterations = 1;
  while (true) {
    const elapsed = timeCall(fn, iterations);
    if (elapsed > 2e6 || iterations >= 1 << 24) return Math.max(1, Math.round((iterations * callMs * 1e6) / elapsed));
    iterations *= 4;
  }
}

export function timeGroup(built: Record<ModuleName, BuiltModule>, series: Series[], options: TimingOptions): Timing[] {
  const runners = series.map((s) => {
    const harness = openHarness(built[s.module].module);
    harness.setGuard(Boolean(s.guard));
    harness.load(new Uint8Array(Buffer.from(s.input, "utf8")));
    const fn = harness.raw(s.op) as (n: number) => number;
    const iterations = calibrate(fn, options.callMs);
    for (let w = 0; w < 3; w++) timeCall(fn, iterations); // warm-up: tier-up and heap growth
    return { fn, iterations, samples: [] as number[] };
  });
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < runners.length; k++) {
      const runner = runners[(round + k) % runners.length];
      runner.samples.push(timeCall(runner.fn, runner.iterations) / runner.iterations);
    }
  }
  return runners.map(({ samples, iterations }) => {
    const sorted = [...samples].sort((a, b) => a - b);
    return { medianNs: percentile(sorted, 0.5), p25Ns: percentile(sorted, 0.25), p75Ns: percentile(sorted, 0.75), iterations };
  });
}
