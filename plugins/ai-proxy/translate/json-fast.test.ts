// The stream translators' fast stand-ins, against what they stand in for on the same bytes:
// isJson (translate/json-valid.ts) must judge every input as checkJson (plugins/common/json-check.ts)
// does, and writeStringLiteral (translate/json-string.ts) must write every string literal as decoding it
// and writing the text with JsonWriter.string does — escapes, any Unicode, invalid UTF-8 included.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { compileTestModule } from "../../../test/support/asc.ts";
import { rng, spell, spellString } from "./testing/json-spelling.ts";

interface Harness {
  memory: WebAssembly.Memory;
  _initialize?(): void;
  inputBuffer(size: number): number;
  validity(len: number): number;
  literal(len: number): number;
  output(which: number): number;
  outputLength(which: number): number;
}

let h: Harness;

beforeAll(async () => {
  const bytes = await compileTestModule("plugins/ai-proxy/translate/testing/json-fast-harness.ts", "ai-proxy-json-fast-harness");
  const { instance } = await WebAssembly.instantiate(bytes as BufferSource, {});
  h = instance.exports as unknown as Harness;
  h._initialize?.();
}, 120_000);

function put(bytes: Buffer): number {
  new Uint8Array(h.memory.buffer, h.inputBuffer(bytes.length), bytes.length).set(bytes);
  return bytes.length;
}

/** [checkJson's verdict, isJson's verdict]. */
function judge(bytes: Buffer): [boolean, boolean] {
  const v = h.validity(put(bytes));
  return [(v & 1) === 1, (v & 2) === 2];
}

function expectSameVerdict(bytes: Buffer): boolean {
  const [check, fast] = judge(bytes);
  expect(fast, `isJson on ${JSON.stringify(bytes.toString("latin1"))}`).toBe(check);
  return check;
}

// Bytes that matter to JSON's grammar, and some that do not.
const TOKENS = ["{", "}", "[", "]", '"', ":", ",", " ", "\n", "\t", "\r", "\\", "u", "0", "1", "9", "-", "+", ".", "e", "E",
  "a", "F", "true", "false", "null", "tru", "nul", "\\u00e9", "\\uZZ", "\\x", "\x01", "\x7f", "\xc3\xa9", "\xff", "\\/", "\\n"];
const tokens = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => Buffer.from(t.join(""), "latin1"));

/** A valid document with one byte deleted, replaced or inserted. */
const mutated = fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 0, max: 3 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer())
  .map(([v, op, at, byte, seed]) => {
    const doc = Buffer.from(spell(v, rng(seed)));
    const i = doc.length ? at % doc.length : 0;
    if (op === 0) return Buffer.concat([doc.subarray(0, i), doc.subarray(i + 1)]);
    if (op === 1) return Buffer.concat([doc.subarray(0, i), Buffer.from([byte]), doc.subarray(i + 1)]);
    if (op === 2) return Buffer.concat([doc.subarray(0, i), Buffer.from([byte]), doc.subarray(i)]);
    return doc;
  });

describe("isJson judges as checkJson does", () => {
  it("on golden inputs", () => {
    const valid = ['{}', '[]', ' {"a" : [1, -0, 0.5, 1e3, 2E-7, -1.5e+10, true, false, null, "x\\u00E9\\n"]} ', '"s"', "0", "-1", '""', "[[],{}]"];
    const invalid = ["", " ", "{", "}", "[1,]", '{"a":1,}', '{"a"}', '{1:2}', "01", "1.", ".5", "1e", "-", "+1", "tru", "nulls", '"\\x"', '"\\u12G4"',
      '"a', '"\x01"', "[1 2]", '{"a":1 "b":2}', "1 2", "[", "]", "{}}", "[]]", "\u00a0{}"];
    for (const doc of valid) expect(expectSameVerdict(Buffer.from(doc)), doc).toBe(true);
    for (const doc of invalid) expect(expectSameVerdict(Buffer.from(doc)), doc).toBe(false);
  });

  it("at the nesting limit (128 levels inside the top value), with and without a value innermost", () => {
    for (let depth = 125; depth <= 131; depth++) {
      for (const [open, close] of [["[", "]"], ['{"k":', "}"]]) {
        for (const inner of ["", "1", "[]", "{}"]) {
          // An object must have a member: give the innermost one a value.
          const innermost = open === "[" ? inner : inner || "0";
          expectSameVerdict(Buffer.from(open.repeat(depth) + innermost + close.repeat(depth)));
        }
      }
    }
  });

  it("on token soup and on valid documents with one byte changed", () => {
    fc.assert(fc.property(tokens, (bytes) => void expectSameVerdict(bytes)), { numRuns: 3000 });
    fc.assert(fc.property(mutated, (bytes) => void expectSameVerdict(bytes)), { numRuns: 3000 });
  });
});

/** Both ways of writing a literal; null when the bytes are not a valid literal. */
function writeBoth(literal: Buffer): [string, string] | null {
  if (!h.literal(put(literal))) return null;
  const read = (which: number) => Buffer.from(new Uint8Array(h.memory.buffer, h.output(which), h.outputLength(which))).toString("latin1");
  return [read(0), read(1)];
}

function expectSameLiteral(literal: Buffer): void {
  const both = writeBoth(literal);
  if (both) expect(both[0], `literal ${JSON.stringify(literal.toString("latin1"))}`).toBe(both[1]);
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
