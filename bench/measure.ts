// The measurement phases, all in this one process on the same host code:
//   1. load + check: each scenario's plugin is loaded and one request is checked against the scenario;
//   2. warm-up: interleaved passes until every scenario has run hot (excluded from the results);
//   3. rounds: in every round each scenario runs one timed batch (→ mean ns/request for the round),
//      each right after one batch of each floor (→ paired ratios), and one batch of individually
//      timed requests (→ pooled samples for p50/p99), in a shuffled order, so drifts of the machine
//      hit all scenarios alike;
//   4. memory: a fresh VM per scenario serves 10^5 then 10^6 requests; linear memory is read between;
//   5. start-up: repeated loads, interleaved, reading Plugin.startupMs (canary instantiate + configure).
import { readFileSync } from "node:fs";
import { PluginConfigError, loadModule } from "../host/index.ts";
import { checkBatch, checkOutcome } from "./check.ts";
import { Rig, moduleBytes, wasmFile } from "./rig.ts";
import { DEFAULT_MEMORY_LIMIT, HOST_FLOOR, SDK_FLOOR, type Scenario } from "./scenarios.ts";
import { median, quantile, shuffled, timerOverheadNs } from "./stats.ts";

export interface BenchOptions {
  rounds: number;
  /** Target duration of one timed batch. */
  batchMs: number;
  /** Target duration of one round's individually timed requests (capped by maxSamplesPerRound). */
  sampleMs: number;
  maxSamplesPerRound: number;
  warmupMs: number;
  startupLoads: number;
  /** Multiplies every memory checkpoint (1 for the real run; smaller for a quick look). */
  memoryScale: number;
  /** A scenario whose memory run would take longer than this gets its checkpoints divided by 10. */
  memoryBudgetSec: number;
  log: (line: string) => void;
}

export type Status = "ok" | "not built" | "skipped" | "rejected config" | "invalid" | "failed";

export interface ScenarioResult {
  name: string;
  module: string;
  kind: Scenario["kind"];
  path: string;
  status: Status;
  reason?: string;
  moduleBytes: number | null;
  timing?: {
    nsPerRequest: number;
    perRoundNs: number[];
    /** ns/request of each floor in the batch run right before each of this scenario's batches. */
    pairedFloorNs: { host: number[]; sdk: number[] };
    /** 10th and 90th percentile of the per-round values: how much the machine moved under the run. */
    roundSpread: { p10: number; p90: number };
    batchSize: number;
    samples: number;
    p50Ns: number;
    p99Ns: number;
  };
  memory?: {
    limitBytes: number;
    afterConfigureBytes: number;
    afterWarmupBytes: number;
    checkpoints: { requests: number; bytes: number }[];
    /** Set when the checkpoints were lowered to fit the time budget. */
    reducedFrom?: number[];
  };
  startup?: { medianMs: number; minMs: number; maxMs: number; loads: number; compileMedianMs: number };
  logLinesPerRequest?: number;
}

interface Live {
  scenario: Scenario;
  result: ScenarioResult;
  rig: Rig;
  batch: number;
  sampleCount: number;
  perRound: number[];
  /** The floors' ns/request in the batches run right before each of this scenario's batches. */
  pairedHost: number[];
  pairedSdk: number[];
  samples: Float64Array;
  sampled: number;
}

function baseResult(s: Scenario): ScenarioResult {
  return { name: s.name, module: s.module, kind: s.kind, path: s.path, status: "ok", moduleBytes: moduleBytes(s.module) };
}

/** Phase 1: load every scenario and check one request; the failures are results already. */
function load(scenarios: Scenario[], opts: BenchOptions): { live: Live[]; results: ScenarioResult[] } {
  const live: Live[] = [];
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    const result = baseResult(s);
    results.push(result);
    if (s.skip) {
      Object.assign(result, { status: "skipped", reason: s.skip });
      continue;
    }
    if (result.moduleBytes === null) {
      Object.assign(result, { status: "not built", reason: `${wasmFile(s.module)} does not exist` });
      continue;
    }
    let rig: Rig;
    try {
      rig = new Rig(s);
    } catch (e) {
      const why = e instanceof PluginConfigError ? e.message : `load failed: ${(e as Error).message}`;
      Object.assign(result, { status: "rejected config", reason: why });
      continue;
    }
    const problems = checkOutcome(rig.probe(), s.expect);
    if (rig.vmFailed) problems.unshift(`the VM failed: ${rig.vmFailure}`);
    if (problems.length) {
      Object.assign(result, { status: "invalid", reason: problems.join("; ") });
      rig.close();
      continue;
    }
    live.push({ scenario: s, result, rig, batch: 0, sampleCount: 0, perRound: [], pairedHost: [], pairedSdk: [], samples: new Float64Array(0), sampled: 0 });
  }
  for (const r of results) if (r.status !== "ok") opts.log(`  ${r.name}: ${r.status.toUpperCase()} — ${r.reason}`);
  return { live, results };
}

