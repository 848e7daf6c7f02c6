// Property-based tests: random patterns and inputs, compared with JavaScript's RegExp (`u` flag;
// full match = ^(?:p)$), in both case sensitivities; the DFA and the Pike VM cross-checked; and no
// pattern or input, however malformed, makes the module trap.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CASE_INSENSITIVE, DOT_MATCHES_NEWLINE, MULTILINE, MatchHarness } from "./test-harness/host.ts";
import { type Ast, inputArbitrary, mutations, patternArbitrary, render, sampleFor } from "./test-harness/pattern-arbitrary.ts";

let h: MatchHarness;
beforeAll(async () => {
  h = await MatchHarness.load("match-property");
});

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
function wholeInputRegExp(pattern: string, flags: string): RegExp {
  return new RegExp(`(?:${pattern})(?![\\s\\S])`, "y" + flags);
}

/** Whether a UTF-16 index falls between the two halves of a surrogate pair. */
function splitsSurrogatePair(s: string, index: number): boolean {
  const before = s.charCodeAt(index - 1);
  return index > 0 && index < s.length && before >= 0xd800 && before <= 0xdbff;
}

/** UTF-16 index in `s` -> byte offset in its UTF-8 encoding. */
function byteOffset(s: string, index: number): number {
  return encoder.encode(s.slice(0, index)).length;
}

// MATCH_PROPERTY_RUNS raises the run count for a deeper local search.
const RUNS = Number(process.env.MATCH_PROPERTY_RUNS ?? 600);

describe("matches what JavaScript's RegExp matches", () => {
  it("full match and search agree with ^(?:p)$ and p, with and without case folding", () => {
    fc.assert(
      fc.property(patternArbitrary(false), flagsArbitrary, fc.integer(), fc.array(inputArbitrary, { maxLength: 4 }), (ast, flags, seed, randomInputs) => {
        const pattern = render(ast);
        const js = jsFlags(flags);
        const whole = wholeInputRegExp(pattern, "u" + js);
        const anywhere = new RegExp(pattern, "u" + js);
        const id = h.regex(pattern, engineFlags(flags));
        try {
          for (const input of inputsFor(ast, seed, js, randomInputs)) {
            whole.lastIndex = 0;
            const full = whole.test(input);
            expect(h.fullMatch(id, input), `full ${pattern} /${js} on ${JSON.stringify(input)}`).toBe(full);
            h.storeString(input); // the string API encodes UTF-16 itself
            expect(h.fullMatchStored(id), `full (string API) ${pattern} /${js} on ${JSON.stringify(input)}`).toBe(full);
            const found = anywhere.exec(input);
            if (found && splitsSurrogatePair(input, found.index)) continue; // V8 quirk, see trustworthy() below
            expect(h.search(id, input), `search ${pattern} /${js} on ${JSON.stringify(input)}`).toBe(found !== null);
          }
        } finally {
          h.free(id);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("captures agree with RegExp.exec (indices) where JS and RE2 submatch rules coincide", () => {
    fc.assert(
      fc.property(patternArbitrary(true), fc.boolean(), fc.integer(), fc.array(inputArbitrary, { maxLength: 3 }), (ast, caseInsensitive, seed, randomInputs) => {
        const pattern = render(ast);
        const flags = { caseInsensitive, dotAll: false, multiline: false };
        const js = jsFlags(flags);
        const anywhere = new RegExp(pattern, "du" + js);
        const whole = wholeInputRegExp(pattern, "du" + js);
        const id = h.regex(pattern, engineFlags(flags));
        const expected = (re: RegExp, input: string) => {
          re.lastIndex = 0;
          const m = re.exec(input);
          if (!m) return null;
          return m.indices!.map((pair) => (pair ? ([byteOffset(input, pair[0]), byteOffset(input, pair[1])] as [number, number]) : null));
        };
        // V8 (Node 20) lets \b/\B match between the halves of a surrogate pair even with the u flag
        // (/\B/u.exec("a😀").index is 2); such answers are not a usable oracle.
        const trustworthy = (re: RegExp, input: string) => {
          re.lastIndex = 0;
          const m = re.exec(input);
          return !m || !m.indices!.some((pair) => pair && (splitsSurrogatePair(input, pair[0]) || splitsSurrogatePair(input, pair[1])));
        };
        try {
          for (const input of inputsFor(ast, seed, js, randomInputs)) {
            if (trustworthy(anywhere, input)) {
              expect(h.captures(id, input), `captures ${pattern} /${js} on ${JSON.stringify(input)}`).toEqual(expected(anywhere, input));
            }
            if (trustworthy(whole, input)) {
              expect(h.captures(id, input, true), `whole captures ${pattern} /${js} on ${JSON.stringify(input)}`).toEqual(expected(whole, input));
            }
          }
        } finally {
          h.free(id);
        }
      }),
      { numRuns: RUNS },
    );
  });
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
  });
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
  });

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
  });
});
