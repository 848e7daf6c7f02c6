// plugins/common/json-check.ts and json-valid.ts: the strict checker and the parser agree with each
// other and with JavaScript's JSON.parse on what is JSON; isJson, the checker's fast path, judges every
// input as the message-building scanner (run alone by parseJson) does; the parsed tree (kinds, values, number texts, duplicate
// keys) is what the JSON library's decoder used to build; numbers convert to the nearest f64 when
// short and within a few units in the last place otherwise. Runs the module compiled with the
// project's asc options.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestHarness } from "../../test/support/asc.ts";
import { rng, spell } from "./testing/json-spelling.ts";

interface Harness {
  memory: WebAssembly.Memory;
  inputBuffer(size: number): number;
  outputPtr(): number;
  outputLength(): number;
  check(length: number): void;
  valid(length: number): number;
  parse(length: number): number;
  f64Bits(length: number): void;
}

let h: Harness;
beforeAll(async () => {
  h = await loadTestHarness<Harness>("plugins/common/testing/json-harness.ts", "json-harness", {
    harness: {
      abort() {
        throw new Error("wasm abort in the json harness");
      },
    },
  });
});

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function put(input: string | Uint8Array): number {
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  // Allocate first: growing memory detaches the buffer a view was made on.
  const at = h.inputBuffer(bytes.length);
  new Uint8Array(h.memory.buffer, at, bytes.length).set(bytes);
  return bytes.length;
}

function output(): Uint8Array {
  return new Uint8Array(h.memory.buffer, h.outputPtr(), h.outputLength()).slice();
}

function check(input: string | Uint8Array): string {
  h.check(put(input));
  return decoder.decode(output());
}

/** The parsed tree (numbers as "i<value>|<text>" / "f<bits>|<text>"), or { error }. */
function parse(input: string | Uint8Array): unknown {
  const ok = h.parse(put(input));
  const text = decoder.decode(output());
  return ok ? JSON.parse(text) : { error: text };
}

function f64Of(text: string): number {
  h.f64Bits(put(text));
  return new Float64Array(output().buffer)[0];
}

// ---- what the old decoder built, computed independently from a generated document ----

type Doc =
  | { t: "obj"; entries: Array<[string, Doc]> }
  | { t: "arr"; items: Doc[] }
  | { t: "str"; value: string; escapes: boolean[] }
  | { t: "num"; text: string }
  | { t: "lit"; text: "true" | "false" | "null" };

const numberText = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.constant("0"), fc.stringMatching(/^[1-9][0-9]{0,24}$/)),
    fc.option(fc.stringMatching(/^[0-9]{1,24}$/), { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), fc.stringMatching(/^[0-9]{1,3}$/)), { nil: undefined }),
  )
  .map(([negative, int, frac, exp]) => (negative ? "-" : "") + int + (frac !== undefined ? "." + frac : "") + (exp ? exp.join("") : ""));

const docArbitrary: fc.Arbitrary<Doc> = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.oneof(
    { maxDepth: 4 },
    fc.record({ t: fc.constant("num" as const), text: numberText }),
    fc.string({ unit: "binary", maxLength: 12 }).chain((value) =>
      fc.record({ t: fc.constant("str" as const), value: fc.constant(value), escapes: fc.array(fc.boolean(), { minLength: value.length, maxLength: value.length }) }),
    ),
    fc.record({ t: fc.constant("lit" as const), text: fc.constantFrom("true" as const, "false" as const, "null" as const) }),
    fc.record({ t: fc.constant("arr" as const), items: fc.array(tie("doc"), { maxLength: 4 }) }),
    fc.record({ t: fc.constant("obj" as const), entries: fc.array(fc.tuple(fc.constantFrom("a", "b", "é", "", "k\n"), tie("doc")), { maxLength: 4 }) }),
  ),
})).doc;

const space = () => [" ", "", "\n", "\t", "\r\n  "][Math.floor(Math.random() * 5)];

