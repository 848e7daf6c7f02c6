// Usage observability: ai-proxy's OpenTelemetry GenAI metrics as Prometheus shows them with the stats_tags
// of envoy/envoy.yaml — labelled per operation, provider (gen_ai.system), requested model, consumer and
// token type; errors by type; operation duration and time to first token recorded against a manual clock
// — and the filter-state properties Envoy access logs read. One gateway, two providers (OpenAI by
// default, Anthropic on the route claude-route), three consumers.
import { beforeAll, describe, expect, it } from "vitest";
import OpenAI from "openai";
import { ManualClock, type TagRule } from "../../../host/index.ts";
import { TestGateway } from "../../../host/testing/index.ts";
import { MockProvider } from "../../../gateway/mock/provider.ts";
import { samples } from "./support/gen-ai-metrics.ts";
import { shippedStatsTags, startLiveGateway } from "./support/live-gateway.ts";
import { timedExchange, type TimedExchange } from "./support/timed-exchange.ts";

const JSON_TYPE = { "content-type": "application/json" };
const SSE = { "content-type": "text/event-stream" };
const TAGS: TagRule[] = shippedStatsTags().map((t) => ({ name: t.tag_name, regex: t.regex }));

const CONFIG = {
  providers: [
    { id: "openai-main", type: "openai", apiTokens: ["sk-1"], modelMapping: { "gpt-4o-mini": "gpt-4o-mini-2024-07-18" } },
    { id: "claude-main", type: "claude", apiTokens: ["sk-ant-1"] },
  ],
  activeProviderId: "openai-main",
  _rules_: [{ _match_route_: ["claude-route"], activeProviderId: "claude-main" }],
};

const chat = (model: string, extra: object = {}) => JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...extra });
const completion = (prompt: number, output: number) =>
  JSON.stringify({ id: "c", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }], usage: { prompt_tokens: prompt, completion_tokens: output, total_tokens: prompt + output } });
const sse = (events: object[]) => [...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), "data: [DONE]\n\n"];
const delta = (content: string) => ({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content }, finish_reason: null }] });

const clock = new ManualClock();
const gw = new TestGateway({ clock, plugins: [{ name: "ai-proxy", config: CONFIG }] });
const results: Record<string, TimedExchange> = {};

