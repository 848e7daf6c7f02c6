// Turns measured results into what people read: ratios to the two floors, the targets checked
// (reported, never asserted), the linearity of series such as stream length, a text table, and the
// JSON document written to bench/results/.
import { execSync } from "node:child_process";
import { arch, cpus, loadavg, release, totalmem, type } from "node:os";
import type { BenchOptions, BenchRun, ScenarioResult } from "./measure.ts";
import { HOST_FLOOR, SDK_FLOOR, STARTUP_LIMIT_MS, type Scenario } from "./scenarios.ts";
import { median } from "./stats.ts";

export const METHOD = {
  lifecycle: "one request = HttpStream created on the plugin's VM; context create, request headers (+ body chunks), response headers (+ body chunks), log, done, delete; header maps prebuilt and cloned per request; a sink that only counts",
  nsPerRequest: "median over rounds of (timed batch duration / batch size); many short rounds (batches of ~2 ms) interleave every scenario in a shuffled order; warm-up excluded; roundSpread = 10th and 90th percentile of the per-round values",
  ratios: "median over rounds of (scenario batch ns/request ÷ ns/request of the floor batch run right before it)",
  p99: "per-request timing: process.hrtime.bigint() around each request of a separate sampling batch per round, minus the median timer overhead; samples pooled over all rounds, R-7 quantile",
  memory: "linear memory (WebAssembly memory size) of a fresh VM after configure, after 1000 warm-up requests, and after each checkpoint count of requests; 'flat' = equal at both checkpoints",
  startup: "Plugin.startupMs (canary VM instantiate + start + configure), median over repeated loads interleaved across scenarios; module compile time reported apart",
  linearity: "for a series (e.g. stream events), marginal cost per unit between consecutive points, computed from the per-request p50s; linear if no segment's marginal cost exceeds 1.5x the previous one",
};

export interface Ratios { hostFloor: number | null; sdkFloor: number | null }

export interface TargetCheck {
  target: string;
  limit: string;
  actual: string;
  verdict: "pass" | "FAIL" | "not measured";
}

export interface SeriesResult {
  name: string;
  unit: string;
  points: { x: number; scenario: string; nsPerRequest: number | null; p50Ns: number | null }[];
  marginalNsPerUnit: (number | null)[];
  linear: boolean | null;
}

/** Median of the per-round ratios between a scenario's batch and the floor batch run right before it. */
function pairedRatio(ns: number[], floorNs: number[]): number | null {
  const ratios = ns.map((v, i) => v / floorNs[i]).filter((x) => Number.isFinite(x));
  return ratios.length ? median(ratios) : null;
}

export function ratios(results: ScenarioResult[]): Map<string, Ratios> {
  const floorMeasured = (name: string) => results.some((r) => r.name === name && r.status === "ok");
  return new Map(
    results.map((r) => {
      const t = r.timing;
      return [
        r.name,
        {
          hostFloor: t && floorMeasured(HOST_FLOOR) ? pairedRatio(t.perRoundNs, t.pairedFloorNs.host) : null,
          sdkFloor: t && floorMeasured(SDK_FLOOR) ? pairedRatio(t.perRoundNs, t.pairedFloorNs.sdk) : null,
        },
      ];
    }),
  );
}

/**
 * Points of each series, judged on the per-request p50: a long request (a stream of 800 events) is
 * preempted by other jobs on a busy machine far more often than a short one, which inflates batch
 * means unevenly along the series, while the median request is rarely preempted.
 */
export function series(scenarios: Scenario[], results: ScenarioResult[]): SeriesResult[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  const groups = new Map<string, Scenario[]>();
  for (const s of scenarios) if (s.series) groups.set(s.series.name, [...(groups.get(s.series.name) ?? []), s]);
  return [...groups].map(([name, members]) => {
    const points = members
      .map((s) => {
        const t = byName.get(s.name)?.timing;
        return { x: s.series!.x, scenario: s.name, nsPerRequest: t?.nsPerRequest ?? null, p50Ns: t?.p50Ns ?? null };
      })
      .sort((a, b) => a.x - b.x);
    const marginal = points.slice(1).map((p, i) => {
      const q = points[i];
      return p.p50Ns === null || q.p50Ns === null ? null : (p.p50Ns - q.p50Ns) / (p.x - q.x);
    });
    const measured = marginal.every((m) => m !== null) && marginal.length > 0;
    const linear = measured ? marginal.slice(1).every((m, i) => m! <= 1.5 * Math.max(marginal[i]!, 0)) : null;
    return { name, unit: members[0].series!.unit, points, marginalNsPerUnit: marginal, linear };
  });
}

const verdict = (ok: boolean): TargetCheck["verdict"] => (ok ? "pass" : "FAIL");

