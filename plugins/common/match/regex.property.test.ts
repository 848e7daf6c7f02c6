// Property-based tests: random patterns and inputs, compared with JavaScript's RegExp (`u` flag;
// full match = the whole input), in both case sensitivities; the DFA and the Pike VM cross-checked;
// and no pattern or input, however malformed, makes the module trap. RegExp runs in a worker with a
// time limit (test-harness/regexp-oracle.ts) because V8 backtracks exponentially on some patterns.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASE_INSENSITIVE, DOT_MATCHES_NEWLINE, MULTILINE, MatchHarness } from "./test-harness/host.ts";
import { type Ast, inputArbitrary, mutations, patternArbitrary, render, sampleFor } from "./test-harness/pattern-arbitrary.ts";
import { type OracleResult, RegExpOracle } from "./test-harness/regexp-oracle.ts";

let h: MatchHarness;
let oracle: RegExpOracle;
beforeAll(async () => {
  h = await MatchHarness.load("match-property");
  oracle = new RegExpOracle();
});
afterAll(() => oracle.close());

const encoder = new TextEncoder();

/** Engine flags and the matching JS flags. */
const flagsArbitrary = fc.record({
  caseInsensitive: fc.boolean(),
  dotAll: fc.boolean(),
  multiline: fc.boolean(),
});
type Flags = { caseInsensitive: boolean; dotAll: boolean; multiline: boolean };

function engineFlags(f: Flags): number {
  return (f.caseInsensitive ? CASE_INSENSITIVE : 0) | (f.dotAll ? DOT_MATCHES_NEWLINE : 0) | (f.multiline ? MULTILINE : 0);
}

function jsFlags(f: Flags): string {
  return (f.caseInsensitive ? "i" : "") + (f.dotAll ? "s" : "") + (f.multiline ? "m" : "");
}

function inputsFor(ast: Ast, seed: number, flags: string, extra: string[]): string[] {
  const sample = sampleFor(ast, seed, flags);
  return [sample, ...mutations(sample, seed), ...extra];
}

/**
 * JS has no \A or \z, and ^...$ change meaning under the m flag; a sticky match followed by "no
 * character" anchors at both ends whatever the flags. Backtracking then finds a full-length match
 * whenever one exists.
 */
function wholeInputSource(pattern: string): string {
  return `(?:${pattern})(?![\\s\\S])`;
}

/** Whether a UTF-16 index falls between the two halves of a surrogate pair. */
function splitsSurrogatePair(s: string, index: number): boolean {
  const before = s.charCodeAt(index - 1);
  return index > 0 && index < s.length && before >= 0xd800 && before <= 0xdbff;
}

/**
 * V8 (Node 20) lets \b/\B match between the halves of a surrogate pair even with the u flag
 * (/\B/u.exec("a😀").index is 2); such answers are not a usable oracle.
 */
function trustworthy(result: OracleResult, input: string): boolean {
  return !result || !result.indices.some((pair) => pair !== null && (splitsSurrogatePair(input, pair[0]) || splitsSurrogatePair(input, pair[1])));
}

/** UTF-16 index in `s` -> byte offset in its UTF-8 encoding. */
function byteOffset(s: string, index: number): number {
  return encoder.encode(s.slice(0, index)).length;
}

function byteIndices(result: OracleResult, input: string): Array<[number, number] | null> | null {
  return result && result.indices.map((pair) => (pair ? ([byteOffset(input, pair[0]), byteOffset(input, pair[1])] as [number, number]) : null));
}

// MATCH_PROPERTY_RUNS raises the run count for a deeper local search.
const RUNS = Number(process.env.MATCH_PROPERTY_RUNS ?? 600);
const SLOW = 300_000;

/** The oracle may give up on a few patterns that make V8 backtrack exponentially; not on many. */
function expectOracleAnsweredMostly(): void {
  expect(oracle.unanswered).toBeLessThanOrEqual(Math.max(3, oracle.answered * 0.01));
}