/** JSON text for a string, some characters written as \u escapes (astral ones as surrogate pairs). */
function renderString(value: string, escapes: boolean[]): string {
  let out = "";
  let i = 0;
  for (const ch of value) {
    if (escapes[i++ % Math.max(1, escapes.length)]) {
      for (let k = 0; k < ch.length; k++) out += "\\u" + ch.charCodeAt(k).toString(16).padStart(4, "0");
    } else out += JSON.stringify(ch).slice(1, -1);
  }
  return '"' + out + '"';
}

function render(d: Doc): string {
  switch (d.t) {
    case "num":
    case "lit":
      return d.text;
    case "str":
      return renderString(d.value, d.escapes);
    case "arr":
      return "[" + space() + d.items.map(render).join(space() + "," + space()) + space() + "]";
    case "obj":
      return "{" + d.entries.map(([k, v]) => space() + JSON.stringify(k) + space() + ":" + space() + render(v)).join(",") + space() + "}";
  }
}

/** The decoder's integer: digits accumulated in an f64, then converted to i64 (saturating). */
function integerValue(text: string): string {
  let m = 0;
  for (const c of text.replace(/^-/, "")) m = m * 10 + (c.charCodeAt(0) - 48);
  let v = BigInt(m);
  if (text.startsWith("-")) v = -v;
  const max = (1n << 63n) - 1n;
  if (v > max) v = max;
  if (v < -max - 1n) v = -max - 1n;
  return v.toString();
}

function isFloatText(text: string): boolean {
  return /[.eE]/.test(text) || text === "-0";
}

/** The expected tree in the harness's dump format; floats are checked separately (they need tolerance). */
function expected(d: Doc): unknown {
  switch (d.t) {
    case "num":
      return isFloatText(d.text) ? { float: d.text } : "i" + integerValue(d.text) + "|" + d.text;
    case "lit":
      return JSON.parse(d.text);
    case "str":
      return d.value;
    case "arr":
      return d.items.map(expected);
    case "obj": {
      // Duplicate keys: the last value wins, at the place of the first occurrence.
      const out = new Map<string, unknown>();
      for (const [k, v] of d.entries) out.set(k, expected(v));
      return Object.fromEntries(out);
    }
  }
}

function bitsOf(x: number): bigint {
  return new BigInt64Array(new Float64Array([x]).buffer)[0];
}

/** Distance in units in the last place between two doubles of the same sign (0 for equal values). */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  return Number(bitsOf(a) > bitsOf(b) ? bitsOf(a) - bitsOf(b) : bitsOf(b) - bitsOf(a));
}

/** Short numbers (<= 15 significant digits, scaled by at most 10^22) must come out correctly rounded. */
function isShort(text: string): boolean {
  const [mantissa, exp = "0"] = text.replace(/^-/, "").split(/[eE]/);
  const [int, frac = ""] = mantissa.split(".");
  const digits = (int + frac).replace(/^0+/, "");
  const significant = digits.replace(/0+$/, "");
  const scale = Number(exp) - frac.length + (digits.length - significant.length);
  return significant.length <= 15 && Math.abs(scale) <= 22;
}

