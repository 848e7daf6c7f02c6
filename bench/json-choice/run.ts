// Measures the two AssemblyScript JSON libraries on the suite's workloads and writes the findings
// to build/json-choice/report.md (RESULTS.md quotes a run of it).
//   npx tsx bench/json-choice/run.ts            full run (about four minutes)
//   npx tsx bench/json-choice/run.ts --quick    fewer timing rounds, for a smoke check
//   npx tsx bench/json-choice/run.ts --checks   sizes and correctness only, no timing or memory
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { buildAll, type ModuleName } from "./build.ts";
import {
  checkConfigErrors,
  checkExample,
  checkGuard,
  checkMalformed,
  checkOddShapes,
  checkRoundTrips,
  checkWorkloads,
  LIBRARY_TITLE,
  type Library,
} from "./checks.ts";
import { benchmarkDocuments } from "./fixtures.ts";
import { CHECKPOINTS, memoryAfterStart, memoryGrowth } from "./memory.ts";
import { ns, Report } from "./report.ts";
import { timeGroup, type Series } from "./timing.ts";
import { ROOT } from "../../test/support/asc.ts";

const quick = process.argv.includes("--quick");
const checksOnly = process.argv.includes("--checks");
const TIMING = quick ? { rounds: 5, callMs: 5 } : { rounds: 31, callMs: 10 };

const report = new Report();
report.say(`# JSON library choice: measured ${new Date().toISOString().slice(0, 10)}`);
report.say(`Node ${process.version} (V8 ${process.versions.v8}), ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}${quick ? " — QUICK RUN, numbers are rough" : ""}`);

const built = await buildAll((line) => console.error(line));
const docs = benchmarkDocuments();
const [CHAT, SSE, CONFIG_5K, CONFIG_200K] = Object.keys(docs);

// ---- sizes ----------------------------------------------------------------------------------------
report.heading("Module size (bytes; gzip -9 in brackets)");
const size = (m: ModuleName) => `${built[m].size} (${built[m].gzipSize})`;
const delta = (m: ModuleName, floor: ModuleName) =>
  `+${built[m].size - built[floor].size} (+${built[m].gzipSize - built[floor].gzipSize})`;
report.table(
  ["module", "size", "added over its floor"],
  [
    ["harness floor: same exports and guard, no JSON library (baseline.ts)", size("baseline"), "—"],
    ["harness with assemblyscript-json (asjson.ts)", size("asjson"), delta("asjson", "baseline")],
    ["harness with json-as JSON.Obj (jsonas-dynamic.ts)", size("jsonas-dynamic"), delta("jsonas-dynamic", "baseline")],
    ["same, json-as patched with json-as+1.6.0.patch", size("jsonas-patched"), delta("jsonas-patched", "baseline")],
    ["harness with json-as @json classes (jsonas-typed.ts)", size("jsonas-typed"), delta("jsonas-typed", "baseline")],
    ["plugin: proxy-runtime root, keeps the config text (size/plugin-none.ts)", size("plugin-none"), "—"],
    ["plugin + guard on the config (size/plugin-guard.ts)", size("plugin-guard"), delta("plugin-guard", "plugin-none")],
    ["plugin + guard + key-auth config read with assemblyscript-json", size("plugin-asjson"), delta("plugin-asjson", "plugin-guard")],
    ["plugin + guard + key-auth config read with json-as JSON.Obj", size("plugin-jsonas"), delta("plugin-jsonas", "plugin-guard")],
    ["guard alone over a bare module (size/guard-only.ts vs size/empty.ts)", size("size-guard"), delta("size-guard", "size-empty")],
  ],
);

// ---- correctness --------------------------------------------------------------------------------
report.heading("Documents");
report.table(["document", "bytes"], Object.entries(docs).map(([name, doc]) => [name, Buffer.byteLength(doc)]));
checkWorkloads(report, built, docs);
checkRoundTrips(report, built);
checkConfigErrors(report, built);
checkOddShapes(report, built);
await checkMalformed(report, built);
checkGuard(report, built, docs);
checkExample(report, built);

if (checksOnly) {
  report.save(join(ROOT, "build", "json-choice", "report.md"));
  process.exit(0);
}

