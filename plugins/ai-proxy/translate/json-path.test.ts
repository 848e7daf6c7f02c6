// The byte-level JSON reader (translate/json-path.ts), compiled with the project's options and walked
// along paths of real and random documents. Every answer is compared with JavaScript's JSON.parse and
// with the JSON library's tree (what the translators' parse path reads), including documents whose
// strings hold invalid UTF-8 and numbers spelled in every JSON way, where only the library is the judge.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestHarness } from "../../../test/support/asc.ts";
import { rng, spell } from "../../common/testing/json-spelling.ts";

interface Harness {
  memory: WebAssembly.Memory;
  inputBuffer(size: number): number;
  keyBuffer(units: number): number;
  outputBuffer(): number;
  load(len: number): number;
  member(units: number): number;
  element(index: number): number;
  position(): number;
  kindOf(): number;
  treeKindOf(): number;
  endOf(): number;
  countOf(): number;
  stringOf(): number;
  treeStringOf(): number;
  stringIs(units: number): number;
  integerOf(): bigint;
  treeIntegerOf(): bigint;
}

let h: Harness;

beforeAll(async () => {
  h = await loadTestHarness<Harness>("plugins/ai-proxy/translate/testing/json-path-harness.ts", "ai-proxy-json-path-harness");
}, 120_000);

const KIND = ["absent", "object", "array", "string", "number", "true", "false", "null"] as const;
type KindName = (typeof KIND)[number];

function load(doc: Buffer): boolean {
  // Allocate first: growing memory detaches the buffer a view was made on.
  const at = h.inputBuffer(doc.length);
  new Uint8Array(h.memory.buffer, at, doc.length).set(doc);
  return h.load(doc.length) === 1;
}

function units(key: string): number {
  const at = h.keyBuffer(key.length);
  const view = new Uint16Array(h.memory.buffer, at, key.length);
  for (let i = 0; i < key.length; i++) view[i] = key.charCodeAt(i);
  return key.length;
}

type Step = string | number;

/** Walks both readers along `path` from the top; returns the reader's offset. */
function walk(path: Step[]): number {
  for (const step of path) if (typeof step === "string") h.member(units(step));
  else h.element(step);
  return h.position();
}

function readUnits(n: number): string {
  if (n < 0) return "<not a string>";
  const at = h.outputBuffer();
  const view = new Uint16Array(h.memory.buffer, at, n);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(view[i]);
  return s;
}

const readerString = () => readUnits(h.stringOf());
const treeString = () => readUnits(h.treeStringOf());
const kind = (): KindName => KIND[h.kindOf()];
const treeKind = (): KindName => KIND[h.treeKindOf()];

function kindOfValue(v: unknown): KindName {
  if (v === undefined) return "absent";
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  return Array.isArray(v) ? "array" : "object";
}

function childOf(v: unknown, step: Step): unknown {
  if (typeof step === "number") return Array.isArray(v) ? v[step] : undefined;
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const d = Object.getOwnPropertyDescriptor(v, step);
  return d ? d.value : undefined;
}

/** Paths to every value of `v` (up to a limit), plus a few that lead nowhere. */
function pathsOf(v: unknown, prefix: Step[] = [], out: Step[][] = []): Step[][] {
  if (out.length > 40) return out;
  out.push(prefix);
  if (Array.isArray(v)) {
    v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
    out.push([...prefix, v.length]);
  } else if (v !== null && typeof v === "object") {
    for (const k of Object.keys(v)) pathsOf((v as Record<string, unknown>)[k], [...prefix, k], out);
    out.push([...prefix, "no such key"], [...prefix, 0]);
  } else out.push([...prefix, "x"]);
  return out;
}