/** Compares the dump with the expectation; floats: kind, text, and value (exact or within 8 ulps). */
function compare(actual: unknown, want: unknown, path = "$"): void {
  if (want !== null && typeof want === "object" && "float" in want) {
    const text = (want as { float: string }).float;
    expect(typeof actual, path).toBe("string");
    const [tag, rest] = [(actual as string)[0], (actual as string).slice(1)];
    expect(tag, path).toBe("f");
    const [bits, gotText] = rest.split("|");
    expect(gotText, path).toBe(text);
    const got = new Float64Array(new BigUint64Array([BigInt("0x" + bits)]).buffer)[0];
    const want64 = Number(text);
    expect(ulps(got, want64), `${path}: ${text} -> ${got}, nearest ${want64}`).toBeLessThanOrEqual(isShort(text) ? 0 : 8);
    return;
  }
  if (Array.isArray(want)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, path).toBe(want.length);
    want.forEach((w, i) => compare((actual as unknown[])[i], w, `${path}[${i}]`));
    return;
  }
  if (want !== null && typeof want === "object") {
    expect(Object.keys(actual as object), path).toEqual(Object.keys(want));
    for (const k of Object.keys(want)) compare((actual as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(want);
}

describe("parseJson", () => {
  it("builds the tree the JSON library's decoder built, for random documents", () => {
    fc.assert(
      fc.property(docArbitrary, (doc) => {
        const text = space() + render(doc) + space();
        compare(parse(text), expected(doc));
        expect(check(text)).toBe("");
      }),
      { numRuns: 1500 },
    );
  });

  it("keeps number texts and kinds; integers as the decoder accumulated them", () => {
    expect(parse('[0, -0, 1.0, -12, 1e2, 9007199254740993, 123456789012345678901234567890, -99999999999999999999]')).toEqual([
      "i0|0",
      expect.stringMatching(/^f8000000000000000\|-0$/),
      "f3ff0000000000000|1.0",
      "i-12|-12",
      "f4059000000000000|1e2",
      "i9007199254740992|9007199254740993",
      "i9223372036854775807|123456789012345678901234567890",
      "i-9223372036854775808|-99999999999999999999",
    ]);
  });

  it("decodes escapes, invalid UTF-8 leniently, and keeps the first position of a duplicate key", () => {
    expect(parse('{"a":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00","b":1,"a":2}')).toEqual({ a: "i2|2", b: "i1|1" });
    expect(parse('{"s":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"}')).toEqual({ s: '"\\/\b\f\n\r\té😀' });
  });
});

describe("decimalToF64", () => {
  it("is correctly rounded for short numbers and close for long ones", () => {
    fc.assert(
      fc.property(numberText, (text) => {
        const got = f64Of(text);
        expect(ulps(got, Number(text)), `${text} -> ${got}`).toBeLessThanOrEqual(isShort(text) ? 0 : 8);
      }),
      { numRuns: 5000 },
    );
  });

  it("scales long mantissas right (AssemblyScript's parseFloat gave e+38 for this one)", () => {
    expect(ulps(f64Of("-3.4184873438535396e+42"), -3.4184873438535396e42)).toBeLessThanOrEqual(2);
    expect(f64Of("0.1")).toBe(0.1);
    expect(f64Of("1e400")).toBe(Infinity);
    expect(f64Of("1e-400")).toBe(0);
    expect(f64Of("4.9e-324")).toBe(5e-324);
  });
});

describe("checkJson and parseJson agree with each other and with JSON.parse", () => {
  const nearJson = fc.oneof(
    docArbitrary.map((d) => render(d)),
    fc.tuple(docArbitrary.map((d) => render(d)), fc.nat(), fc.constantFrom("", ",", "]", "}", '"', "\\", "\u0001", "-", ".", "e", "x", "\u00ff")).map(([text, at, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + (at % 3 === 0 ? 1 : 0));
    }),
    fc.string({ maxLength: 12 }),
  );

  it("on random near-JSON text", () => {
    fc.assert(
      fc.property(nearJson, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const verdict = check(text);
        expect(verdict === "", `${JSON.stringify(text)}: ${verdict}`).toBe(valid);
        const parsed = parse(text) as { error?: string };
        expect(valid ? undefined : parsed.error).toBe(valid ? undefined : verdict);
      }),
      { numRuns: 3000 },
    );
  });

  it("names the problem and its byte offset", () => {
    const cases: Array<[string, string]> = [
      ["consumers: [alice]", "unexpected character at byte 0"],
      ["", "unexpected end at byte 0"],
      ['{"a":1,}', "expected a key at byte 7"],
      ['{"a" 1}', "expected ':' at byte 5"],
      ['{"a":1 "b":2}', "expected ',' or '}' at byte 8"],
      ["[1 2]", "expected ',' or ']' at byte 4"],
      ['"a\u0001"', "control character in string at byte 2"],
      ['"\\x"', "bad escape at byte 2"],
      ['"\\u12G4"', "bad \\u escape at byte 2"],
      ['"abc', "unterminated string at byte 4"],
      ["01", "trailing characters at byte 1"],
      ["-", "bad number at byte 1"],
      ["1.", "bad fraction at byte 2"],
      ["1e+", "bad exponent at byte 3"],
      ["tru", "invalid literal at byte 3"],
      ["[".repeat(130), "nesting deeper than 128 at byte 129"],
    ];
    for (const [text, message] of cases) {
      expect(check(text), text).toBe(message);
      expect(parse(text), text).toEqual({ error: message });
    }
  });
});

describe("isJson judges as the message-building scanner does", () => {
  /** isJson's verdict, checked against the scanner's (parseJson runs it without the fast path). */
  function expectSameVerdict(bytes: Uint8Array): boolean {
    const fast = h.valid(put(bytes)) === 1;
    const scanned = h.parse(put(bytes)) === 1;
    expect(fast, `isJson on ${JSON.stringify(Buffer.from(bytes).toString("latin1"))}`).toBe(scanned);
    return scanned;
  }

  // Bytes that matter to JSON's grammar, and some that do not.
  const TOKENS = ["{", "}", "[", "]", '"', ":", ",", " ", "\n", "\t", "\r", "\\", "u", "0", "1", "9", "-", "+", ".", "e", "E",
    "a", "F", "true", "false", "null", "tru", "nul", "fals", "\\u00e9", "\\uZZ", "\\x", "\x01", "\x7f", "\xc3\xa9", "\xff", "\\/", "\\n"];
  const tokens = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => Buffer.from(t.join(""), "latin1"));

  /** A valid document in any spelling with one byte deleted, replaced or inserted (or left alone). */
  const mutated = fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 0, max: 3 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer())
    .map(([v, op, at, byte, seed]) => {
      const doc = Buffer.from(spell(v, rng(seed)));
      const i = doc.length ? at % doc.length : 0;
      if (op === 0) return Buffer.concat([doc.subarray(0, i), doc.subarray(i + 1)]);
      if (op === 1) return Buffer.concat([doc.subarray(0, i), Buffer.from([byte]), doc.subarray(i + 1)]);
      if (op === 2) return Buffer.concat([doc.subarray(0, i), Buffer.from([byte]), doc.subarray(i)]);
      return doc;
    });

  it("on golden inputs", () => {
    const valid = ["{}", "[]", ' {"a" : [1, -0, 0.5, 1e3, 2E-7, -1.5e+10, true, false, null, "x\\u00E9\\n"]} ', '"s"', "0", "-1", '""', "[[],{}]",
      "true", "false", "null", "[true,false,null]"];
    const invalid = ["", " ", "{", "}", "[1,]", '{"a":1,}', '{"a"}', "{1:2}", "01", "1.", ".5", "1e", "-", "+1", "tru", "fals", "falsy", "nul", "nulls",
      "True", '"\\x"', '"\\u12G4"', '"a', '"\x01"', "[1 2]", '{"a":1 "b":2}', "1 2", "[", "]", "{}}", "[]]", "\u00a0{}"];
    for (const doc of valid) expect(expectSameVerdict(encoder.encode(doc)), doc).toBe(true);
    for (const doc of invalid) expect(expectSameVerdict(encoder.encode(doc)), doc).toBe(false);
  });

  it("at the nesting limit (128 levels inside the top value), with and without a value innermost", () => {
    for (let depth = 125; depth <= 131; depth++) {
      for (const [open, close] of [["[", "]"], ['{"k":', "}"]]) {
        for (const inner of ["", "1", "[]", "{}"]) {
          // An object must have a member: give the innermost one a value.
          const innermost = open === "[" ? inner : inner || "0";
          // The top container and 128 inside it, the deepest of which holds nothing.
          const containers = depth + (inner === "[]" || inner === "{}" ? 1 : 0);
          const deepestEmpty = inner === "[]" || inner === "{}" || innermost === "";
          const accepted = containers <= 128 || (containers === 129 && deepestEmpty);
          const doc = open.repeat(depth) + innermost + close.repeat(depth);
          expect(expectSameVerdict(encoder.encode(doc)), `${depth} × ${open} around ${JSON.stringify(innermost)}`).toBe(accepted);
        }
      }
    }
  });

  it("on token soup and on valid documents with one byte changed", () => {
    fc.assert(fc.property(tokens, (bytes) => void expectSameVerdict(bytes)), { numRuns: 3000 });
    fc.assert(fc.property(mutated, (bytes) => void expectSameVerdict(bytes)), { numRuns: 3000 });
  });
});
