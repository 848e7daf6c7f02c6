// Provider streams cut anywhere: for every byte offset (two chunks) and for random 3–5-way cuts, what the
// client receives and the usage the plugin records (filter state ai_input_tokens / ai_output_tokens and the
// gen_ai.client.token.usage counters) must equal the run where the stream arrives in one piece — on every
// path a stream takes: OpenAI provider to OpenAI clients (bytes pass through), OpenAI provider to Anthropic
// clients (translated), claude provider to OpenAI clients (translated) and to Anthropic clients (native).
// The streams (support/streams.ts) carry comments, a two-line data event, multi-byte UTF-8 and LF or CRLF.
// Below, the parser itself (sse.ts, compiled alone) against a reference parser written from the spec.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestHarness } from "../../../test/support/asc.ts";
import { ManualClock } from "../../../host/index.ts";
import { TestGateway } from "../../../host/testing/index.ts";
import { tokenUsage } from "./support/gen-ai-metrics.ts";
import { parseSseReference, type RefEvent } from "./support/sse-reference.ts";
import {
  CLAUDE_TEXT, CLAUDE_USAGE, claudeStream, cutAt, OPENAI_TEXT, OPENAI_USAGE, openAiStream, type LineEnd,
} from "./support/streams.ts";

const SSE = { "content-type": "text/event-stream" };

interface StreamPath {
  name: string;
  provider: Record<string, unknown>;
  path: string;
  body: string;
  stream: (eol: LineEnd) => string;
  usage: { input: number; output: number };
  text: string;
  /** The text a client of this protocol reads from the response. */
  read: (events: RefEvent[]) => string;
  /** The client gets the provider's bytes unchanged. */
  passThrough: boolean;
}

const json = (e: RefEvent) => {
  try {
    return JSON.parse(e.data.toString("utf8"));
  } catch {
    return null;
  }
};
const openAiText = (events: RefEvent[]) => events.map((e) => json(e)?.choices?.[0]?.delta?.content ?? "").join("");
const anthropicText = (events: RefEvent[]) =>
  events.filter((e) => e.event === "content_block_delta").map((e) => json(e).delta.text ?? "").join("");

const chatBody = JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "Olá" }] });
const messagesBody = JSON.stringify({ model: "m", stream: true, max_tokens: 64, messages: [{ role: "user", content: "Olá" }] });

/** The two providers a stream comes from and the two client protocols it goes to; every pairing is a path. */
const PROVIDERS = [
  { name: "OpenAI provider", speaks: "openai", provider: { type: "openai", apiTokens: ["sk-1"] }, stream: openAiStream, usage: OPENAI_USAGE, text: OPENAI_TEXT },
  { name: "claude provider", speaks: "anthropic", provider: { type: "claude", apiTokens: ["sk-ant-1"] }, stream: claudeStream, usage: CLAUDE_USAGE, text: CLAUDE_TEXT },
];
const CLIENTS = [
  { name: "OpenAI client", speaks: "openai", path: "/v1/chat/completions", body: chatBody, read: openAiText },
  { name: "Anthropic client (/v1/messages)", speaks: "anthropic", path: "/v1/messages", body: messagesBody, read: anthropicText },
];
const PATHS: StreamPath[] = PROVIDERS.flatMap(({ name: from, speaks, ...provider }) =>
  CLIENTS.map(({ name: to, speaks: clientSpeaks, ...client }) => {
    const passThrough = speaks === clientSpeaks;
    return { name: `${from} → ${to}, ${passThrough ? "native" : "translated"}`, ...provider, ...client, passThrough };
  }));

interface Outcome {
  status: number;
  body: Buffer;
  input: string;
  output: string;
}

function gatewayFor(p: StreamPath): TestGateway {
  // A fixed clock: translated chunks carry `created`, which must not differ between runs.
  return new TestGateway({ clock: new ManualClock(), plugins: [{ name: "ai-proxy", config: { provider: p.provider } }] });
}

