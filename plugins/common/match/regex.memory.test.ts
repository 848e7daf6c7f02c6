// No memory growth: once warm, 100 000 matches allocate nothing (counted exactly with
// AssemblyScript's rtrace hooks) and leave linear memory the same size.
import { beforeAll, describe, expect, it } from "vitest";
import { CASE_INSENSITIVE, MatchHarness } from "./test-harness/host.ts";

let plain: MatchHarness;
let counted: MatchHarness;
beforeAll(async () => {
  plain = await MatchHarness.load("match-memory");
  // rtrace hooks make every store call into JS (~10x slower), so this build runs fewer matches.
  counted = await MatchHarness.load("match-memory-rtrace", { countAllocations: true });
});

/** Generous: the machines running CI are shared, and rtrace makes every store call into JS. */
const SLOW = 300_000;

const inputs: Array<string | Uint8Array> = [
  "/api/v1/admin/users?id=1",
  "/api/v12/admin",
  "/login?password=hunter2&user=x",
  "/static/app.js",
  "/search?q=" + "é😀".repeat(40),
  "/" + "a".repeat(600),
  "",
  new Uint8Array([0x2f, 0xff, 0xc3, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x3d]),
  "gpt-4o-mini",
];

/** Compiles a request-block-like set of rules and returns a function running `count` matches. */
function workload(h: MatchHarness): (count: number) => void {
  const regexes = [
    h.regex("/api/v[0-9]+/admin.*"),
    h.regex(".*(password|secret)=.*", CASE_INSENSITIVE),
    h.regex("(?P<family>gpt|claude)-(\\d+)(.*)"),
    h.regex("\\b(a+)+$"),
  ];
  const substrings = h.literalSet(["admin", "secret", "password", "/internal/", ".env", "wp-login", "%2e%2e", "etc/passwd", "select ", "<script"], CASE_INSENSITIVE);
  if (typeof substrings === "string") throw new Error(substrings);
  h.storeString("/api/v3/admin/passWord=1");
  type Input = string | Uint8Array;
  const operations = [
    (r: number, input: Input) => h.fullMatch(r, input),
    (r: number, input: Input) => h.search(r, input),
    (r: number, input: Input) => h.captures(r, input),
    (r: number, input: Input) => h.captures(r, input, true),
    (r: number) => h.fullMatchStored(r),
    (r: number) => h.searchStored(r),
    (r: number) => h.capturesStored(r),
    (_: number, input: Input) => h.search(substrings, input),
    (_: number, input: Input) => h.fullMatch(substrings, input),
    () => h.searchStored(substrings),
  ];
  return (count: number) => {
    for (let i = 0; i < count; i++) operations[i % operations.length](regexes[i % regexes.length], inputs[i % inputs.length]);
  };
}

describe("steady state", () => {
  it("keeps linear memory the same size over 100 000 matches after warm-up", () => {
    const run = workload(plain);
    run(5_000); // warm-up: DFA states, Pike VM lists and input buffers reach their sizes
    const memoryAfterWarmUp = plain.memoryBytes;
    run(100_000);
    expect(plain.memoryBytes).toBe(memoryAfterWarmUp);
  }, SLOW);

  it("allocates nothing at all once warm (every allocation counted)", () => {
    const run = workload(counted);
    run(5_000);
    const allocationsAfterWarmUp = counted.allocations;
    expect(allocationsAfterWarmUp).toBeGreaterThan(0); // the counter is live
    run(20_000);
    expect(counted.allocations - allocationsAfterWarmUp).toBe(0);
  }, SLOW);

  it("counts the allocations of operations documented to allocate (replaceAll)", () => {
    const r = counted.regex("gpt-(\\d+)");
    counted.replaceAll(r, "gpt-4", "qwen-$1");
    const before = counted.allocations;
    counted.replaceAll(r, "gpt-4", "qwen-$1");
    expect(counted.allocations).toBeGreaterThan(before);
  });
});
