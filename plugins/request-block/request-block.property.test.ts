// Property test: random request-block configurations (needles, exact paths, regular expressions from a
// generator of patterns RE2 and JavaScript read alike, rules, every option) and random requests (paths,
// headers and bodies built from the configured needles — as sent, in another case, percent-encoded,
// JSON-escaped — mixed with bytes that are not UTF-8, bodies cut into random chunks, sometimes followed
// by trailers) must never make the VM fail, and every answer (status, details code, body) must equal the
// reference model's (reference-model.ts). Configurations that block nothing must be refused with the
// model's error line.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PluginConfigError } from "../../host/index.ts";
import { blocksSomething, decide, type Answer, type ModelConfig, type ModelRequest, type ModelRule } from "./reference-model.ts";
import { patternArb, renderPair, witness, type Node } from "./regex-pairs.ts";
import { PREFIX, rawRequest, requestBlock, type RawExchange } from "./test-support.ts";

/** The type of the values an arbitrary generates. */
type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

const RUNS = Number(process.env.REQUEST_BLOCK_PROPERTY_RUNS ?? 300);

// ---- needles ----------------------------------------------------------------------------------------
// Each list draws from its own small alphabet, so that requests built from the needles hit often, and
// header needles rarely hit the pseudo-headers every request has (:method, :path, :authority, :scheme).

const URL_TOKENS = ["a", "b", "A", "B", "/", "%", "é", "1", "?", "=", "ab", "Ab"];
const HEADER_TOKENS = ["q", "z", "Q", "Z", "k", "7", "-", "é", "qz", "Kq"];
const BODY_TOKENS = ["a", "b", "A", "B", "\\", "%", "é", '"', "😀", "1", "ab", "b\\u"];

const needleArb = (tokens: string[]) =>
  fc.oneof({ weight: 30, arbitrary: fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 3 }).map((t) => t.join("")) }, { weight: 1, arbitrary: fc.constant("") });
const listArb = (tokens: string[]) => fc.option(fc.array(needleArb(tokens), { maxLength: 3 }), { nil: undefined, freq: 2 });

const partArb = fc
  .record({
    block_urls: listArb(URL_TOKENS),
    block_exact_urls: fc.option(fc.array(fc.array(fc.constantFrom(...URL_TOKENS), { maxLength: 3 }).map((t) => "/" + t.join("")), { maxLength: 2 }), { nil: undefined, freq: 3 }),
    patterns: fc.array(patternArb, { maxLength: 2 }),
    block_headers: listArb(HEADER_TOKENS),
    block_bodies: listArb(BODY_TOKENS),
    block_bodys: fc.option(fc.array(needleArb(BODY_TOKENS), { maxLength: 2 }), { nil: undefined, freq: 5 }),
    blocked_code: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
    blocked_message: fc.option(fc.constantFrom("", "blocked", "已拦截"), { nil: undefined }),
    case_sensitive: fc.option(fc.boolean(), { nil: undefined }),
    max_body_bytes: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined, freq: 2 }),
    oversize_body: fc.option(fc.constantFrom("allow" as const, "block" as const), { nil: undefined }),
  })
  .map(({ patterns, ...part }): GenPart => {
    const pairs = patterns.map((p) => renderPair(p, part.case_sensitive === false));
    const model = {
      ...part,
      ...(pairs.length ? { block_regexp_urls: pairs.map((p) => p.re2), js_regexps: pairs.map((p) => new RegExp(`^(?:${p.js})$`, "u")) } : {}),
    };
    return { model, patterns };
  });

/** One configuration (global part or rule) for the model, and the patterns' syntax trees (for witnesses). */
interface GenPart {
  model: ModelConfig;
  patterns: Node[][];
}

const configArb = fc.record({
  global: fc.option(partArb, { nil: null, freq: 6 }),
  rules: fc.array(fc.record({ routes: fc.uniqueArray(fc.constantFrom("r1", "r2"), { minLength: 1, maxLength: 2 }), part: partArb }), { maxLength: 2 }),
});
type GenConfig = ValueOf<typeof configArb>;

const rulesOf = (g: GenConfig): ModelRule[] => g.rules.map((r) => ({ _match_route_: r.routes, ...r.part.model }));
const globalOf = (g: GenConfig): ModelConfig | null => g.global?.model ?? null;
const partsOf = (g: GenConfig): GenPart[] => [...(g.global ? [g.global] : []), ...g.rules.map((r) => r.part)];

/** The JSON the plugin gets (JSON.stringify drops undefined fields; js_regexps is the model's). */
function pluginConfig(g: GenConfig): object {
  const strip = ({ js_regexps: _, ...rest }: ModelConfig) => rest;
  const rules = rulesOf(g).map((r) => strip(r));
  return g.global === null ? { _rules_: rules } : { ...strip(g.global.model), ...(rules.length ? { _rules_: rules } : {}) };
}

