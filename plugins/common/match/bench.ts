// Benchmark of the match library as a plugin uses it: loops run inside the .wasm (no JS boundary
// per match), timed from JS. Prints ns per match, ratios to V8's native RegExp / String.includes
// on the same input (for scale; V8 compiles regexes to machine code and backtracks), and the .wasm
// size the library adds. Run: npx tsx plugins/common/match/bench.ts
import { gzipSync } from "node:zlib";
import { compileTestModule } from "../../../test/support/asc.ts";
import { CASE_INSENSITIVE, MatchHarness } from "./test-harness/host.ts";

const h = await MatchHarness.load("match-bench");
const x = h.raw;

/** Runs `loop(iterations)` until it has taken ~300 ms, best of 5 rounds; returns ns per iteration. */
function nsPer(loop: (iterations: number) => unknown): number {
  let iterations = 1;
  while (true) {
    const t0 = process.hrtime.bigint();
    loop(iterations);
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns > 30e6) break;
    iterations *= 4;
  }
  iterations = Math.max(1, Math.round(iterations * 10));
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    loop(iterations);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / iterations);
  }
  return best;
}

function jsNsPer(fn: () => unknown): number {
  return nsPer((n) => {
    let sink = 0;
    for (let i = 0; i < n; i++) if (fn()) sink++;
    return sink;
  });
}

function pathOf(length: number, seed: string): string {
  let s = seed;
  while (s.length < length) s += "&k" + s.length + "=v" + ((s.length * 7919) % 1000);
  return s.slice(0, length);
}

// A 200-byte request path that no rule blocks: the common case, every rule scans all of it.
const path = pathOf(200, "/api/v1/chat/completions?session=8f14e45fceea167a5a36dedd4bea2543&user=alice&model=gpt-4o-mini&stream=true");
const blockedPath = pathOf(200, "/api/v2/admin/users?token=abc&password=hunter2");
const needles = ["admin", "/internal/", ".env", "wp-login", "%2e%2e", "etc/passwd", "select%20", "<script", "union+select", "cmd.exe"];

const rows: Array<[string, number, string]> = [];
const report = (name: string, ns: number, note = "") => rows.push([name, ns, note]);

// ---- 10 substrings, literal set, ASCII case-insensitive ----
const substrings = h.literalSet(needles, CASE_INSENSITIVE) as number;
{
  const [ptr, len] = h.place(path);
  if (x.benchSearch(substrings, ptr, len, 1) !== 0) throw new Error("the literal set finds a needle in the unblocked path");
  const ns = nsPer((n) => x.benchSearch(substrings, ptr, len, n));
  const lowered = needles.map((s) => s.toLowerCase());
  const js = jsNsPer(() => {
    const p = path.toLowerCase();
    return lowered.some((s) => p.includes(s));
  });
  report("10 substrings (literal set, case-insensitive), 200 B, no match", ns, `V8 toLowerCase+includes x10: ${js.toFixed(0)} ns (ratio ${(ns / js).toFixed(2)})`);
  h.storeString(path);
  report("  same, string API (UTF-8 encode + DFA)", nsPer((n) => x.benchSearchStored(substrings, n)));
}

// ---- The two request-block regexes, full match on 200 bytes ----
const regexA = h.regex("/api/v[0-9]+/admin.*");
const regexB = h.regex(".*(password|secret)=.*", CASE_INSENSITIVE);
const jsA = /^(?:\/api\/v[0-9]+\/admin.*)$/u;
const jsB = /^(?:.*(password|secret)=.*)$/iu;
const regexNs: number[] = [];
for (const [name, id, js, input] of [
  ["/api/v[0-9]+/admin.*  fullMatch, 200 B, no match", regexA, jsA, path],
  ["/api/v[0-9]+/admin.*  fullMatch, 200 B, match", regexA, jsA, blockedPath],
  [".*(password|secret)=.*  fullMatch (?i), 200 B, no match", regexB, jsB, path],
  [".*(password|secret)=.*  fullMatch (?i), 200 B, match", regexB, jsB, blockedPath],
] as const) {
  const [ptr, len] = h.place(input);
  if (x.benchFullMatch(id, ptr, len, 1) !== (js.test(input) ? 1 : 0)) throw new Error(`disagreement on ${name}`);
  const ns = nsPer((n) => x.benchFullMatch(id, ptr, len, n));
  const jsNs = jsNsPer(() => js.test(input));
  if (input === path) regexNs.push(ns);
  report(name, ns, `V8 RegExp: ${jsNs.toFixed(0)} ns (ratio ${(ns / jsNs).toFixed(2)})`);
}
h.storeString(path);
report("  .*(password|secret)=.*, string API (UTF-8 encode + DFA)", nsPer((n) => x.benchFullMatchStored(regexB, n)));