function checkAgainstParse(doc: Buffer, value: unknown): void {
  expect(load(doc)).toBe(true);
  for (const path of pathsOf(value)) {
    load(doc);
    const at = walk(path);
    let expected: unknown = value;
    for (const step of path) expected = childOf(expected, step);
    const k = kindOfValue(expected);
    expect(kind(), `kind at ${JSON.stringify(path)} of ${doc}`).toBe(k);
    expect(treeKind()).toBe(k);
    if (k === "absent") {
      expect(at).toBe(-1);
      continue;
    }
    // The value's bytes are exactly [at, end).
    expect(JSON.parse(doc.subarray(at, h.endOf()).toString("utf8"))).toEqual(expected);
    if (k === "string") {
      expect(readerString()).toBe(expected);
      expect(treeString()).toBe(expected);
      expect(h.stringIs(units(expected as string))).toBe(1);
      expect(h.stringIs(units((expected as string) + "x"))).toBe(0);
    } else expect(h.stringOf()).toBe(-1);
    if (k === "array") expect(h.countOf()).toBe((expected as unknown[]).length);
    if (k === "number") {
      expect(h.integerOf()).toBe(h.treeIntegerOf());
      if (Number.isSafeInteger(expected)) expect(h.integerOf()).toBe(BigInt(expected as number));
    }
  }
}

describe("json-path: golden documents", () => {
  it("finds members, the last of repeated ones, and elements", () => {
    const doc = Buffer.from(' { "a" : 1 , "b":{"c":[10, "x", {"d":true}]}, "a" : [ ] } ');
    expect(load(doc)).toBe(true);
    walk(["a"]);
    expect(kind()).toBe("array");
    expect(h.countOf()).toBe(0);
    load(doc);
    walk(["b", "c", 2, "d"]);
    expect(kind()).toBe("true");
    load(doc);
    walk(["b", "c", 1]);
    expect(readerString()).toBe("x");
    load(doc);
    expect(walk(["b", "c", 3])).toBe(-1);
    load(doc);
    expect(walk(["b", "zz"])).toBe(-1);
  });

  it("compares keys after decoding their escapes", () => {
    const doc = Buffer.from('{"t\\u0065xt":"a","caf\\u00e9":"b","café":"c","\\ud83d\\ude00":"d"}');
    load(doc);
    walk(["text"]);
    expect(readerString()).toBe("a");
    load(doc);
    walk(["café"]);
    expect(readerString()).toBe("c"); // the same key twice, spelled two ways: the last counts
    load(doc);
    walk(["😀"]);
    expect(readerString()).toBe("d");
  });

  it("decodes every escape, surrogate pairs and lone surrogates", () => {
    load(Buffer.from('{"s":"a\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00e9\\uD83D\\uDE00 \\ud800 end é☕😀"}'));
    walk(["s"]);
    const expected = 'a"b\\c/d\be\ff\ng\rh\tié😀 \ud800 end é☕😀';
    expect(readerString()).toBe(expected);
    expect(treeString()).toBe(expected);
  });

  it("reads integers as the library does, whatever the spelling", () => {
    const cases: [string, bigint][] = [
      ["0", 0n], ["962", 962n], ["-7", -7n], ["-0", 0n], ["12.0", 12n], ["12.9", 12n], ["-12.9", -12n],
      ["1e3", 1000n], ["1E+3", 1000n], ["25e-1", 2n], ["123456789012345", 123456789012345n],
    ];
    for (const [text, value] of cases) {
      load(Buffer.from(`{"n":${text}}`));
      walk(["n"]);
      expect(h.integerOf(), text).toBe(value);
      expect(h.treeIntegerOf(), text).toBe(value);
    }
  });

  it("answers absent for members of non-objects and elements of non-arrays", () => {
    for (const doc of ['"s"', "1", "null", "[1]", '{"a":1}']) {
      load(Buffer.from(doc));
      expect(walk(doc.startsWith("[") ? ["a"] : [0])).toBe(-1);
      expect(kind()).toBe("absent");
    }
  });

  it("reads recorded stream events", () => {
    const chunk = Buffer.from('{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi \\"there\\"\\n"},"finish_reason":null}],"usage":{"prompt_tokens":962,"completion_tokens":3}}');
    checkAgainstParse(chunk, JSON.parse(chunk.toString()));
    const gemini = Buffer.from('{"candidates":[{"content":{"parts":[{"text":"Weighing the options.","thought":true}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":57,"totalTokenCount":57},"modelVersion":"gemini-2.5-flash","responseId":"rsp-S7"}');
    checkAgainstParse(gemini, JSON.parse(gemini.toString()));
  });
});

