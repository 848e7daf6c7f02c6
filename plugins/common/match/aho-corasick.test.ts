// Aho-Corasick multi-substring matching: golden cases, then random needles and haystacks compared
// with String.includes (ASCII case folding emulated on the JS side).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { MatchHarness } from "./test-harness/host.ts";

let h: MatchHarness;
beforeAll(async () => {
  h = await MatchHarness.load("match-aho-corasick");
});

function build(needles: Array<string | Uint8Array>, caseInsensitive = false): number {
  const id = h.ahoCorasick(needles, caseInsensitive);
  if (typeof id === "string") throw new Error(id);
  return id;
}

describe("golden cases", () => {
  it("reports the needle whose occurrence ends first, the longest of those", () => {
    const id = build(["he", "she", "his", "hers"]);
    expect(h.acFindFirst(id, "ushers")).toBe(1);
    expect(h.acFindAll(id, "ushers")).toEqual([1, 0, 3]);
    expect(h.acFindFirst(id, "this")).toBe(2);
    expect(h.acFindFirst(id, "nothing here?")).toBe(0);
    expect(h.acFindFirst(id, "xyz")).toBe(-1);
    expect(h.acFindAll(id, "xyz")).toEqual([]);
  });

  it("folds ASCII case only when asked", () => {
    const sensitive = build(["Admin", "/API/"]);
    const folded = build(["Admin", "/API/"], true);
    expect(h.acFindFirst(sensitive, "/admin")).toBe(-1);
    expect(h.acFindFirst(folded, "/ADMIN")).toBe(0);
    expect(h.acFindFirst(folded, "/v1/api/x")).toBe(1);
    expect(h.acFindFirst(build(["é"], true), "É")).toBe(-1);
  });

  it("treats an empty needle as present in every input", () => {
    const id = build(["abc", ""]);
    expect(h.acFindFirst(id, "")).toBe(1);
    expect(h.acFindAll(id, "xabc")).toEqual([1, 0]);
  });

  it("reports identical needles separately", () => {
    const id = build(["ab", "ab", "b"]);
    expect(h.acFindAll(id, "ab")).toEqual([0, 1, 2]);
    expect(h.acFindFirst(id, "ab")).toBe(0);
  });

  it("matches UTF-8 needles and raw bytes", () => {
    expect(h.acFindFirst(build(["é", "😀"]), "caf😀é")).toBe(1);
    expect(h.acFindFirst(build([new Uint8Array([0xff, 0x00])]), new Uint8Array([1, 0xff, 0x00, 2]))).toBe(0);
  });

  it("finds nothing with no needles", () => {
    expect(h.acFindFirst(build([]), "anything")).toBe(-1);
  });

  it("uses every byte value as a class when needles cover all 256", () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const id = build([all, new Uint8Array([7, 7])]);
    expect(h.acFindFirst(id, new Uint8Array([1, 7, 7]))).toBe(1);
    expect(h.acFindFirst(id, all)).toBe(0);
  });

  it("rejects needle sets whose table would be too large", () => {
    const needles = Array.from({ length: 200 }, (_, i) => String.fromCharCode(33 + (i % 90)).repeat(1) + "x".repeat(200) + i);
    const result = h.ahoCorasick(needles);
    expect(result).toBe("needles too large: the automaton would exceed 4194304 bytes");
  });

  it("works through the string API", () => {
    const id = build(["secret", "password"], true);
    h.storeString("/login?PassWord=1");
    expect(h.acFindFirstStored(id)).toBe(1);
  });
});

const ASCII_FOLD = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const alphabet = ["a", "b", "A", "B", "x", "/", "é", "😀"];
const word = (max: number) => fc.array(fc.constantFrom(...alphabet), { maxLength: max }).map((cs) => cs.join(""));

describe("agrees with String.includes", () => {
  it("on which needles occur and which occurrence ends first", () => {
    fc.assert(
      fc.property(fc.array(word(4), { maxLength: 8 }), word(30), fc.boolean(), (needles, haystack, caseInsensitive) => {
        const fold = caseInsensitive ? ASCII_FOLD : (s: string) => s;
        const id = build(needles, caseInsensitive);
        try {
          const hay = fold(haystack);
          const present = needles.map((n, i) => (hay.includes(fold(n)) ? i : -1)).filter((i) => i >= 0);
          expect(h.acFindAll(id, haystack).sort((a, b) => a - b)).toEqual(present);
          // Expected first report: earliest end (in code units), then longest, then lowest index.
          let best = -1;
          let bestEnd = Infinity;
          needles.forEach((n, i) => {
            const at = hay.indexOf(fold(n));
            if (at < 0) return;
            const end = at + n.length;
            const better = end < bestEnd || (end === bestEnd && n.length > needles[best].length);
            if (better) {
              best = i;
              bestEnd = end;
            }
          });
          expect(h.acFindFirst(id, haystack)).toBe(best);
        } finally {
          h.acFree(id);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
