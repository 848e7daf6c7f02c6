import { describe, expect, it } from "vitest";
import { formatAccessLine } from "./access-log.ts";
import { UsageMeter } from "./usage.ts";

const sse = (...events: object[]) => events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n";

describe("usage metering for the access log", () => {
  it("reads model and usage from an OpenAI JSON answer delivered in pieces", () => {
    const m = new UsageMeter("application/json");
    const body = JSON.stringify({ model: "gpt-4o-mini", usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 } });
    m.push(Buffer.from(body.slice(0, 10)));
    m.push(Buffer.from(body.slice(10)));
    expect(m.end()).toEqual({ model: "gpt-4o-mini", promptTokens: 12, completionTokens: 9, totalTokens: 21 });
  });

  it("reads the usage chunk of an OpenAI stream even when events are split across chunks", () => {
    const text = sse(
      { model: "gpt-4o", choices: [{ delta: { content: "Hi" } }], usage: null },
      { model: "gpt-4o", choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } },
    );
    const m = new UsageMeter("text/event-stream; charset=utf-8");
    for (let i = 0; i < text.length; i += 7) m.push(Buffer.from(text.slice(i, i + 7)));
    expect(m.end()).toEqual({ model: "gpt-4o", promptTokens: 5, completionTokens: 2, totalTokens: 7 });
  });

  it("adds up Anthropic usage split over message_start and message_delta", () => {
    const m = new UsageMeter("text/event-stream");
    m.push(Buffer.from(sse({ type: "message_start", message: { model: "claude-x", usage: { input_tokens: 30, output_tokens: 1 } } }, { type: "message_delta", usage: { output_tokens: 15 } })));
    expect(m.end()).toEqual({ model: "claude-x", promptTokens: 30, completionTokens: 15 });
  });

  it("ignores bodies that are neither JSON nor SSE", () => {
    const m = new UsageMeter("text/plain");
    m.push(Buffer.from('{"model":"x"}'));
    expect(m.end()).toEqual({});
  });
});

describe("access-log line", () => {
  it("shows consumer, model, tokens, status and latency, without the query string", () => {
    const line = formatAccessLine({
      startMs: Date.UTC(2025, 0, 2, 3, 4, 5, 678),
      method: "GET",
      path: "/?text=Say,hello&apikey=xxxxxx",
      protocol: "HTTP/1.1",
      status: 200,
      details: "via_upstream",
      route: "ai-route",
      cluster: "openai",
      consumer: "consumer1",
      usage: { model: "gpt-4o-mini", promptTokens: 12, completionTokens: 9, totalTokens: 21 },
      latencyMs: 23.4,
      ttfbMs: 21.2,
    });
    expect(line).toBe('2025-01-02T03:04:05.678Z "GET / HTTP/1.1" 200 via_upstream route=ai-route cluster=openai consumer=consumer1 model=gpt-4o-mini prompt_tokens=12 completion_tokens=9 total_tokens=21 latency_ms=23 ttfb_ms=21');
  });

  it("writes - for what is unknown", () => {
    const line = formatAccessLine({ startMs: 0, method: "GET", path: "/", protocol: "HTTP/1.1", status: 401, details: "key-auth.missing_key", route: "", cluster: "", consumer: undefined, usage: {}, latencyMs: 1, ttfbMs: null });
    expect(line).toBe('1970-01-01T00:00:00.000Z "GET / HTTP/1.1" 401 key-auth.missing_key route=- cluster=- consumer=- model=- prompt_tokens=- completion_tokens=- total_tokens=- latency_ms=1 ttfb_ms=-');
  });
});
