// writeStringLiteral (translate/json-string.ts), the stream translators' fast way to copy a string
// literal, must write every literal as decoding it and writing the text with JsonWriter.string does —
// escapes, any Unicode, invalid UTF-8 included.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestHarness } from "../../../test/support/asc.ts";
import { rng, spellString } from "../../common/testing/json-spelling.ts";

interface Harness {
  memory: WebAssembly.Memory;
  inputBuffer(size: number): number;
  literal(len: number): number;
  integer(n: bigint): void;
  output(which: number): number;
  outputLength(which: number): number;
}

let h: Harness;

beforeAll(async () => {
  h = await loadTestHarness<Harness>("plugins/ai-proxy/translate/testing/json-string-harness.ts", "ai-proxy-json-string-harness");
}, 120_000);

function put(bytes: Buffer): number {
  // Allocate first: growing memory detaches the buffer a view was made on.
  const at = h.inputBuffer(bytes.length);
  new Uint8Array(h.memory.buffer, at, bytes.length).set(bytes);
  return bytes.length;
}

/** Both ways of writing a literal; null when the bytes are not a valid literal. */
function writeBoth(literal: Buffer): [string, string] | null {
  if (!h.literal(put(literal))) return null;
  const read = (which: number) => Buffer.from(new Uint8Array(h.memory.buffer, h.output(which), h.outputLength(which))).toString("latin1");
  return [read(0), read(1)];
}

function expectSameLiteral(literal: Buffer): void {
  const both = writeBoth(literal);
  // Every literal given here is meant to be valid: one refused would otherwise pass unchecked.
  expect(both, `literal ${JSON.stringify(literal.toString("latin1"))} is valid`).not.toBeNull();
  expect(both![0], `literal ${JSON.stringify(literal.toString("latin1"))}`).toBe(both![1]);
}

// Byte sequences around the edges of well-formed UTF-8 (Unicode table 3-7), valid and not.
const UTF8_EDGES = [
  [0xc2, 0x80], [0xdf, 0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0xa0, 0x80], [0xe0, 0x9f, 0x80], [0xed, 0x9f, 0xbf], [0xed, 0xa0, 0x80],
  [0xee, 0x80, 0x80], [0xef, 0xbf, 0xbf], [0xf0, 0x90, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80, 0x80, 0x80], [0xff], [0x80], [0xc3], [0xe2, 0x98], [0xf0, 0x9f, 0x98], [0xe2, 0x28, 0xa1],
].map((b) => Buffer.from(b));

describe("writeStringLiteral writes what decoding and JsonWriter.string write", () => {
  it("on every escape and the edges of UTF-8", () => {
    for (const escape of ['\\"', "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0000", "\\u001f", "\\u00e9", "\\u00E9", "\\ud83d\\ude00", "\\ud800", "\\u2028"]) {
      expectSameLiteral(Buffer.from(`"a${escape}b"`));
    }
    for (const bytes of UTF8_EDGES) {
      expectSameLiteral(Buffer.concat([Buffer.from('"x'), bytes, Buffer.from('y"')]));
      expectSameLiteral(Buffer.concat([Buffer.from('"'), bytes, Buffer.from('"')]));
    }
    expect(writeBoth(Buffer.from('"plain text"'))![0]).toBe('"plain text"');
  });

  it("on random strings in every spelling, with invalid UTF-8 mixed in", () => {
    const piece = fc.oneof(
      fc.string({ unit: "binary", maxLength: 12 }).map((s) => ({ spelled: s })),
      fc.constantFrom(...UTF8_EDGES).map((b) => ({ raw: b })),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), fc.integer(), (pieces, seed) => {
        const r = rng(seed);
        const parts = pieces.map((p) => ("raw" in p ? p.raw : Buffer.from(spellString(p.spelled, r).slice(1, -1))));
        expectSameLiteral(Buffer.concat([Buffer.from('"'), ...parts, Buffer.from('"')]));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("JsonWriter.integer spells a number as toString does", () => {
  const written = (n: bigint): [string, string] => {
    h.integer(n);
    const read = (which: number) => Buffer.from(new Uint8Array(h.memory.buffer, h.output(which), h.outputLength(which))).toString("latin1");
    return [read(0), read(1)];
  };

  it("at the edges: one digit, powers of ten, negatives, the i64 extremes", () => {
    const MAX = 2n ** 63n - 1n, MIN = -(2n ** 63n);
    for (const n of [0n, 1n, 9n, 10n, 11n, 99n, 100n, 1_000_000_007n, 10n ** 18n, MAX, -1n, -9n, -10n, -(10n ** 18n), MIN + 1n, MIN]) {
      const [fast, spelled] = written(n);
      expect(spelled).toBe(n.toString());
      expect(fast, `integer(${n})`).toBe(spelled);
    }
  });

  it("on random i64s", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
        const [fast, spelled] = written(n);
        expect(fast).toBe(spelled);
        expect(fast).toBe(n.toString());
      }),
      { numRuns: 2000 },
    );
  });
});
