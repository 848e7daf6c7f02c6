// The streaming translators read the usual events straight from their bytes (translate/json-path.ts)
// and the rest from the JSON library's tree. This runs each translator twice on the same events — as
// the plugin runs it, and reading every event from the tree — and requires the same output bytes,
// event by event, the same usage and the same end, for recorded streams and for random ones: events
// of every shape the providers send and many they do not (missing members, wrong types, repeated and
// escaped keys, odd whitespace, numbers spelled 1e3 or 12.0, any Unicode, tool calls, several choices).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestHarness } from "../../../test/support/asc.ts";
import { RawNumber, rng, spell } from "../../common/testing/json-spelling.ts";

interface Harness {
  memory: WebAssembly.Memory;
  start(kind: number): void;
  inputBuffer(size: number): number;
  feed(nameLength: number, dataLength: number): number;
  end(complete: number): void;
  output(which: number): number;
  outputLength(which: number): number;
  usageInput(which: number): bigint;
  usageOutput(which: number): bigint;
  complete(which: number): number;
  failed(which: number): number;
  takesPlain(nameLength: number, dataLength: number): number;
}

let h: Harness;
const NOW_NS = 1_767_225_001_000_000_000n;

beforeAll(async () => {
  h = await loadTestHarness<Harness>("plugins/ai-proxy/translate/testing/stream-harness.ts", "ai-proxy-stream-harness", {
    env: {
      // The translators stamp `created` with the host's clock: a fixed one here.
      proxy_get_current_time_nanoseconds(at: number) {
        new DataView(h.memory.buffer).setBigUint64(at, NOW_NS, true);
        return 0;
      },
    },
  });
}, 120_000);

const CLIENT = 0, CLAUDE = 1, GEMINI = 2;

interface Event {
  name: string;
  data: Buffer;
}

function put(ev: Event): [number, number] {
  const name = Buffer.from(ev.name);
  const at = h.inputBuffer(name.length + ev.data.length);
  new Uint8Array(h.memory.buffer, at, name.length + ev.data.length).set(Buffer.concat([name, ev.data]));
  return [name.length, ev.data.length];
}

function outputs(): [string, string] {
  const read = (which: number) => Buffer.from(new Uint8Array(h.memory.buffer, h.output(which), h.outputLength(which))).toString("latin1");
  return [read(0), read(1)];
}

/** Feeds `events` to both translators of `kind`; every output must match. Returns how many took the byte-level reading. */
function run(kind: number, events: Event[], complete = true): number {
  h.start(kind);
  let plain = 0;
  for (const ev of events) {
    const [n, d] = put(ev);
    if (h.feed(n, d) && h.takesPlain(n, d)) plain++;
    const [fast, tree] = outputs();
    expect(fast, `output for ${ev.name} ${ev.data.toString("latin1")}`).toBe(tree);
  }
  h.end(complete ? 1 : 0);
  const [fast, tree] = outputs();
  expect(fast).toBe(tree);
  expect(h.usageInput(0)).toBe(h.usageInput(1));
  expect(h.usageOutput(0)).toBe(h.usageOutput(1));
  expect(h.complete(0)).toBe(h.complete(1));
  expect(h.failed(0)).toBe(h.failed(1));
  return plain;
}

function sseEvents(text: string): Event[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim().length)
    .map((block) => {
      let name = "";
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      return { name, data: Buffer.from(data.join("\n")) };
    });
}

const fixture = (path: string) => sseEvents(readFileSync(join(import.meta.dirname, "../test/fixtures", path), "utf8"));

describe("recorded streams", () => {
  it("OpenAI chunks become the same Anthropic events, text chunks read from their bytes", () => {
    const events = fixture("azure/stream.azure.sse");
    const plain = run(CLIENT, events);
    expect(plain).toBe(events.filter((e) => e.data.toString() !== "[DONE]").length);
  });

  it("an Anthropic stream with a tool call becomes the same OpenAI chunks; only the tool_use start takes the tree", () => {
    const events = fixture("claude/stream-tools.claude.sse");
    const plain = run(CLAUDE, events);
    expect(plain).toBe(events.length - 1);
  });

  it("a Gemini stream with thoughts, text and a function call becomes the same chunks; only the call takes the tree", () => {
    const events = fixture("gemini/stream.gemini.sse");
    const plain = run(GEMINI, events);
    expect(plain).toBe(events.length - 1);
  });

  it("a stream cut short ends the same way", () => {
    run(CLIENT, fixture("azure/stream.azure.sse").slice(0, 3), false);
    run(CLAUDE, fixture("claude/stream-tools.claude.sse").slice(0, 4));
    run(GEMINI, fixture("gemini/stream.gemini.sse").slice(0, 2));
  });
});

// ---- random events: plausible shapes with every kind of surprise mixed in