describe("json-path: random documents", () => {
  it("agrees with JSON.parse and the library on every path of random documents, spelled every way", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer(), (value, seed) => {
        const doc = Buffer.from(spell(value, rng(seed)), "utf8");
        checkAgainstParse(doc, JSON.parse(doc.toString("utf8")));
      }),
      { numRuns: 400 },
    );
  });

  it("agrees with JSON.parse on documents with any Unicode, lone surrogates escaped", () => {
    const text = fc.string({ unit: "binary", maxLength: 12 });
    fc.assert(
      fc.property(fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 })), { maxKeys: 5 }), fc.integer(), (value, seed) => {
        const doc = Buffer.from(spell(value, rng(seed)), "utf8");
        checkAgainstParse(doc, JSON.parse(doc.toString("utf8")));
      }),
      { numRuns: 400 },
    );
  });

  it("decodes strings holding invalid UTF-8 exactly as the library does", () => {
    // Raw bytes (no quote, backslash or control character) mixed with escapes: valid JSON syntax, not UTF-8.
    const rawByte = fc.integer({ min: 0x20, max: 0xff }).filter((b) => b !== 0x22 && b !== 0x5c);
    const piece = fc.oneof(
      fc.array(rawByte, { minLength: 1, maxLength: 6 }).map((b) => Buffer.from(b)),
      fc.constantFrom("\\n", "\\u00e9", "\\ud83d", "\\ude00", "\\/", "\\\\", "\\\"").map((s) => Buffer.from(s)),
    );
    const str = fc.array(piece, { maxLength: 8 }).map((p) => Buffer.concat([Buffer.from('"'), ...p, Buffer.from('"')]));
    fc.assert(
      fc.property(str, str, (key, value) => {
        const doc = Buffer.concat([Buffer.from('{"k":'), value, Buffer.from(","), key, Buffer.from(":"), value, Buffer.from("}")]);
        expect(load(doc)).toBe(true);
        walk(["k"]);
        expect(readerString()).toBe(treeString());
        // Look the second member up by the key the library decoded.
        load(doc);
        const decodedKey = (() => {
          load(Buffer.concat([Buffer.from("{\"k\":"), key, Buffer.from("}")]));
          walk(["k"]);
          return treeString();
        })();
        load(doc);
        walk([decodedKey]);
        expect(kind()).toBe(treeKind());
        expect(readerString()).toBe(treeString());
      }),
      { numRuns: 1000 },
    );
  });

  it("reads every JSON number spelling as the library does", () => {
    const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(""));
    const intPart = fc.oneof(fc.constant("0"), fc.tuple(fc.integer({ min: 1, max: 9 }), digits(0, 17)).map(([a, b]) => `${a}${b}`));
    const number = fc
      .tuple(fc.boolean(), intPart, fc.option(digits(1, 6)), fc.option(fc.tuple(fc.constantFrom("e", "E", "e+", "e-", "E-"), digits(1, 2))))
      .map(([neg, i, frac, exp]) => `${neg ? "-" : ""}${i}${frac !== null ? "." + frac : ""}${exp !== null ? exp[0] + exp[1] : ""}`);
    fc.assert(
      fc.property(number, (text) => {
        // Stay where an i64 can hold the truncated value (beyond it, both read the same f64, clamped or not).
        fc.pre(Math.abs(Number(text)) < 9e18);
        load(Buffer.from(`{"n":${text}}`));
        walk(["n"]);
        expect(h.integerOf(), text).toBe(h.treeIntegerOf());
      }),
      { numRuns: 3000 },
    );
  });
});