/** The error line the model expects, or null when the configuration must be accepted. */
function expectedRefusal(g: GenConfig): string | null {
  const nothing = "block_urls: nothing to block: give at least one of block_urls, block_exact_urls, block_regexp_urls, block_headers, block_bodies";
  if (g.global !== null && !blocksSomething(g.global.model)) return PREFIX + nothing;
  const i = g.rules.findIndex((r) => !blocksSomething(r.part.model));
  return i >= 0 ? `${PREFIX}_rules_[${i}].${nothing}` : null;
}

// ---- requests ---------------------------------------------------------------------------------------

const flipCase = (s: string, mask: number) => [...s].map((c, i) => ((mask >> i) & 1 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join("");
const percentEncode = (s: string, upper: boolean) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).map((e) => (upper ? e.toUpperCase() : e)).join("");
/** JSON \u escapes of every UTF-16 code unit (an astral character becomes a surrogate pair). */
const jsonEscape = (s: string) => Array.from({ length: s.length }, (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, "0")}`).join("");

/** How a needle is written into a request. */
type Spelling = { form: "plain" | "case" | "percent" | "json" | "broken"; at: number; mask: number; upper: boolean };
const spellingArb = fc.record({
  form: fc.constantFrom("plain", "plain", "case", "percent", "json", "broken"),
  at: fc.nat(),
  mask: fc.nat(),
  upper: fc.boolean(),
}) as fc.Arbitrary<Spelling>;

/** A needle with one character re-spelled (percent-encoded, JSON-escaped), the case flipped, or broken apart. */
function spell(needle: string, s: Spelling): Buffer {
  const chars = [...needle];
  if (chars.length === 0) return Buffer.alloc(0);
  const i = s.at % chars.length;
  const with_ = (replacement: string) => Buffer.from(chars.slice(0, i).join("") + replacement + chars.slice(i + 1).join(""));
  switch (s.form) {
    case "case":
      return Buffer.from(flipCase(needle, s.mask));
    case "percent":
      return with_(percentEncode(chars[i], s.upper));
    case "json":
      return with_(jsonEscape(chars[i]));
    case "broken":
      return with_(chars[i] + "_");
    default:
      return Buffer.from(needle);
  }
}

/** Bytes anywhere in a request, including ones that are not UTF-8 (and '%'/'\' escapes, valid or not). */
const JUNK = [[0xff], [0xc3], [0xe1, 0x80], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf0, 0x9f, 0x98], [0xef, 0xbb, 0xbf], [0x25], [0x25, 0x34], [0x5c], [0x5c, 0x75, 0x30]];
const junkArb = fc.oneof(fc.constantFrom(...JUNK).map((b) => Buffer.from(b)), fc.uint8Array({ minLength: 1, maxLength: 3 }).map((b) => Buffer.from(b)));

type Piece = { kind: "needle"; index: number; spelling: Spelling } | { kind: "token"; text: string } | { kind: "junk"; bytes: Buffer };
const piecesArb = (tokens: string[]) =>
  fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("needle" as const), index: fc.nat(), spelling: spellingArb }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("token" as const), text: fc.constantFrom(...tokens) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("junk" as const), bytes: junkArb }) },
    ),
    { maxLength: 6 },
  );

function assemble(pieces: Piece[], needles: string[]): Buffer {
  return Buffer.concat(
    pieces.map((p) => {
      if (p.kind === "token") return Buffer.from(p.text);
      if (p.kind === "junk") return p.bytes;
      return needles.length ? spell(needles[p.index % needles.length], p.spelling) : Buffer.alloc(0);
    }),
  );
}

/** Envoy refuses NUL, CR and LF in a path or header value. */
const headerSafe = (b: Buffer) => Buffer.from(b.map((x) => (x === 0 || x === 10 || x === 13 ? 0x20 : x)));

/** Where a path comes from: needles and tokens, a configured exact path, or a witness of a pattern. */
const pathSourceArb = fc.oneof(
  { weight: 3, arbitrary: fc.record({ from: fc.constant("pieces" as const), pieces: piecesArb(URL_TOKENS) }) },
  { weight: 1, arbitrary: fc.record({ from: fc.constant("exact" as const), index: fc.nat(), spelling: spellingArb }) },
  { weight: 2, arbitrary: fc.record({ from: fc.constant("witness" as const), index: fc.nat(), seed: fc.nat(), caseMask: fc.nat(), escapeAt: fc.option(fc.nat(), { nil: undefined }) }) },
);

/** A header: a fixed name, a needle as the name, or a needle split between the name and the value. */
const headerArb = fc.record({
  name: fc.oneof(fc.constantFrom("x-a", "x-q", "X-Z", "k7"), fc.record({ needle: fc.nat(), split: fc.option(fc.nat(), { nil: undefined }) })),
  value: piecesArb(HEADER_TOKENS),
});

const requestArb = fc.record({
  route: fc.constantFrom("r1", "r2", "other"),
  path: pathSourceArb,
  headers: fc.array(headerArb, { maxLength: 3 }),
  body: fc.option(piecesArb(BODY_TOKENS), { nil: undefined, freq: 3 }),
  filler: fc.nat({ max: 400 }),
  cuts: fc.array(fc.nat(), { maxLength: 4 }),
  trailers: fc.boolean(),
});
type GenRequest = ValueOf<typeof requestArb>;

/** Every needle of a list across the configuration's parts (requests are built for all of them). */
function allOf(g: GenConfig, pick: (p: ModelConfig) => (string | undefined)[] | undefined): string[] {
  return partsOf(g).flatMap((p) => (pick(p.model) ?? []).filter((x): x is string => x !== undefined));
}

/** ASCII letters whose bit in `mask` is set, in the other case. */
function flipBytes(b: Buffer, mask: number): Buffer {
  return Buffer.from(b.map((x, i) => ((mask >> i % 31) & 1 && ((x | 0x20) >= 0x61 && (x | 0x20) <= 0x7a) ? x ^ 0x20 : x)));
}

function pathOf(g: GenConfig, src: GenRequest["path"]): Buffer {
  if (src.from === "exact") {
    const exact = allOf(g, (p) => p.block_exact_urls);
    if (exact.length) return headerSafe(spell(exact[src.index % exact.length], src.spelling));
  }
  if (src.from === "witness") {
    const patterns = partsOf(g).flatMap((p) => p.patterns);
    if (patterns.length) {
      const w = flipBytes(witness(patterns[src.index % patterns.length], src.seed), src.caseMask);
      if (src.escapeAt === undefined || w.length === 0) return headerSafe(w);
      const i = src.escapeAt % w.length;
      const escaped = Buffer.from(`%${w[i].toString(16).padStart(2, "0").toUpperCase()}`);
      return headerSafe(Buffer.concat([w.subarray(0, i), escaped, w.subarray(i + 1)]));
    }
  }
  return headerSafe(Buffer.concat([Buffer.from("/"), assemble(src.from === "pieces" ? src.pieces : [], allOf(g, (p) => p.block_urls))]));
}

interface Built {
  model: ModelRequest;
  raw: { path: Buffer; headers: [Buffer, Buffer][]; chunks: Buffer[]; trailers?: [string, string][]; route: string };
}

function build(g: GenConfig, r: GenRequest): Built {
  const path = pathOf(g, r.path);
  const headerNeedles = allOf(g, (p) => p.block_headers);
  const headers = r.headers.map(({ name, value }): [Buffer, Buffer] => {
    const rest = headerSafe(assemble(value, headerNeedles));
    if (typeof name === "string" || headerNeedles.length === 0) return [Buffer.from(typeof name === "string" ? name : "x-e"), rest];
    const needle = Buffer.from(headerNeedles[name.needle % headerNeedles.length]);
    // Split: the needle's head ends the name and its tail starts the value (never a match).
    const cut = name.split === undefined ? needle.length : 1 + (name.split % Math.max(1, needle.length - 1));
    const head = needle.subarray(0, cut);
    return [Buffer.concat([Buffer.from("x-"), head]), Buffer.concat([needle.subarray(cut), rest])];
  });
  let chunks: Buffer[] = [];
  if (r.body) {
    // Filler pushes some bodies past a small max_body_bytes, needles before and after the limit.
    const content = assemble(r.body, allOf(g, (p) => [...(p.block_bodies ?? []), ...(p.block_bodys ?? [])]));
    const half = Math.floor(r.filler / 2);
    const body = Buffer.concat([Buffer.alloc(half, "."), content, Buffer.alloc(r.filler - half, ".")]);
    const cuts = [...new Set(r.cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
    chunks = [0, ...cuts].map((start, i) => body.subarray(start, i < cuts.length ? cuts[i] : body.length));
  }
  const method = chunks.length ? "POST" : "GET";
  const pseudo: [Buffer, Buffer][] = [
    [Buffer.from(":method"), Buffer.from(method)],
    [Buffer.from(":path"), path],
    [Buffer.from(":authority"), Buffer.from("example.com")],
    [Buffer.from(":scheme"), Buffer.from("http")],
  ];
  // Trailers only on requests with a body (a request of headers and trailers alone is not generated).
  const trailers = r.trailers && chunks.length > 0;
  return {
    model: { route: r.route, path, headers: [...pseudo, ...headers], chunks, trailers },
    raw: { path, headers, chunks, route: r.route, ...(trailers ? { trailers: [["x-trailer", "1"]] as [string, string][] } : {}) },
  };
}

// ---- the property -----------------------------------------------------------------------------------

// The model says null where the request passed; Envoy says the response came "via_upstream".
const answerOf = (res: RawExchange): Answer => {
  const details = res.details === "via_upstream" ? null : res.details;
  return { status: res.status, details, body: res.status === 200 && details === null ? "" : res.body.toString("utf8") };
};

const describeRequest = (b: Built) =>
  JSON.stringify({
    route: b.raw.route,
    path: b.raw.path.toString("latin1"),
    headers: b.raw.headers.map(([n, v]) => [n.toString("latin1"), v.toString("latin1")]),
    chunks: b.raw.chunks.map((c) => c.toString("latin1")),
    trailers: !!b.raw.trailers,
  });

async function check(g: GenConfig, requests: GenRequest[]): Promise<void> {
  const config = pluginConfig(g);
  const refusal = expectedRefusal(g);
  let gw;
  try {
    gw = requestBlock(config);
  } catch (e) {
    if (!(e instanceof PluginConfigError)) throw e;
    expect(e.logs.filter((r) => r.level === "error").map((r) => r.message), JSON.stringify(config)).toEqual([refusal]);
    return;
  }
  try {
    expect(refusal, `accepted ${JSON.stringify(config)}`).toBeNull();
    for (const r of requests) {
      const built = build(g, r);
      const res = await rawRequest(gw, built.raw);
      const expected = decide(globalOf(g), rulesOf(g), built.model);
      const where = `config ${JSON.stringify(config)}\nrequest ${describeRequest(built)}`;
      expect(answerOf(res), where).toEqual(expected);
      if (expected.details === null) {
        expect([res.upstream?.headers.getBytes(Buffer.from(":path")), res.upstream?.body], where).toEqual([built.raw.path, Buffer.concat(built.raw.chunks)]);
      } else if (expected.details.endsWith("_url") || expected.details.endsWith("_header")) {
        expect(res.upstream, where).toBeNull();
      } else {
        expect(res.upstream?.body.length ?? 0, where).toBe(0);
      }
    }
    for (const runtime of gw.plugins[0].runtimes) expect(runtime.vm.failed, runtime.vm.failure).toBe(false);
  } finally {
    gw.close();
  }
}

const caseArb = fc.tuple(configArb, fc.array(requestArb, { minLength: 1, maxLength: 6 }));

describe("request-block under random configurations and requests", () => {
  it("never fails the VM and answers every request as the reference model does", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, ([g, requests]) => check(g, requests)),
      { numRuns: RUNS },
    );
  }, 30_000 + RUNS * 100);

  it("exercises every outcome: refusals, passes, each kind of block, 413, decoded and chunked matches", async () => {
    // Guards the generators: were they to produce only refusals or only passes, the property above would prove little.
    const seen: Record<string, number> = {};
    const count = (k: string) => (seen[k] = (seen[k] ?? 0) + 1);
    for (const [g, requests] of fc.sample(caseArb, { numRuns: 200, seed: 7 })) {
      if (expectedRefusal(g) !== null) {
        count("refused");
        continue;
      }
      for (const r of requests) {
        const built = build(g, r);
        const answer = decide(globalOf(g), rulesOf(g), built.model);
        count(answer.details ?? "pass");
        if (answer.details === "request-block.blocked_body" && built.model.chunks.length > 1) count("body blocked across chunks");
        if (answer.details !== null && globalOf(g)?.case_sensitive === false) count("blocked case-insensitively");
        if (answer.details === "request-block.blocked_url" && built.model.path.includes("%")) count("url with escapes blocked");
        if (answer.details === "request-block.blocked_body" && built.model.trailers) count("body blocked at trailers");
        const regexHit = partsOf(g).some((p) => p.model.js_regexps?.some((re) => re.test(new TextDecoder().decode(built.model.path))));
        if (regexHit) count("regex matches");
      }
    }
    // About half of what seed 7 gives today, so that a generator change that starves one of them fails here.
    for (const [outcome, least] of Object.entries({
      refused: 4,
      pass: 130,
      "request-block.blocked_url": 100,
      "request-block.blocked_header": 35,
      "request-block.blocked_body": 30,
      "request-block.body_too_large": 5,
      "body blocked across chunks": 25,
      "blocked case-insensitively": 75,
      "url with escapes blocked": 50,
      "body blocked at trailers": 15,
      "regex matches": 90,
    })) {
      expect(seen[outcome] ?? 0, `${outcome} in ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(least);
    }
  });
});