const text = fc.oneof(
  { arbitrary: fc.constantFrom("", "Hello", " world", "\n\n", 'say "hi"', "a\\b", "é☕😀", "tab\there", "line\u2028sep"), weight: 3 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 10 }), weight: 2 },
);
const count = fc.oneof(
  { arbitrary: fc.nat(100_000), weight: 4 },
  { arbitrary: fc.constantFrom(-1, 0, 2 ** 40), weight: 1 },
  { arbitrary: fc.constantFrom("1e3", "12.0", "12.75", "-0", "-3", "2E2", "0.5e1").map((t) => new RawNumber(t)), weight: 1 },
);
const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 4 }), fc.constant([]), fc.constant({}), fc.constant([1, "x"]));
/** Usually `value`, sometimes absent or of the wrong type. */
const usually = <T>(value: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: value, weight: 6 }, { arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: junk, weight: 1 });
const maybe = <T>(value: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: value, weight: 1 });

const openAiUsage = fc.record({ prompt_tokens: maybe(count), completion_tokens: maybe(count), input_tokens: maybe(count), output_tokens: maybe(count), total_tokens: maybe(count) });
const toolCall = fc.record({
  index: usually(fc.nat(2)),
  id: maybe(text),
  type: fc.constant("function"),
  function: usually(fc.record({ name: maybe(text), arguments: maybe(text) })),
});
const openAiDelta = fc.record({
  role: maybe(fc.constant("assistant")),
  content: fc.oneof({ arbitrary: text, weight: 5 }, { arbitrary: fc.constant(null), weight: 1 }, { arbitrary: junk, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 }),
  tool_calls: fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: fc.array(toolCall, { maxLength: 2 }), weight: 2 }, { arbitrary: junk, weight: 1 }),
  refusal: maybe(fc.constant(null)),
});
const openAiChoice = fc.oneof(
  { arbitrary: fc.record({ index: fc.nat(1), delta: usually(openAiDelta), logprobs: fc.constant(null), finish_reason: usually(fc.oneof(fc.constant(null), fc.constantFrom("stop", "length", "tool_calls", "content_filter"))) }), weight: 8 },
  { arbitrary: junk, weight: 1 },
);
const openAiChunk = fc.record({
  id: usually(text),
  object: fc.constant("chat.completion.chunk"),
  created: fc.constant(1767225001),
  model: fc.constant("gpt-4o"),
  choices: fc.oneof({ arbitrary: fc.array(openAiChoice, { minLength: 1, maxLength: 1 }), weight: 8 }, { arbitrary: fc.array(openAiChoice, { maxLength: 3 }), weight: 2 }, { arbitrary: junk, weight: 1 }),
  usage: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.constant(null), weight: 1 }, { arbitrary: openAiUsage, weight: 2 }, { arbitrary: junk, weight: 1 }),
});
/**
 * OpenAI's in-stream error, `{"error":{…}}`, sometimes beside a choice (not a shape OpenAI sends, but a
 * chunk may be anything): it fails the stream, and both readings must agree on that.
 */
const openAiError = fc.record({
  error: usually(fc.record({ message: usually(text), type: usually(fc.constantFrom("server_error", "rate_limit_error")) })),
  choices: maybe(fc.array(openAiChoice, { minLength: 1, maxLength: 1 })),
});
const openAiEvent = fc.oneof({ arbitrary: openAiChunk, weight: 12 }, { arbitrary: openAiError, weight: 1 });

const claudeUsage = fc.record({ input_tokens: maybe(count), cache_creation_input_tokens: maybe(count), cache_read_input_tokens: maybe(count), output_tokens: maybe(count) });
const CLAUDE_TYPES = ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop", "ping", "error", "surprise"] as const;
const claudeBody = (type: (typeof CLAUDE_TYPES)[number]): fc.Arbitrary<Record<string, unknown>> => {
  switch (type) {
    case "message_start":
      return fc.record({ message: usually(fc.record({ id: usually(text), type: fc.constant("message"), role: fc.constant("assistant"), model: usually(text), content: fc.constant([]), usage: usually(claudeUsage) })) });
    case "content_block_start":
      return fc.record({ index: usually(fc.nat(2)), content_block: usually(fc.record({ type: usually(fc.constantFrom("text", "tool_use", "thinking", "redacted_thinking")), text: maybe(text), id: maybe(text), name: maybe(text), input: maybe(fc.constant({})) })) });
    case "content_block_delta":
      return fc.record({ index: usually(fc.oneof(fc.nat(2), count)), delta: usually(fc.record({ type: usually(fc.constantFrom("text_delta", "thinking_delta", "input_json_delta", "signature_delta")), text: maybe(text), thinking: maybe(text), partial_json: maybe(text) })) });
    case "message_delta":
      return fc.record({ delta: usually(fc.record({ stop_reason: usually(fc.constantFrom("end_turn", "max_tokens", "tool_use", "refusal", "model_context_window_exceeded")), stop_sequence: fc.constant(null) })), usage: usually(claudeUsage) });
    case "error":
      return fc.record({ error: usually(fc.record({ type: usually(fc.constantFrom("overloaded_error", "api_error")), message: usually(text) })) });
    default:
      return fc.record({ index: maybe(fc.nat(2)) });
  }
};
const claudeEvent = fc.constantFrom(...CLAUDE_TYPES).chain((type) =>
  fc.record({
    name: fc.oneof({ arbitrary: fc.constant(type as string), weight: 6 }, { arbitrary: fc.constantFrom("", ...CLAUDE_TYPES), weight: 1 }),
    type: fc.oneof({ arbitrary: fc.constant<unknown>(type), weight: 8 }, { arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: junk, weight: 1 }),
    body: claudeBody(type),
  }),
);