/** Runs `rig` for about `ms`, in growing chunks; returns the measured ns/request. */
function runFor(rig: Rig, ms: number): number {
  let n = 16;
  let total = 0;
  let requests = 0;
  const budget = ms * 1e6;
  while (total < budget) {
    const t0 = process.hrtime.bigint();
    rig.run(n);
    total += Number(process.hrtime.bigint() - t0);
    requests += n;
    if (n < 1 << 16) n *= 2;
  }
  return total / requests;
}

function fail(l: Live, why: string, opts: BenchOptions): void {
  Object.assign(l.result, { status: "failed", reason: why });
  opts.log(`  ${l.scenario.name}: FAILED — ${why}`);
}

function batchProblem(l: Live, n: number, before: ReturnType<Rig["counters"]>): string | null {
  if (l.rig.vmFailed) return `the VM failed: ${l.rig.vmFailure}`;
  const after = l.rig.counters();
  const delta = {
    upstream: after.upstream - before.upstream,
    downstream: after.downstream - before.downstream,
    finished: after.finished - before.finished,
    resets: after.resets - before.resets,
  };
  return checkBatch(n, delta, l.scenario.expect);
}

/** One timed batch of `l`, checked; ns/request, or null when the batch went wrong (then `l` failed). */
function timedBatch(l: Live, round: number, opts: BenchOptions): number | null {
  const before = l.rig.counters();
  const t0 = process.hrtime.bigint();
  l.rig.run(l.batch);
  const dt = Number(process.hrtime.bigint() - t0);
  const problem = batchProblem(l, l.batch, before);
  if (problem) {
    fail(l, `round ${round + 1}: ${problem}`, opts);
    return null;
  }
  return Math.round((dt / l.batch) * 10) / 10;
}

/**
 * Phases 2 and 3. Right before each scenario's batch, the two floors run one batch each: the ratio
 * of a scenario to a floor is taken between batches milliseconds apart, which a machine whose speed
 * keeps changing (other jobs on the same cores) does not distort much.
 */
function time(live: Live[], floors: { host?: Live; sdk?: Live }, opts: BenchOptions): void {
  const passes = 4;
  let estimate = new Map<Live, number>();
  for (let p = 0; p < passes; p++) {
    for (const l of shuffled(live, 1000 + p)) estimate.set(l, runFor(l.rig, opts.warmupMs / passes));
  }
  for (const l of live) {
    const ns = estimate.get(l)!;
    // Every batch lasts about as long as every other, slow scenarios included (down to one request):
    // on a busy machine a longer batch is more likely to be preempted, which would bias its ratio.
    l.batch = Math.max(1, Math.round((opts.batchMs * 1e6) / ns));
    l.sampleCount = Math.max(5, Math.min(opts.maxSamplesPerRound, Math.round((opts.sampleMs * 1e6) / ns)));
    l.samples = new Float64Array(l.sampleCount * opts.rounds);
  }
  estimate = new Map();

  const floorOk = (f: Live | undefined) => f !== undefined && f.result.status === "ok";
  for (let round = 0; round < opts.rounds; round++) {
    for (const l of shuffled(live, round + 1)) {
      if (l.result.status !== "ok") continue;
      const hostNs = floorOk(floors.host) ? timedBatch(floors.host!, round, opts) : null;
      const sdkNs = floorOk(floors.sdk) ? timedBatch(floors.sdk!, round, opts) : null;
      const ns = timedBatch(l, round, opts);
      if (ns === null) continue;
      l.perRound.push(ns);
      l.pairedHost.push(hostNs ?? NaN);
      l.pairedSdk.push(sdkNs ?? NaN);
      const before = l.rig.counters();
      l.rig.runTimed(l.sampleCount, l.samples, l.sampled);
      l.sampled += l.sampleCount;
      const problem = batchProblem(l, l.sampleCount, before);
      if (problem) fail(l, `round ${round + 1} (samples): ${problem}`, opts);
    }
    if ((round + 1) % 25 === 0 || round + 1 === opts.rounds) opts.log(`  round ${round + 1}/${opts.rounds} done`);
  }
}