describe("matches what JavaScript's RegExp matches", () => {
  it(
    "full match and search agree with RegExp, with and without case folding",
    () => {
      fc.assert(
        fc.property(patternArbitrary(false), flagsArbitrary, fc.integer(), fc.array(inputArbitrary, { maxLength: 4 }), (ast, flags, seed, randomInputs) => {
          const pattern = render(ast);
          const js = "u" + jsFlags(flags);
          const inputs = inputsFor(ast, seed, jsFlags(flags), randomInputs);
          const expected = oracle.exec(
            inputs.flatMap((input) => [
              { source: wholeInputSource(pattern), flags: "y" + js, input },
              { source: pattern, flags: js, input },
            ]),
          );
          if (expected === null) return; // V8 ran out of time on this pattern
          const id = h.regex(pattern, engineFlags(flags));
          try {
            inputs.forEach((input, i) => {
              const full = expected[2 * i] !== null;
              const anywhere = expected[2 * i + 1];
              const label = `${pattern} /${js} on ${JSON.stringify(input)}`;
              expect(h.fullMatch(id, input), `full ${label}`).toBe(full);
              h.storeString(input); // the string API encodes UTF-16 itself
              expect(h.fullMatchStored(id), `full (string API) ${label}`).toBe(full);
              if (trustworthy(anywhere, input)) expect(h.search(id, input), `search ${label}`).toBe(anywhere !== null);
            });
          } finally {
            h.free(id);
          }
        }),
        { numRuns: RUNS },
      );
      expectOracleAnsweredMostly();
    },
    SLOW,
  );

  it(
    "captures agree with RegExp.exec (indices) where JS and RE2 submatch rules coincide",
    () => {
      fc.assert(
        fc.property(patternArbitrary(true), fc.boolean(), fc.integer(), fc.array(inputArbitrary, { maxLength: 3 }), (ast, caseInsensitive, seed, randomInputs) => {
          const pattern = render(ast);
          const flags = { caseInsensitive, dotAll: false, multiline: false };
          const js = "u" + jsFlags(flags);
          const inputs = inputsFor(ast, seed, jsFlags(flags), randomInputs);
          const expected = oracle.exec(
            inputs.flatMap((input) => [
              { source: pattern, flags: js, input },
              { source: wholeInputSource(pattern), flags: "y" + js, input },
            ]),
          );
          if (expected === null) return;
          const id = h.regex(pattern, engineFlags(flags));
          try {
            inputs.forEach((input, i) => {
              const anywhere = expected[2 * i];
              const whole = expected[2 * i + 1];
              const label = `${pattern} /${js} on ${JSON.stringify(input)}`;
              if (trustworthy(anywhere, input)) expect(h.captures(id, input), `captures ${label}`).toEqual(byteIndices(anywhere, input));
              if (trustworthy(whole, input)) expect(h.captures(id, input, true), `whole captures ${label}`).toEqual(byteIndices(whole, input));
            });
          } finally {
            h.free(id);
          }
        }),
        { numRuns: RUNS },
      );
      expectOracleAnsweredMostly();
    },
    SLOW,
  );
});

describe("the DFA and the Pike VM agree", () => {
  it("on whether there is a match, for any pattern of the subset", () => {
    fc.assert(
      fc.property(patternArbitrary(false), flagsArbitrary, fc.integer(), fc.array(inputArbitrary, { maxLength: 3 }), (ast, flags, seed, randomInputs) => {
        const pattern = render(ast);
        const id = h.regex(pattern, engineFlags(flags));
        try {
          for (const input of inputsFor(ast, seed, jsFlags(flags), randomInputs)) {
            expect(h.captures(id, input, true) !== null).toBe(h.fullMatch(id, input));
            expect(h.captures(id, input, false) !== null).toBe(h.search(id, input));
          }
        } finally {
          h.free(id);
        }
      }),
      { numRuns: 300 },
    );
 }, SLOW);
});

describe("never traps", () => {
  const metaHeavy = fc
    .array(
      fc.oneof(
        fc.constantFrom("(", ")", "[", "]", "{", "}", "*", "+", "?", "|", "^", "$", ".", "\\", "-", ",", ":", "<", ">", "=", "!", "P", "i", "s", "m", "U"),
        fc.constantFrom("a", "b", "0", "1", "9", "d", "w", "b", "x", "u", "p", "Q", "E", "é", "😀", "\uD800"),
      ),
      { maxLength: 24 },
    )
    .map((cs) => cs.join(""));
  const anyBytes = fc.uint8Array({ maxLength: 40 });

  it("compiles or rejects any pattern, then matches any bytes without trapping", () => {
    fc.assert(
      fc.property(metaHeavy, fc.integer({ min: 0, max: 15 }), anyBytes, (pattern, flags, input) => {
        const id = h.compile(pattern, flags);
        if (typeof id === "string") {
          expect(id).toMatch(/ at offset \d+$|^pattern too large|^too many capture groups/);
          return;
        }
        try {
          const full = h.fullMatch(id, input);
          const anywhere = h.search(id, input);
          expect(h.captures(id, input, true) !== null).toBe(full);
          expect(h.captures(id, input, false) !== null).toBe(anywhere);
          expect(typeof h.replaceAll(id, new TextDecoder().decode(input), "<$1>")).toBe("string");
        } finally {
          h.free(id);
        }
      }),
      { numRuns: 2000 },
    );
 }, SLOW);

  it("matches invalid UTF-8 with `.` and negated classes as Go does (one bad byte = one character)", () => {
    fc.assert(
      fc.property(anyBytes, (input) => {
        // Every byte string is a sequence of characters, so `.*` (with (?s)) matches all of them ...
        expect(h.fullMatch(h.regex("(?s).*"), input)).toBe(true);
        // ... and [^x] accepts every character but x, so it matches iff x is absent.
        expect(h.fullMatch(h.regex("(?s)[^x]*"), input)).toBe(!input.includes(0x78));
        // Go counts characters as TextDecoder does for valid input; for invalid input we may count fewer
        // (a truncated sequence is one character here), never more.
        const decoded = [...new TextDecoder().decode(input)].length;
        const counter = h.regex(`(?s).{0,${decoded}}`);
        expect(h.fullMatch(counter, input)).toBe(true);
      }),
      { numRuns: 500 },
    );
 }, SLOW);
});