// ---- speed ----------------------------------------------------------------------------------------
report.heading("Speed: median ns per operation (interquartile range in brackets)");
report.say(
  `${TIMING.rounds} rounds per row, each a loop inside the module lasting ~${TIMING.callMs} ms, after calibration and warm-up; ` +
    "the series of a row are interleaved. json-as timings include decoding the UTF-8 input to a UTF-16 string " +
    "(assemblyscript-json parses the bytes); every serialize includes encoding the result to UTF-8, as a plugin must.",
);
const LIBS: Library[] = ["asjson", "jsonas-dynamic", "jsonas-patched", "jsonas-typed"];
const DYNAMIC: Library[] = ["asjson", "jsonas-dynamic", "jsonas-patched"];
interface Row {
  workload: string;
  document: string;
  op: string;
  libs: Library[];
  guard?: boolean;
}
const rows: Row[] = [
  ...[CHAT, SSE].map((document) => ({ workload: "parse only", document, op: "parse_only", libs: DYNAMIC })),
  ...[CONFIG_5K, CONFIG_200K].map((document) => ({ workload: "parse only", document, op: "parse_only", libs: LIBS })),
  { workload: "parse + read model/stream/messages", document: CHAT, op: "chat_read", libs: LIBS },
  { workload: "parse + read usage", document: SSE, op: "sse_usage", libs: LIBS },
  { workload: "parse + validate into KeyAuthConfig", document: CONFIG_5K, op: "config_read", libs: LIBS },
  { workload: "parse + validate into KeyAuthConfig", document: CONFIG_200K, op: "config_read", libs: LIBS },
  ...[CHAT, SSE, CONFIG_5K, CONFIG_200K].map((document) => ({ workload: "parse + visit every node", document, op: "walk", libs: DYNAMIC })),
  { workload: "parse + rewrite model, add include_usage + serialize", document: CHAT, op: "chat_rewrite", libs: DYNAMIC },
  { workload: "parse + translate to Anthropic + serialize", document: CHAT, op: "chat_to_anthropic", libs: DYNAMIC },
  { workload: "parse + serialize unchanged", document: CHAT, op: "roundtrip", libs: DYNAMIC },
  { workload: "parse + read usage, guard on", document: SSE, op: "sse_usage", libs: LIBS, guard: true },
  { workload: "parse + read model/stream/messages, guard on", document: CHAT, op: "chat_read", libs: LIBS, guard: true },
];
const timingRows: (string | number)[][] = [];
// Other work on this shared machine shows up as wide interquartile ranges; the load says how busy it was.
const loadBefore = loadavg()[0];
for (const row of rows) {
  const series: Series[] = row.libs.map((lib) => ({ module: lib, op: row.op, input: docs[row.document], guard: row.guard }));
  const timings = timeGroup(built, series, TIMING);
  const byLib = new Map(row.libs.map((lib, i) => [lib, timings[i]]));
  const cell = (lib: Library) => {
    const t = byLib.get(lib);
    return t ? `${ns(t.medianNs)} (${ns(t.p25Ns)}–${ns(t.p75Ns)})` : "—";
  };
  const asjson = byLib.get("asjson")!.medianNs;
  const dynamic = byLib.get("jsonas-dynamic")!.medianNs;
  timingRows.push([row.workload, row.document, ...LIBS.map(cell), (dynamic / asjson).toFixed(2)]);
  console.error(`timed ${row.workload} / ${row.document}`);
}
report.table(["workload", "document", ...LIBS.map((l) => LIBRARY_TITLE[l]), "json-as JSON.Obj ÷ assemblyscript-json"], timingRows);
report.say(`Load average (1 min) before / after the timing: ${loadBefore.toFixed(2)} / ${loadavg()[0].toFixed(2)} on ${cpus().length} cores.`);

report.heading("Guard cost on its own (assembly/guard.ts, median ns per document)");
const guardTimings = timeGroup(
  built,
  Object.values(docs).map((input) => ({ module: "baseline", op: "guard_only", input })),
  TIMING,
);
report.table(
  ["document", "guard ns", "ns per byte"],
  Object.keys(docs).map((name, i) => [name, ns(guardTimings[i].medianNs), (guardTimings[i].medianNs / Buffer.byteLength(docs[name])).toFixed(2)]),
);

// ---- memory -------------------------------------------------------------------------------------
report.heading("Linear memory right after start (KiB)");
report.table(
  ["module", "KiB"],
  (["baseline", "asjson", "jsonas-dynamic", "jsonas-patched", "jsonas-typed"] as const).map((m) => [m, memoryAfterStart(built, m) / 1024]),
);
report.heading(`Linear memory over ${CHECKPOINTS[CHECKPOINTS.length - 1].toLocaleString("en-US")} operations (KiB)`);
const memoryRows: (string | number)[][] = [];
const memoryCases: [Library, string, string][] = [
  ...LIBS.map((lib) => [lib, "sse_usage", SSE] as [Library, string, string]),
  ...DYNAMIC.map((lib) => [lib, "chat_rewrite", CHAT] as [Library, string, string]),
  ...LIBS.map((lib) => [lib, "config_read", CONFIG_5K] as [Library, string, string]),
];
for (const [lib, op, document] of memoryCases) {
  const sizes = memoryGrowth(built, lib, op, docs[document]);
  const kib = sizes.map((b) => b / 1024);
  const after1k = sizes[1];
  const last = sizes[sizes.length - 1];
  const verdict = last === after1k ? "flat after 1 000" : `grows +${(last - after1k) / 1024} KiB after 1 000`;
  memoryRows.push([LIBRARY_TITLE[lib], `${op} (${document})`, ...kib, verdict]);
  console.error(`memory ${lib} ${op}`);
}
report.table(["library", "workload", ...CHECKPOINTS.map((c) => `after ${c.toLocaleString("en-US")}`), "verdict"], memoryRows);

const out = join(ROOT, "build", "json-choice", "report.md");
report.save(out);
console.error(`\nreport written to ${out}`);