beforeAll(async () => {
  // alice: a plain answer after 80 ms, and a stream whose first byte comes after 120 ms, then 3 chunks 100 ms apart.
  results.alicePlain = await timedExchange(gw, clock, {
    path: "/v1/chat/completions", headers: { "x-mse-consumer": "alice" }, body: chat("gpt-4o-mini"),
    upstream: { headers: JSON_TYPE, chunks: [completion(10, 5)] }, firstByteMs: 80,
  });
  results.aliceStream = await timedExchange(gw, clock, {
    path: "/v1/chat/completions", headers: { "x-mse-consumer": "alice" }, body: chat("gpt-4o-mini", { stream: true }),
    upstream: { headers: SSE, chunks: sse([delta("a"), delta("b"), { id: "c", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } }]) },
    firstByteMs: 120, gapMs: 100,
  });
  // bob: another model, the Anthropic provider on its route, and a rate-limited call.
  results.bobPlain = await timedExchange(gw, clock, {
    path: "/v1/chat/completions", headers: { "x-mse-consumer": "bob" }, body: chat("gpt-4o"),
    upstream: { headers: JSON_TYPE, chunks: [completion(20, 9)] }, firstByteMs: 300,
  });
  results.bobClaude = await timedExchange(gw, clock, {
    path: "/v1/chat/completions", route: "claude-route", headers: { "x-mse-consumer": "bob" }, body: chat("claude-haiku-4-5"),
    upstream: {
      headers: JSON_TYPE,
      chunks: [JSON.stringify({ id: "msg_1", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [{ type: "text", text: "ok" }], stop_reason: "end_turn", usage: { input_tokens: 30, output_tokens: 11 } })],
    },
    firstByteMs: 40,
  });
  results.bobLimited = await timedExchange(gw, clock, {
    path: "/v1/chat/completions", headers: { "x-mse-consumer": "bob" }, body: chat("gpt-4o"),
    upstream: { status: 429, headers: JSON_TYPE, chunks: [JSON.stringify({ error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" } })] }, firstByteMs: 5,
  });
  // carol: a request the plugin refuses before any provider is asked.
  results.carolNoModel = await timedExchange(gw, clock, {
    path: "/v1/chat/completions", headers: { "x-mse-consumer": "carol" }, body: JSON.stringify({ messages: [] }),
    upstream: { headers: JSON_TYPE, chunks: ["{}"] }, firstByteMs: 0,
  });
});

const labels = (model: string, consumer: string, system = "openai", extra = "") =>
  `gen_ai_operation_name="chat",gen_ai_system="${system}",gen_ai_request_model="${model}",consumer="${consumer}"${extra}`;

describe("Prometheus text with envoy/envoy.yaml's stats_tags", () => {
  const text = () => gw.metrics.prometheus(TAGS);
  const lines = () => text().split("\n");

  it("counts tokens per consumer, requested model, provider and token type", () => {
    expect(lines()).toEqual(expect.arrayContaining([
      `gen_ai_client_token_usage{${labels("gpt-4o-mini", "alice", "openai", ',gen_ai_token_type="input"')}} 22`,
      `gen_ai_client_token_usage{${labels("gpt-4o-mini", "alice", "openai", ',gen_ai_token_type="output"')}} 12`,
      `gen_ai_client_token_usage{${labels("gpt-4o", "bob", "openai", ',gen_ai_token_type="input"')}} 20`,
      `gen_ai_client_token_usage{${labels("gpt-4o", "bob", "openai", ',gen_ai_token_type="output"')}} 9`,
      `gen_ai_client_token_usage{${labels("claude-haiku-4-5", "bob", "anthropic", ',gen_ai_token_type="input"')}} 30`,
      `gen_ai_client_token_usage{${labels("claude-haiku-4-5", "bob", "anthropic", ',gen_ai_token_type="output"')}} 11`,
    ]));
    expect(text()).toContain("# TYPE gen_ai_client_token_usage counter");
    // The request's model, not the mapped one the provider saw (that one is in the access-log properties).
    expect(text()).not.toContain("gpt-4o-mini-2024-07-18");
  });

  it("counts requests and errors, each error by its type; a refused request has model none", () => {
    expect(lines()).toEqual(expect.arrayContaining([
      `gen_ai_client_requests{${labels("gpt-4o-mini", "alice")}} 2`,
      `gen_ai_client_requests{${labels("gpt-4o", "bob")}} 2`,
      `gen_ai_client_requests{${labels("claude-haiku-4-5", "bob", "anthropic")}} 1`,
      `gen_ai_client_requests{${labels("none", "carol")}} 1`,
      `gen_ai_client_errors{${labels("gpt-4o", "bob", "openai", ',error_type="429"')}} 1`,
      `gen_ai_client_errors{${labels("none", "carol", "openai", ',error_type="missing_model"')}} 1`,
    ]));
    expect(lines().filter((l) => l.startsWith("gen_ai_client_errors{"))).toHaveLength(2);
  });

  it("records operation duration (ms) per series: 80 ms plain, 420 ms for the stream", () => {
    expect(lines()).toEqual(expect.arrayContaining([
      "# TYPE gen_ai_client_operation_duration histogram",
      `gen_ai_client_operation_duration_bucket{${labels("gpt-4o-mini", "alice")},le="100"} 1`,
      `gen_ai_client_operation_duration_bucket{${labels("gpt-4o-mini", "alice")},le="500"} 2`,
      `gen_ai_client_operation_duration_sum{${labels("gpt-4o-mini", "alice")}} 500`,
      `gen_ai_client_operation_duration_count{${labels("gpt-4o-mini", "alice")}} 2`,
      `gen_ai_client_operation_duration_sum{${labels("claude-haiku-4-5", "bob", "anthropic")}} 40`,
    ]));
  });

  it("records time to first token for streams only, from the request to the provider's first byte", () => {
    expect(lines()).toEqual(expect.arrayContaining([
      "# TYPE gen_ai_server_time_to_first_token histogram",
      `gen_ai_server_time_to_first_token_bucket{${labels("gpt-4o-mini", "alice")},le="100"} 0`,
      `gen_ai_server_time_to_first_token_bucket{${labels("gpt-4o-mini", "alice")},le="250"} 1`,
      `gen_ai_server_time_to_first_token_sum{${labels("gpt-4o-mini", "alice")}} 120`,
      `gen_ai_server_time_to_first_token_count{${labels("gpt-4o-mini", "alice")}} 1`,
    ]));
    expect(samples(gw.metrics, "gen_ai.server.time_to_first_token")).toEqual([120]);
  });

  it("keeps ';' and '=' in client-chosen model names from forging labels", async () => {
    const res = await timedExchange(gw, clock, {
      path: "/v1/chat/completions", headers: { "x-mse-consumer": "mallory;consumer=alice" }, body: chat("m;consumer=alice"),
      upstream: { headers: JSON_TYPE, chunks: [completion(1, 1)] }, firstByteMs: 1,
    });
    expect(res.status).toBe(200);
    expect(lines()).toContain(`gen_ai_client_requests{${labels("m_consumer_alice", "mallory_consumer_alice")}} 1`);
  });
});

describe("access-log properties (filter state wasm.<name>)", () => {
  const state = (r: TimedExchange) => Object.fromEntries([...r.info.filterState].filter(([k]) => k.startsWith("ai_")).map(([k, v]) => [k, v.toString()]));

  it("names consumer, provider, requested and upstream model, tokens and time to first token of a stream", () => {
    expect(state(results.aliceStream)).toEqual({
      ai_consumer: "alice", ai_provider: "openai", ai_model: "gpt-4o-mini", ai_upstream_model: "gpt-4o-mini-2024-07-18",
      ai_input_tokens: "12", ai_output_tokens: "7", ai_ttft_ms: "120",
    });
  });

  it("leaves time to first token empty for a plain answer; an Anthropic provider shows as anthropic", () => {
    expect(state(results.bobClaude)).toEqual({
      ai_consumer: "bob", ai_provider: "anthropic", ai_model: "claude-haiku-4-5", ai_upstream_model: "claude-haiku-4-5",
      ai_input_tokens: "30", ai_output_tokens: "11", ai_ttft_ms: "",
    });
  });

  it("leaves model and tokens empty for a refused request", () => {
    expect(state(results.carolNoModel)).toEqual({
      ai_consumer: "carol", ai_provider: "openai", ai_model: "", ai_upstream_model: "", ai_input_tokens: "", ai_output_tokens: "", ai_ttft_ms: "",
    });
  });
});

describe("bounded series", () => {
  it("stops adding series after 2000 names per VM, however many models clients invent", async () => {
    const g = new TestGateway({ plugins: [{ name: "ai-proxy", config: { provider: { type: "openai", apiTokens: ["k"] } } }] });
    for (let i = 0; i < 800; i++) {
      const res = await g.request({ method: "POST", path: "/v1/chat/completions", body: chat(`model-${i}`), upstream: { headers: JSON_TYPE, body: completion(1, 1) } });
      expect(res.status).toBe(200);
    }
    // 4 series per model (requests, duration, input and output tokens): 3200 wanted, capped at 2000.
    expect(g.metrics.names().filter((n) => n.startsWith("wasmcustom.gen_ai.")).length).toBe(2000);
    expect(g.plugins[0].runtimes[0].vm.failed).toBe(false);
    g.close();
  });
});

describe("the gateway's admin endpoint", () => {
  it("serves the same labelled token counts over HTTP after a call through the official client", async () => {
    const mock = await MockProvider.start();
    const live = await startLiveGateway({ config: { provider: { type: "openai", apiTokens: ["k"] } }, clusters: { mock: mock.port }, routes: [{ name: "r", cluster: "mock" }] });
    try {
      const client = new OpenAI({ apiKey: "k", baseURL: `${live.url}/v1`, maxRetries: 0, defaultHeaders: { "x-mse-consumer": "dave" } });
      const done = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
      const text = await live.prometheus();
      expect(text).toContain(`gen_ai_client_token_usage{${labels("gpt-4o-mini", "dave", "openai", ',gen_ai_token_type="input"')}} ${done.usage!.prompt_tokens}`);
      expect(text).toContain(`gen_ai_client_token_usage{${labels("gpt-4o-mini", "dave", "openai", ',gen_ai_token_type="output"')}} ${done.usage!.completion_tokens}`);
    } finally {
      await live.close();
      await mock.close();
    }
  });
});