const geminiPart = fc.oneof(
  { arbitrary: fc.record({ text: usually(text), thought: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.boolean(), weight: 2 }, { arbitrary: junk, weight: 1 }) }), weight: 8 },
  { arbitrary: fc.record({ functionCall: usually(fc.record({ name: maybe(text), args: maybe(fc.constant({ city: "Lisbon", days: 2 })) })) }), weight: 1 },
  { arbitrary: junk, weight: 1 },
);
const geminiCandidate = fc.oneof(
  {
    arbitrary: fc.record({
      content: usually(fc.record({ parts: usually(fc.array(geminiPart, { maxLength: 3 })), role: fc.constant("model") })),
      finishReason: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.constantFrom("STOP", "MAX_TOKENS", "SAFETY", "OTHER"), weight: 2 }, { arbitrary: junk, weight: 1 }),
      index: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: maybe(count), weight: 1 }),
    }),
    weight: 8,
  },
  { arbitrary: junk, weight: 1 },
);
const geminiChunk = fc.record({
  candidates: fc.oneof({ arbitrary: fc.array(geminiCandidate, { minLength: 1, maxLength: 1 }), weight: 8 }, { arbitrary: fc.array(geminiCandidate, { maxLength: 3 }), weight: 2 }, { arbitrary: junk, weight: 1 }),
  usageMetadata: usually(fc.record({ promptTokenCount: maybe(count), candidatesTokenCount: maybe(count), thoughtsTokenCount: maybe(count), totalTokenCount: maybe(count) })),
  modelVersion: usually(text),
  responseId: usually(text),
  promptFeedback: fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: fc.record({ blockReason: usually(fc.constantFrom("SAFETY", "")) }), weight: 1 }),
  error: fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: fc.record({ code: fc.constant(429), message: usually(text), status: usually(fc.constantFrom("RESOURCE_EXHAUSTED")) }), weight: 1 }, { arbitrary: junk, weight: 1 }),
});

/** Data that is not a JSON object: the translators skip it (or, for [DONE], end on it). */
const oddData = fc.constantFrom("[DONE]", "not json", "[1,2]", '"s"', "", '{"a":', "{}");

function events<T>(shape: fc.Arbitrary<T>, toEvent: (value: T, r: () => number) => Event) {
  return fc.array(fc.tuple(fc.oneof({ arbitrary: shape.map((v) => ({ v })), weight: 12 }, { arbitrary: oddData.map((odd) => ({ odd })), weight: 1 }), fc.integer()), { minLength: 1, maxLength: 14 }).map((list) =>
    list.map(([item, seed]) => ("odd" in item ? { name: "", data: Buffer.from(item.odd as string) } : toEvent((item as { v: T }).v, rng(seed)))),
  );
}

describe("random streams", () => {
  it("OpenAI chunks → Anthropic events: the same bytes either way", () => {
    let plain = 0, total = 0, failed = 0;
    fc.assert(
      fc.property(events(openAiEvent, (c, r) => ({ name: "", data: Buffer.from(spell(c, r)) })), fc.boolean(), (evs, complete) => {
        plain += run(CLIENT, evs, complete);
        total += evs.length;
        if (h.failed(0)) failed++;
      }),
      { numRuns: 300 },
    );
    // Most random chunks have the usual shape: the byte-level reading must have been exercised.
    expect(plain).toBeGreaterThan(total / 3);
    // Some streams carried an error: the failure states were compared, not only two untouched flags.
    expect(failed).toBeGreaterThan(0);
  });

  it("Anthropic events → OpenAI chunks: the same bytes either way", () => {
    let plain = 0, total = 0;
    fc.assert(
      fc.property(events(claudeEvent, (e, r) => ({ name: e.name, data: Buffer.from(spell({ type: e.type, ...e.body }, r)) })), (evs) => {
        plain += run(CLAUDE, evs);
        total += evs.length;
      }),
      { numRuns: 300 },
    );
    expect(plain).toBeGreaterThan(total / 2);
  });

  it("Gemini chunks → OpenAI chunks: the same bytes either way", () => {
    let plain = 0, total = 0;
    fc.assert(
      fc.property(events(geminiChunk, (c, r) => ({ name: "", data: Buffer.from(spell(c, r)) })), (evs) => {
        plain += run(GEMINI, evs);
        total += evs.length;
      }),
      { numRuns: 300 },
    );
    expect(plain).toBeGreaterThan(total / 3);
  });
});