async function run(gw: TestGateway, p: StreamPath, chunks: Buffer[]): Promise<Outcome> {
  const res = await gw.request({ method: "POST", path: p.path, body: p.body, upstream: { headers: SSE, chunks } });
  const fs = res.info.filterState;
  return { status: res.status, body: res.body, input: fs.get("ai_input_tokens")?.toString() ?? "", output: fs.get("ai_output_tokens")?.toString() ?? "" };
}

/** Offsets for a random k-way cut of n bytes: k-1 distinct sorted positions in 1..n-1. */
const cuts = (n: number) =>
  fc.integer({ min: 2, max: 4 }).chain((k) => fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { minLength: k, maxLength: k }))
    .map((a) => [...a].sort((x, y) => x - y));

describe.each(PATHS)("$name: a stream cut anywhere", (p) => {
  describe.each([["LF", "\n"], ["CRLF", "\r\n"]] as [string, LineEnd][])("with %s line ends", (_name, eol) => {
    const bytes = Buffer.from(p.stream(eol));
    let whole: Outcome;

    beforeAll(async () => {
      const gw = gatewayFor(p);
      whole = await run(gw, p, [bytes]);
      gw.close();
    });

    it("arrives in one piece as the client's complete answer with the provider's usage", () => {
      expect(whole.status).toBe(200);
      const parsed = parseSseReference(whole.body);
      expect(parsed.pending.length).toBe(0);
      expect(p.read(parsed.events)).toBe(p.text);
      if (p.passThrough) expect(whole.body.equals(bytes)).toBe(true);
      expect([whole.input, whole.output]).toEqual([String(p.usage.input), String(p.usage.output)]);
    });

    it(`gives the same bytes and usage for every two-chunk cut (${bytes.length - 1} offsets)`, async () => {
      const gw = gatewayFor(p);
      const differ: number[] = [];
      for (let at = 1; at < bytes.length; at++) {
        const got = await run(gw, p, cutAt(bytes, [at]));
        if (!got.body.equals(whole.body) || got.input !== whole.input || got.output !== whole.output || got.status !== 200) differ.push(at);
      }
      expect(differ).toEqual([]);
      const runs = bytes.length - 1;
      expect(tokenUsage(gw.metrics, "input")).toBe(runs * p.usage.input);
      expect(tokenUsage(gw.metrics, "output")).toBe(runs * p.usage.output);
      gw.close();
    });

    it("gives the same bytes and usage for random 3–5-chunk cuts", async () => {
      const gw = gatewayFor(p);
      await fc.assert(
        fc.asyncProperty(cuts(bytes.length), async (offsets) => {
          const got = await run(gw, p, cutAt(bytes, offsets));
          expect(got.body.toString("utf8")).toBe(whole.body.toString("utf8"));
          expect(got.body.equals(whole.body)).toBe(true);
          expect([got.input, got.output]).toEqual([whole.input, whole.output]);
        }),
        { numRuns: 150 },
      );
      gw.close();
    });
  });
});

// ---- the parser alone

interface Harness {
  memory: WebAssembly.Memory;
  scratch(size: number): number;
  reset(): void;
  feed(len: number): number;
  output(): number;
  outputLength(): number;
  pendingBytes(): number;
}

let h: Harness;

/** Feeds `chunks` to a fresh SseParser; returns every completed event and the bytes it still holds. */
function parseInChunks(chunks: Buffer[]): { events: RefEvent[]; pending: number } {
  h.reset();
  const events: RefEvent[] = [];
  for (const chunk of chunks) {
    const ptr = h.scratch(Math.max(1, chunk.length));
    new Uint8Array(h.memory.buffer, ptr, chunk.length).set(chunk);
    const n = h.feed(chunk.length);
    const out = Buffer.from(new Uint8Array(h.memory.buffer, h.output(), h.outputLength()));
    let at = 0;
    const next = () => {
      const len = out.readUInt32LE(at);
      const b = Buffer.from(out.subarray(at + 4, at + 4 + len));
      at += 4 + len;
      return b;
    };
    for (let i = 0; i < n; i++) events.push({ event: next().toString("utf8"), data: next(), raw: next() });
  }
  return { events, pending: h.pendingBytes() };
}