// When a plugin only needs "does any rule match", full match distributes over alternation, so N
// rules can be one pattern and one pass: (?:r1)|(?:r2).
const combined = h.regex("(?:/api/v[0-9]+/admin.*)|(?i:.*(password|secret)=.*)");
{
  const [ptr, len] = h.place(path);
  const ns = nsPer((n) => x.benchFullMatch(combined, ptr, len, n));
  regexNs.push(ns);
  report("both regexes as one alternation, fullMatch, 200 B, no match", ns, "one DFA pass for both rules");
}

// ---- request-block total per request: 10 substrings + 2 regexes on one 200-byte path ----
const substringsNs = rows[0][1];
report("request-block per request: 10 substrings + 2 regex fullMatch, 200 B", substringsNs + regexNs[0] + regexNs[1], "sum of the rows above (no match: the full scan)");
report("  same with the regexes combined into one pattern", substringsNs + regexNs[2], "sum");

// ---- Pathological: (a+)+$ on 64 KiB ----
{
  const input = "a".repeat(64 * 1024 - 1) + "!";
  const id = h.regex("(a+)+$");
  const [ptr, len] = h.place(input);
  const full = nsPer((n) => x.benchFullMatch(id, ptr, len, n));
  report("(a+)+$  fullMatch, 64 KiB", full, `${(full / len).toFixed(2)} ns/byte (V8 backtracking: exponential, not run)`);
  const search = nsPer((n) => x.benchSearch(id, ptr, len, n));
  report("(a+)+$  search, 64 KiB", search, `${(search / len).toFixed(2)} ns/byte`);
  const matching = "a".repeat(64 * 1024);
  const [mptr, mlen] = h.place(matching);
  const caps = nsPer((n) => x.benchCaptures(id, mptr, mlen, n));
  report("(a+)+$  captures (Pike VM), 64 KiB, match", caps, `${(caps / mlen).toFixed(1)} ns/byte`);
}

// ---- Captures as ai-proxy modelMapping uses them ----
{
  const id = h.regex("^gpt-(\\d+(?:\\.\\d+)?)-(.*)$");
  const [ptr, len] = h.place("gpt-3.5-turbo-0125");
  report("^gpt-(\\d+(?:\\.\\d+)?)-(.*)$  captures, 18 B", nsPer((n) => x.benchCaptures(id, ptr, len, n)));
}

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`\nDFA cache memory after the runs: 10 substrings ${h.cacheBytes(substrings)} B, /api/... ${h.cacheBytes(regexA)} B, .*(password|secret)=.* ${h.cacheBytes(regexB)} B, combined ${h.cacheBytes(combined)} B`);
console.log("\nns per match (loops inside the .wasm; best of 5):\n");
for (const [name, ns, note] of rows) console.log(`${name.padEnd(width)}  ${ns.toFixed(1).padStart(10)} ns  ${note}`);

// ---- Module size the library adds ----
const sizes: Record<string, number> = {};
const gzipped: Record<string, number> = {};
for (const probe of ["baseline", "regex", "captures"]) {
  const wasm = await compileTestModule(`plugins/common/match/test-harness/size-probe-${probe}.ts`, `match-size-${probe}`);
  sizes[probe] = wasm.length;
  gzipped[probe] = gzipSync(wasm, { level: 9 }).length;
}
const kb = (n: number) => (n / 1024).toFixed(1) + " KB";
console.log(`\n.wasm size added (project asc options; vs a probe using only strings, arrays, maps):`);
console.log(`  regex full match/search + literal sets:  +${kb(sizes.regex - sizes.baseline)}  (gzip +${kb(gzipped.regex - gzipped.baseline)})`);
console.log(`  everything incl. captures + replaceAll:  +${kb(sizes.captures - sizes.baseline)}  (gzip +${kb(gzipped.captures - gzipped.baseline)})`);
