// ai-proxy with OpenAI-compatible providers: credentials, model mapping, paths, usage from bodies and
// streams, broken streams, metrics and access-log properties.
import { describe, expect, it } from "vitest";
import { TestGateway } from "../../../host/testing/index.ts";

const chat = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], ...extra });

const completion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "gpt-4o-2024",
  choices: [{ index: 0, message: { role: "assistant", content: "hello" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
};

function sse(events: unknown[]): string[] {
  return [...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), "data: [DONE]\n\n"];
}

const chunk = (content: string | null, finish: string | null = null, usage: unknown = null) => ({
  id: "c1",
  object: "chat.completion.chunk",
  choices: usage ? [] : [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
  ...(usage ? { usage } : {}),
});

function gateway(provider: Record<string, unknown>) {
  return new TestGateway({ plugins: [{ name: "ai-proxy", config: { provider } }] });
}

describe("ai-proxy with an OpenAI provider", () => {
  it("swaps the client's key for the provider token and sets OpenAI's host and path", async () => {
    const gw = gateway({ type: "openai", apiTokens: ["sk-provider"] });
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { authorization: "Bearer gateway-key", "content-type": "application/json", "content-length": "999" },
      body: chat(),
      upstream: { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(completion) },
    });
    expect(res.status).toBe(200);
    const up = res.upstream!;
    expect(up.headers.get("authorization")).toBe("Bearer sk-provider");
    expect(up.headers.get(":authority")).toBe("api.openai.com");
    expect(up.headers.get(":path")).toBe("/v1/chat/completions");
    expect(up.headers.has("content-length")).toBe(false);
    expect(res.json().choices[0].message.content).toBe("hello");
    expect(res.text()).not.toContain("sk-provider");
  });

  it("maps model names: exact, prefix, regex with $1, and the * fallback", async () => {
    const gw = gateway({
      type: "openai",
      apiTokens: ["t"],
      modelMapping: { "gpt-4o": "gpt-4o-mini", "claude-*": "gpt-4.1", "~^llama-(.*)$": "meta/$1", "*": "gpt-3.5-turbo" },
    });
    const sent = async (model: string) => {
      const res = await gw.request({ method: "POST", path: "/v1/chat/completions", body: chat({ model }), upstream: { body: JSON.stringify(completion) } });
      return JSON.parse(res.upstream!.body.toString()).model;
    };
    expect(await sent("gpt-4o")).toBe("gpt-4o-mini");
    expect(await sent("claude-3")).toBe("gpt-4.1");
    expect(await sent("llama-3-70b")).toBe("meta/3-70b");
    expect(await sent("other")).toBe("gpt-3.5-turbo");
  });

  it("rotates several tokens", async () => {
    const gw = gateway({ type: "openai", apiTokens: ["a", "b"] });
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const res = await gw.request({ method: "POST", path: "/v1/chat/completions", body: chat(), upstream: { body: JSON.stringify(completion) } });
      seen.add(res.upstream!.headers.get("authorization")!);
    }
    expect([...seen].sort()).toEqual(["Bearer a", "Bearer b"]);
  });

  it("injects include_usage into streams and counts tokens from the final chunk", async () => {
    const gw = gateway({ type: "openai", apiTokens: ["t"] });
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { "x-mse-consumer": "consumer1" },
      body: chat({ stream: true }),
      upstream: {
        headers: { "content-type": "text/event-stream" },
        chunks: sse([chunk("he"), chunk("llo"), chunk(null, "stop"), chunk(null, null, { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 })]),
      },
    });
    expect(JSON.parse(res.upstream!.body.toString()).stream_options).toEqual({ include_usage: true });
    expect(res.text()).toContain("data: [DONE]");
    const names = gw.metrics.names();
    const input = names.find((n) => n.includes("gen_ai.client.token.usage") && n.includes("gen_ai.token.type=input"))!;
    expect(input).toContain("consumer=consumer1");
    expect(gw.metrics.value(input)).toBe(5);
    expect(res.info.filterState.get("ai_output_tokens")?.toString()).toBe("2");
  });

  it("reports a stream cut before [DONE] as an error event", async () => {
    const gw = gateway({ type: "openai", apiTokens: ["t"] });
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: chat({ stream: true }),
      upstream: { headers: { "content-type": "text/event-stream" }, chunks: sse([chunk("he")]).slice(0, 1) },
    });
    const events = res.text().split("\n\n").filter(Boolean);
    expect(JSON.parse(events[events.length - 1].replace(/^data: /, "")).error.code).toBe("stream_incomplete");
  });

  it("answers malformed JSON and a missing model with OpenAI-style 400s", async () => {
    const gw = gateway({ type: "openai", apiTokens: ["t"] });
    const bad = await gw.request({ method: "POST", path: "/v1/chat/completions", body: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.json().error.code).toBe("invalid_json");
    expect(bad.upstream?.body.length ?? 0).toBe(0);
    const noModel = await gw.request({ method: "POST", path: "/v1/chat/completions", body: JSON.stringify({ messages: [] }) });
    expect(noModel.status).toBe(400);
    expect(noModel.json().error.code).toBe("missing_model");
  });

  it("serves Anthropic clients from an OpenAI provider", async () => {
    const gw = gateway({ type: "openai", apiTokens: ["t"] });
    const res = await gw.request({
      method: "POST",
      path: "/v1/messages",
      headers: { "x-api-key": "gateway-key", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "gpt-4o", max_tokens: 100, system: "be brief", messages: [{ role: "user", content: "hi" }] }),
      upstream: { body: JSON.stringify(completion) },
    });
    const sent = JSON.parse(res.upstream!.body.toString());
    expect(res.upstream!.headers.get(":path")).toBe("/v1/chat/completions");
    expect(res.upstream!.headers.has("x-api-key")).toBe(false);
    expect(sent.messages).toEqual([{ role: "system", content: "be brief" }, { role: "user", content: "hi" }]);
    const msg = res.json();
    expect(msg.type).toBe("message");
    expect(msg.content).toEqual([{ type: "text", text: "hello" }]);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage).toEqual({ input_tokens: 7, output_tokens: 3 });
  });

  it("passes the model-list query on untouched, at the provider's own path (groq's /openai/v1)", async () => {
    const gw = gateway({ type: "groq", apiTokens: ["t"] });
    const list = JSON.stringify({ object: "list", data: [{ id: "llama-3.3-70b", object: "model", created: 1, owned_by: "meta" }] });
    for (const headers of [{}, { "anthropic-version": "2023-06-01" }]) {
      const res = await gw.request({ method: "GET", path: "/v1/models?limit=2&after_id=a%2Fb", headers, upstream: { body: list } });
      expect(res.upstream!.headers.get(":path")).toBe("/openai/v1/models?limit=2&after_id=a%2Fb");
      expect(res.text()).toBe(list);
    }
  });

  it("answers model-list errors in the format of the client asking: OpenAI's as they are, Anthropic's reshaped", async () => {
    const gw = gateway({ type: "openai", apiTokens: ["t"] });
    const error = JSON.stringify({ error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    const upstream = { status: 401, headers: { "content-type": "application/json" }, body: error };
    const openAi = await gw.request({ method: "GET", path: "/v1/models", upstream });
    expect(openAi.status).toBe(401);
    expect(openAi.text()).toBe(error);
    const anthropic = await gw.request({ method: "GET", path: "/v1/models", headers: { "anthropic-version": "2023-06-01" }, upstream });
    expect(anthropic.status).toBe(401);
    expect(anthropic.headers.get("content-type")).toBe("application/json");
    expect(anthropic.json()).toEqual({ type: "error", error: { type: "authentication_error", message: "Incorrect API key provided." } });
  });

  it("refuses an Anthropic client's model list in Anthropic's shape when every key is out of rotation", async () => {
    const gw = gateway({ type: "openai", apiTokens: ["t"], failover: { enabled: true, failureThreshold: 1, healthCheckModel: "gpt-4o-mini" } });
    const headers = { "anthropic-version": "2023-06-01" };
    await gw.request({ method: "GET", path: "/v1/models", headers, upstream: { status: 500, body: "{}" } });
    const res = await gw.request({ method: "GET", path: "/v1/models", headers });
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ type: "error", error: { type: "api_error", message: expect.stringContaining("out of rotation") } });
  });
});