/** Phase 4, on a fresh VM per scenario so the counts start from a configured plugin. */
function memory(l: Live, opts: BenchOptions): void {
  const s = l.scenario;
  const nsPerRequest = l.result.timing!.nsPerRequest;
  const planned = s.memoryCheckpoints ?? [1e5, 1e6];
  let [first, second] = planned.map((n) => n * opts.memoryScale);
  let reduced = false;
  while ((second * nsPerRequest) / 1e9 > opts.memoryBudgetSec && first > 1000) {
    first /= 10;
    second /= 10;
    reduced = true;
  }
  // At least 1000 requests, and a second reading 10x further: "flat" compares two different counts.
  first = Math.max(1000, Math.round(first));
  second = Math.max(10 * first, Math.round(second));
  const checkpoints = [first, second];
  const rig = new Rig(s);
  const warmup = 1000;
  const mem: NonNullable<ScenarioResult["memory"]> = {
    limitBytes: s.maxMemoryBytes ?? DEFAULT_MEMORY_LIMIT,
    afterConfigureBytes: rig.memoryBytes,
    afterWarmupBytes: 0,
    checkpoints: [],
    ...(reduced ? { reducedFrom: planned.map((n) => n * opts.memoryScale) } : {}),
  };
  const logLinesAtStart = rig.log.lines;
  const before = rig.counters();
  rig.run(warmup);
  mem.afterWarmupBytes = rig.memoryBytes;
  for (const target of checkpoints) {
    const chunk = 10_000;
    while (rig.served < target) rig.run(Math.min(chunk, target - rig.served));
    mem.checkpoints.push({ requests: rig.served, bytes: rig.memoryBytes });
  }
  const problem = batchProblem({ ...l, rig }, rig.served, before);
  if (problem) fail(l, `memory run: ${problem}`, opts);
  l.result.memory = mem;
  l.result.logLinesPerRequest = (rig.log.lines - logLinesAtStart) / rig.served;
  if (mem.reducedFrom) opts.log(`  ${s.name}: memory checkpoints lowered to ${checkpoints.join(", ")} to fit ${opts.memoryBudgetSec} s`);
  rig.close();
}

/** Phase 5: Plugin.startupMs over several loads, interleaved across scenarios; compile time aside. */
function startup(live: Live[], opts: BenchOptions): void {
  const startups = new Map<Live, number[]>(live.map((l) => [l, []]));
  const compiles = new Map<Live, number[]>(live.map((l) => [l, []]));
  const bytes = new Map<Live, Buffer>(live.map((l) => [l, readFileSync(wasmFile(l.scenario.module))]));
  for (let i = 0; i < opts.startupLoads; i++) {
    for (const l of shuffled(live, 5000 + i)) {
      const t0 = performance.now();
      loadModule(bytes.get(l)!, { higress: true });
      compiles.get(l)!.push(performance.now() - t0);
      const rig = new Rig(l.scenario);
      startups.get(l)!.push(rig.plugin.startupMs);
      rig.close();
    }
  }
  for (const l of live) {
    const ms = startups.get(l)!;
    l.result.startup = {
      medianMs: median(ms),
      minMs: Math.min(...ms),
      maxMs: Math.max(...ms),
      loads: ms.length,
      compileMedianMs: median(compiles.get(l)!),
    };
  }
}

export interface BenchRun {
  results: ScenarioResult[];
  timerOverheadNs: number;
}

export function runBench(scenarios: Scenario[], opts: BenchOptions): BenchRun {
  opts.log("loading and checking scenarios");
  const { live, results } = load(scenarios, opts);
  const overhead = timerOverheadNs();
  opts.log(`timer overhead (hrtime.bigint pair): ${overhead.toFixed(0)} ns`);
  opts.log(`warm-up and ${opts.rounds} interleaved rounds over ${live.length} scenarios`);
  time(live, { host: live.find((l) => l.scenario.name === HOST_FLOOR), sdk: live.find((l) => l.scenario.name === SDK_FLOOR) }, opts);
  for (const l of live) {
    if (l.result.status !== "ok") continue;
    const samples = l.samples.subarray(0, l.sampled).map((v) => Math.max(0, v - overhead));
    l.result.timing = {
      nsPerRequest: median(l.perRound),
      perRoundNs: l.perRound,
      pairedFloorNs: { host: l.pairedHost, sdk: l.pairedSdk },
      roundSpread: { p10: quantile(l.perRound, 0.1), p90: quantile(l.perRound, 0.9) },
      batchSize: l.batch,
      samples: samples.length,
      p50Ns: quantile(samples, 0.5),
      p99Ns: quantile(samples, 0.99),
    };
    l.rig.close();
  }
  const ok = live.filter((l) => l.result.status === "ok");
  opts.log("memory: fresh VM per scenario, readings after warm-up and at each checkpoint");
  for (const l of ok) {
    memory(l, opts);
    opts.log(`  ${l.scenario.name}: done`);
  }
  opts.log(`start-up: ${opts.startupLoads} loads per scenario, interleaved`);
  startup(ok, opts);
  return { results, timerOverheadNs: overhead };
}