const asComparable = (events: RefEvent[]) => events.map((e) => ({ event: e.event, data: e.data.toString("hex"), raw: e.raw.toString("hex") }));

// Pieces SSE is made of, so random streams are mostly meaningful (valid UTF-8 throughout).
const PIECES = ["data", "event", ":", ": ", " ", "\n", "\r", "\r\n", "\n\n", "x", "{\"a\":1}", "[DONE]", "é", "☕", "id", "data:", "event: ping"];
const sseText = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => Buffer.from(parts.join("")));
const cutsOf = (b: Buffer) => (b.length < 2 ? fc.constant([] as number[]) : fc.uniqueArray(fc.integer({ min: 1, max: b.length - 1 }), { maxLength: 6 }).map((a) => [...a].sort((x, y) => x - y)));

describe("SseParser (sse.ts) against the reference parser", () => {
  beforeAll(async () => {
    h = await loadTestHarness<Harness>("plugins/ai-proxy/test/support/sse-harness.ts", "ai-proxy-sse-harness");
  }, 120_000);

  it("reads the recorded-style streams as the reference does, in one piece", () => {
    for (const text of [openAiStream("\n"), openAiStream("\r\n"), claudeStream("\n"), claudeStream("\r\n")]) {
      const bytes = Buffer.from(text);
      const ref = parseSseReference(bytes);
      const got = parseInChunks([bytes]);
      expect(asComparable(got.events)).toEqual(asComparable(ref.events));
      expect(got.pending).toBe(0);
      expect(ref.events.length).toBeGreaterThanOrEqual(10);
    }
  });

  it("joins a two-line data event with \\n and keeps the event name of Anthropic events", () => {
    const got = parseInChunks([Buffer.from("event: content_block_delta\r\ndata: {\"a\":\r\ndata:  1}\r\n\r\n")]);
    expect(got.events).toHaveLength(1);
    expect(got.events[0].event).toBe("content_block_delta");
    expect(got.events[0].data.toString()).toBe('{"a":\n 1}');
  });

  it("waits for the byte after a CR that ends a chunk (it may be the LF of a CRLF)", () => {
    const got = parseInChunks([Buffer.from("data: a\r\n\r"), Buffer.from("\ndata: b\n\n")]);
    expect(got.events.map((e) => e.data.toString())).toEqual(["a", "b"]);
    expect(got.events[0].raw.toString()).toBe("data: a\r\n\r\n");
  });

  it("gives the reference's events for random streams, however they are cut", () => {
    fc.assert(
      fc.property(sseText.chain((b) => fc.tuple(fc.constant(b), cutsOf(b))), ([bytes, offsets]) => {
        const ref = parseSseReference(bytes);
        const got = parseInChunks(cutAt(bytes, offsets));
        expect(asComparable(got.events)).toEqual(asComparable(ref.events));
        expect(got.pending).toBe(ref.pending.length);
      }),
      { numRuns: 2000 },
    );
  });

  it("never traps on arbitrary bytes and drops nothing but blank lines between events", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }).chain((a) => fc.tuple(fc.constant(Buffer.from(a)), cutsOf(Buffer.from(a)))), ([bytes, offsets]) => {
        const got = parseInChunks(cutAt(bytes, offsets));
        // Walk the input: each event's raw bytes follow the previous one, after (only) stray CR/LF bytes;
        // what the parser holds back is exactly the rest.
        let at = 0;
        const skipLineEnds = () => {
          while (at < bytes.length - got.pending && (bytes[at] === 0x0a || bytes[at] === 0x0d)) at++;
        };
        for (const e of got.events) {
          skipLineEnds();
          expect(bytes.subarray(at, at + e.raw.length).equals(e.raw)).toBe(true);
          at += e.raw.length;
        }
        skipLineEnds();
        expect(bytes.length - at).toBe(got.pending);
        const ref = parseSseReference(bytes);
        expect(got.events.map((e) => e.data.toString("hex"))).toEqual(ref.events.map((e) => e.data.toString("hex")));
      }),
      { numRuns: 1000 },
    );
  });
});
