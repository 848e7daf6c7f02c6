// `make bench`: measures every scenario of bench/scenarios.ts in this one process, prints the table
// and the issue's targets, and writes bench/results/latest.json plus a timestamped copy.
//
//   npx tsx bench/run.ts [--quick] [--only name,name] [--rounds N]
//
// --quick: fewer rounds and memory checkpoints divided by 10, for a look while working (not for
// numbers anyone quotes). --only: scenarios whose name contains one of the given strings (the two
// floors are always kept, since the ratios need them).
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runBench, type BenchOptions } from "./measure.ts";
import { METHOD, document, fmtNs, renderTable, renderTargets } from "./report.ts";
import { HOST_FLOOR, SCENARIOS, SDK_FLOOR } from "./scenarios.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    rounds: { type: "string" },
  },
});

const opts: BenchOptions = {
  // Many short rounds: on a shared machine whose speed changes from one second to the next, only
  // batches a few milliseconds apart compare, and the ratios are taken per round.
  rounds: args.rounds ? Number(args.rounds) : args.quick ? 30 : 150,
  batchMs: 2,
  sampleMs: 1,
  maxSamplesPerRound: 2000,
  warmupMs: args.quick ? 200 : 600,
  startupLoads: args.quick ? 5 : 21,
  memoryScale: args.quick ? 0.1 : 1,
  memoryBudgetSec: args.quick ? 10 : 90,
  log: (line) => console.log(line),
};

const only = args.only?.split(",").map((s) => s.trim()).filter(Boolean);
const scenarios = only
  ? SCENARIOS.filter((s) => s.name === HOST_FLOOR || s.name === SDK_FLOOR || only.some((o) => s.name.includes(o)))
  : SCENARIOS;

const date = new Date();
const loadAtStart = loadavg();
const started = performance.now();
const run = runBench(scenarios, opts);
const doc = document(scenarios, run, opts, date, loadAtStart);

const m = doc.machine;
console.log(`\n${date.toISOString()}  ${m.cpu} (${m.cores} cores), ${m.os}, Node ${m.node} (V8 ${m.v8})${m.commit ? `, commit ${m.commit}` : ""}`);
console.log(`load average (1 min) at start ${m.loadAverage.start.toFixed(2)}, at end ${m.loadAverage.end.toFixed(2)}: other work on the machine inflates ns/request and p99 more than the ratios`);
console.log(`host floor = ${HOST_FLOOR}, SDK floor = ${SDK_FLOOR}; ${opts.rounds} rounds${args.quick ? " (--quick: not for quoting)" : ""}\n`);
console.log(renderTable(run.results, new Map(doc.scenarios.map((s) => [s.name, s.ratio!]))));
console.log(`\nmem @1/@2: linear memory after each memory checkpoint (requests served by a fresh VM); start: instantiate + configure`);
console.log(`p50/p99: ${METHOD.p99} (timer overhead ${fmtNs(run.timerOverheadNs)})`);

const chatty = run.results.filter((r) => (r.logLinesPerRequest ?? 0) > 0);
for (const r of chatty) console.log(`note: ${r.name} writes ${r.logLinesPerRequest!.toFixed(2)} log lines per request at level info or above (part of its cost)`);

for (const s of doc.series) {
  const pts = s.points.map((p) => `${p.x} ${s.unit}: ${fmtNs(p.p50Ns)}`).join(", ");
  const marginal = s.marginalNsPerUnit.map((m) => fmtNs(m)).join(", ");
  console.log(`\nseries ${s.name} (p50 per request): ${pts}; per ${s.unit.replace(/s$/, "")} between points: ${marginal}`);
}

console.log(`\nTargets (issues 3 and 8; checked from this run's ratios, not asserted):\n`);
console.log(renderTargets(doc.targets));

const missing = run.results.filter((r) => r.status !== "ok");
if (missing.length) {
  console.log(`\n!!! ${missing.length} scenario(s) NOT MEASURED:`);
  for (const r of missing) console.log(`!!!   ${r.name} [${r.status}] ${r.reason ?? ""}`);
}

const dir = join(import.meta.dirname, "results");
mkdirSync(dir, { recursive: true });
const json = JSON.stringify(doc, null, 2) + "\n";
const stamped = join(dir, `${date.toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(join(dir, "latest.json"), json);
writeFileSync(stamped, json);
console.log(`\nwrote bench/results/latest.json and ${stamped.replace(dir, "bench/results")} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
