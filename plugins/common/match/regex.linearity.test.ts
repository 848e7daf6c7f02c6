// Linear time, measured as engine work rather than wall-clock: the engines count every input byte
// they step over and every NFA instruction they visit. Patterns that make backtracking engines
// exponential must stay within c x input length x program size, here on 64 KiB inputs.
import { beforeAll, describe, expect, it } from "vitest";
import { MatchHarness } from "./test-harness/host.ts";

let h: MatchHarness;
beforeAll(async () => {
  h = await MatchHarness.load("match-linearity");
});

const KIB64 = 64 * 1024;
/** Work allowed per input byte per program instruction. */
const C = 3;
/** Time limit for these tests; the Pike VM runs take seconds on a loaded shared machine. */
const SLOW = 300_000;

function pseudoRandom(length: number, alphabet: string, seed: number): string {
  let s = seed;
  let out = "";
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    out += alphabet[(s >> 8) % alphabet.length];
  }
  return out;
}

/** `explodes`: the DFA has more states (2^13 here) than its cache holds, so it never gets fully warm. */
type Case = { pattern: string; input: string; full: boolean; anywhere: boolean; explodes?: boolean };
const cases: Case[] = [
  { pattern: "(a+)+$", input: "a".repeat(KIB64 - 1) + "!", full: false, anywhere: false },
  { pattern: "(a|aa)*b", input: "a".repeat(KIB64), full: false, anywhere: false },
  { pattern: "(x+x+)+y", input: "x".repeat(KIB64), full: false, anywhere: false },
  { pattern: "(.*a){12}", input: "a".repeat(KIB64 - 1) + "b", full: false, anywhere: true },
  { pattern: "^(a?){25}a{25}$", input: "a".repeat(KIB64), full: false, anywhere: false },
  { pattern: "(\\w+\\s?)*$", input: "word ".repeat(KIB64 / 5) + "!", full: false, anywhere: true },
  { pattern: "(a|b)*a(a|b){12}", input: pseudoRandom(KIB64, "ab", 1), full: true, anywhere: true, explodes: true },
  { pattern: ".*(password|secret)=.*", input: pseudoRandom(KIB64, "abcdefgh/?=&%", 2), full: false, anywhere: false },
];

describe("work stays within c x input x program size on 64 KiB inputs", () => {
  it.each(cases)("$pattern", ({ pattern, input, full, anywhere, explodes }) => {
    const id = h.regex(pattern);
    const m = h.programSize(id);
    const n = new TextEncoder().encode(input).length;
    const bound = C * n * m;
    const measure = (run: () => unknown, expected: unknown) => {
      const before = h.steps(id);
      expect(run()).toEqual(expected);
      return h.steps(id) - before;
    };
    const dfaFull = measure(() => h.fullMatch(id, input), full);
    const dfaSearch = measure(() => h.search(id, input), anywhere);
    const vmWhole = measure(() => h.captures(id, input, true) !== null, full);
    const vmSearch = measure(() => h.captures(id, input, false) !== null, anywhere);
    for (const work of [dfaFull, dfaSearch, vmWhole, vmSearch]) {
      expect(work).toBeGreaterThan(0);
      expect(work).toBeLessThanOrEqual(bound);
    }
    // Once warm the DFA pays one step per byte: a second run costs no more than the input.
    if (!explodes) expect(measure(() => h.fullMatch(id, input), full)).toBeLessThanOrEqual(n);
  }, SLOW);

  it("stays linear when the DFA cache is tiny and flushes all the time", () => {
    const pattern = "(a|b)*a(a|b){12}";
    const input = pseudoRandom(KIB64, "ab", 3);
    const id = h.regex(pattern);
    h.limitCache(id, 1);
    const m = h.programSize(id);
    const before = h.steps(id);
    expect(h.fullMatch(id, input)).toBe(new RegExp(`^(?:${pattern})$`).test(input));
    const work = h.steps(id) - before;
    expect(h.flushes(id)).toBeGreaterThan(100);
    expect(work).toBeLessThanOrEqual(C * input.length * m);
  }, SLOW);

  it("grows work in proportion to the input (doubling the input at most doubles the work, +10%)", () => {
    const id = h.regex("(x+x+)+y");
    const work = (n: number) => {
      const before = h.steps(id);
      h.captures(id, "x".repeat(n));
      return h.steps(id) - before;
    };
    const small = work(16 * 1024);
    const large = work(32 * 1024);
    expect(large).toBeLessThanOrEqual(2.2 * small);
  }, SLOW);
});