export function targets(scenarios: Scenario[], results: ScenarioResult[], rs: Map<string, Ratios>, ser: SeriesResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const byName = new Map(results.map((r) => [r.name, r]));
  const unmeasured = (r: ScenarioResult | undefined) => `not measured (${r ? r.status : "missing"})`;
  for (const s of scenarios) {
    const r = byName.get(s.name);
    const measured = r?.status === "ok";
    // ns/request against a floor: issue 8's limits are on the host floor, issue 3's on the SDK floor.
    const floorLimits: [number | undefined, number | null | undefined, string][] = [
      [s.maxHostFloorRatio, rs.get(s.name)?.hostFloor, "host floor"],
      [s.maxSdkFloorRatio, rs.get(s.name)?.sdkFloor, "SDK floor"],
    ];
    for (const [limit, ratio, floor] of floorLimits) {
      if (limit === undefined) continue;
      const known = measured && ratio != null;
      checks.push({
        target: `${s.name} ns/request`,
        limit: `≤ ${limit}× ${floor}`,
        actual: known ? `${ratio!.toFixed(2)}×` : unmeasured(r),
        verdict: known ? verdict(ratio! <= limit) : "not measured",
      });
    }
    if (s.kind === "plugin" || s.kind === "sdk-floor") {
      const m = r?.memory;
      if (measured && m) {
        const [a, b] = m.checkpoints;
        checks.push({
          target: `${s.name} linear memory`,
          limit: `flat from ${fmtCount(a.requests)} to ${fmtCount(b.requests)} requests, ≤ ${fmtBytes(m.limitBytes)}`,
          actual: `${fmtBytes(a.bytes)} → ${fmtBytes(b.bytes)}`,
          verdict: verdict(a.bytes === b.bytes && b.bytes <= m.limitBytes),
        });
      } else {
        checks.push({ target: `${s.name} linear memory`, limit: "flat, ≤ limit", actual: unmeasured(r), verdict: "not measured" });
      }
      const st = r?.startup;
      checks.push({
        target: `${s.name} start-up`,
        limit: `< ${STARTUP_LIMIT_MS} ms instantiate + configure`,
        actual: measured && st ? `${st.medianMs.toFixed(2)} ms` : unmeasured(r),
        verdict: measured && st ? verdict(st.medianMs < STARTUP_LIMIT_MS) : "not measured",
      });
    }
  }
  for (const s of ser) {
    checks.push({
      target: `${s.name} work vs length`,
      limit: "linear in " + s.unit,
      actual: s.linear === null ? "not measured" : s.marginalNsPerUnit.map((m) => `${m!.toFixed(0)} ns/${s.unit.replace(/s$/, "")}`).join(", "),
      verdict: s.linear === null ? "not measured" : verdict(s.linear),
    });
  }
  return checks;
}

// Formatting.

export function fmtNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || Number.isNaN(ns)) return "-";
  if (ns < 10_000) return `${ns.toFixed(0)} ns`;
  if (ns < 10_000_000) return `${(ns / 1000).toFixed(1)} µs`;
  return `${(ns / 1e6).toFixed(1)} ms`;
}

export function fmtBytes(b: number | null | undefined): string {
  if (b === null || b === undefined) return "-";
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(b % 1024 ? 1 : 0)} KiB`;
  return `${(b / 1024 / 1024).toFixed(2)} MiB`;
}

export function fmtCount(n: number): string {
  const exp = Math.log10(n);
  return Number.isInteger(exp) ? `10^${exp}` : String(n);
}

const fmtRatio = (x: number | null | undefined) => (x === null || x === undefined ? "-" : `${x.toFixed(2)}×`);

/** A plain-text table; `rightAligned` columns (numbers) are padded on the left. */
function table(rows: string[][], rightAligned: (c: number) => boolean): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd();
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

export function renderTable(results: ScenarioResult[], rs: Map<string, Ratios>): string {
  const rows = [["scenario", "ns/req", "×host", "×SDK", "p50", "p99", "mem warm", "mem @1", "mem @2", "start", "size"]];
  for (const r of results) {
    if (r.status !== "ok") {
      rows.push([r.name, r.status.toUpperCase(), "", "", "", "", "", "", "", "", r.moduleBytes === null ? "-" : fmtBytes(r.moduleBytes)]);
      continue;
    }
    const t = r.timing!;
    const m = r.memory;
    const ratio = rs.get(r.name)!;
    const cp = (i: number) => (m?.checkpoints[i] ? `${fmtBytes(m.checkpoints[i].bytes)} @${fmtCount(m.checkpoints[i].requests)}` : "-");
    rows.push([
      r.name,
      fmtNs(t.nsPerRequest),
      fmtRatio(ratio.hostFloor),
      fmtRatio(ratio.sdkFloor),
      fmtNs(t.p50Ns),
      fmtNs(t.p99Ns),
      fmtBytes(m?.afterWarmupBytes),
      cp(0),
      cp(1),
      r.startup ? `${r.startup.medianMs.toFixed(2)} ms` : "-",
      fmtBytes(r.moduleBytes),
    ]);
  }
  return table(rows, (c) => c > 0);
}

export function renderTargets(checks: TargetCheck[]): string {
  return table([["target", "limit", "actual", "verdict"], ...checks.map((c) => [c.target, c.limit, c.actual, c.verdict])], () => false);
}

export function machine(loadAtStart: number[]) {
  const cpu = cpus();
  let commit: string | null = null;
  try {
    commit = execSync("git rev-parse --short HEAD", { cwd: import.meta.dirname, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    commit = null;
  }
  return {
    os: `${type()} ${release()} ${arch()}`,
    cpu: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    memoryBytes: totalmem(),
    node: process.version,
    v8: process.versions.v8,
    commit,
    loadAverage: { start: loadAtStart[0], end: loadavg()[0] },
  };
}

export function document(scenarios: Scenario[], run: BenchRun, opts: BenchOptions, date: Date, loadAtStart: number[]) {
  const rs = ratios(run.results);
  const ser = series(scenarios, run.results);
  return {
    schema: 1,
    date: date.toISOString(),
    machine: machine(loadAtStart),
    options: { rounds: opts.rounds, batchMs: opts.batchMs, sampleMs: opts.sampleMs, maxSamplesPerRound: opts.maxSamplesPerRound, warmupMs: opts.warmupMs, startupLoads: opts.startupLoads, memoryScale: opts.memoryScale },
    method: { ...METHOD, timerOverheadNs: run.timerOverheadNs },
    floors: { host: HOST_FLOOR, sdk: SDK_FLOOR },
    scenarios: run.results.map((r) => ({ ...r, ratio: rs.get(r.name) })),
    series: ser,
    targets: targets(scenarios, run.results, rs, ser),
  };
}

export type BenchDocument = ReturnType<typeof document>;
