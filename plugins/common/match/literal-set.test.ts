// compileLiteralSet: needles read as plain text, searched for (does one occur?) and full-matched (is
// the input one?) by the lazy DFA. Golden cases, then random needles and inputs (raw bytes included)
// against byte-level includes/equals, which is what the Aho-Corasick automaton it replaced answered.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, CASE_INSENSITIVE, MatchHarness } from "./test-harness/host.ts";

let h: MatchHarness;
beforeAll(async () => {
  h = await MatchHarness.load("match-literal-set");
});

type Input = string | Uint8Array;

function build(needles: Input[], flags = 0): number {
  const id = h.literalSet(needles, flags);
  if (typeof id === "string") throw new Error(id);
  return id;
}

describe("golden cases", () => {
  it("reads every syntax character as itself", () => {
    const needles = ["a.b", "(x)", "[y]", "^$|*+?{2}\\", "\\Qz\\E"];
    const id = build(needles);
    for (const n of needles) {
      expect(h.search(id, `pre ${n} post`)).toBe(true);
      expect(h.fullMatch(id, n)).toBe(true);
    }
    expect(h.search(id, "axb x [ y ] ^$ z")).toBe(false);
    expect(h.fullMatch(id, "a.b ")).toBe(false);
  });

  it("folds ASCII letters only, and only when asked", () => {
    const sensitive = build(["Admin", "é"]);
    const folded = build(["Admin", "é"], CASE_INSENSITIVE);
    expect(h.search(sensitive, "/admin")).toBe(false);
    expect(h.search(folded, "/ADMIN/x")).toBe(true);
    expect(h.fullMatch(folded, "aDMIN")).toBe(true);
    expect(h.search(folded, "É")).toBe(false);
  });

  it("treats an empty needle as present in every input, and equal to the empty input", () => {
    const id = build(["abc", ""]);
    expect(h.search(id, "")).toBe(true);
    expect(h.search(id, "xyz")).toBe(true);
    expect(h.fullMatch(id, "")).toBe(true);
    expect(h.fullMatch(id, "x")).toBe(false);
  });

  it("encodes a lone surrogate as String.UTF8.encode does (WTF-8), a pair as one character", () => {
    const id = build([new Uint8Array([0xed, 0xa0, 0x80]), "😀"]);
    expect(h.search(id, new Uint8Array([0x41, 0xed, 0xa0, 0x80, 0x42]))).toBe(true);
    expect(h.search(id, "x😀y")).toBe(true);
    expect(h.search(id, "\ufffd")).toBe(false);
  });

  it("refuses an empty set", () => {
    expect(h.literalSet([])).toBe("no needles");
  });

  it("takes thousands of needles and matches them warm at one step per byte", () => {
    const needles = Array.from({ length: 5000 }, (_, i) => `word${(i * 7919) % 100000}-${i}`);
    const id = build(needles, CASE_INSENSITIVE);
    const text = Array.from({ length: 2000 }, (_, i) => `w${i} word${i}`).join(" ");
    expect(h.search(id, text)).toBe(false);
    expect(h.search(id, text + " WORD7919-1 ")).toBe(true);
    const before = h.steps(id);
    expect(h.search(id, text)).toBe(false);
    expect(h.steps(id) - before).toBe(Buffer.byteLength(text));
    expect(h.flushes(id)).toBe(0);
  });
});

const BYTE_FOLD = (b: Uint8Array) => b.map((c) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c));
const includes = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;

// Needles from characters that are syntax, letters in both cases and multi-byte; inputs add raw
// bytes that are not UTF-8 (a stray continuation, a truncated sequence, an invalid lead byte).
const piece = fc.constantFrom("a", "B", ".", "*", "(", "|", "\\", "é", "😀", "x");
const needleArb = fc.array(piece, { minLength: 0, maxLength: 4 }).map((p) => p.join(""));
const inputPiece = fc.oneof(
  piece.map((s) => new Uint8Array(Buffer.from(s))),
  fc.constantFrom(new Uint8Array([0x80]), new Uint8Array([0xe1, 0x80]), new Uint8Array([0xff]), new Uint8Array([0xc3])),
);
const inputArb = fc.array(inputPiece, { maxLength: 12 }).map((parts) => new Uint8Array(Buffer.concat(parts)));

describe("random needles and inputs", () => {
  it("search agrees with byte-level includes, fullMatch with equality, in both case modes", () => {
    fc.assert(
      fc.property(fc.array(needleArb, { minLength: 1, maxLength: 5 }), fc.array(inputArb, { minLength: 1, maxLength: 6 }), fc.boolean(), (needles, inputs, fold) => {
        const id = build(needles, fold ? CASE_INSENSITIVE : 0);
        const norm = (b: Uint8Array) => (fold ? BYTE_FOLD(b) : b);
        const wanted = needles.map((n) => norm(bytesOf(n)));
        for (const input of inputs) {
          const hay = norm(input);
          expect(h.search(id, input)).toBe(wanted.some((n) => includes(hay, n)));
          expect(h.fullMatch(id, input)).toBe(wanted.some((n) => Buffer.from(n).equals(Buffer.from(hay))));
        }
        h.free(id);
      }),
      { numRuns: 300 },
    );
  });
});
