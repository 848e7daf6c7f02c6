// ai-proxy with the claude provider: OpenAI clients translated to Anthropic's Messages API and back
// (whole and streamed, however the stream is chunked), Anthropic clients passed through natively with
// usage still counted, Anthropic errors in OpenAI's shape. Golden files: test/fixtures/claude/.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { UpstreamRequest } from "../../../host/testing/index.ts";
import {
  configError, cutAfter, errors, everyNBytes, fixtureJson, fixtureText, gateway, gatewayFetch, perEvent, sseData, tokens,
} from "./fixtures/load.ts";

const P = "claude";
const SSE = { "content-type": "text/event-stream; charset=utf-8" };
const JSON_TYPE = { "content-type": "application/json" };
const provider = (extra: Record<string, unknown> = {}) => ({ type: "claude", apiTokens: ["sk-ant-1"], ...extra });

const upstreamStream = fixtureText(P, "stream-tools.claude.sse");
const expectedStream = sseData(fixtureText(P, "stream-tools.openai.sse"));

function expectAnthropicHeaders(req: UpstreamRequest, version = "2023-06-01") {
  expect(req.headers.get(":authority")).toBe("api.anthropic.com");
  expect(req.headers.get(":path")).toBe("/v1/messages");
  expect(req.headers.get("x-api-key")).toBe("sk-ant-1");
  expect(req.headers.get("anthropic-version")).toBe(version);
  expect(req.headers.has("authorization")).toBe(false);
}

describe("claude provider, OpenAI clients", () => {
  it("translates a chat request with images, tool calls and tool results, and the tool-use answer back", async () => {
    const gw = gateway(provider({ modelMapping: { "claude-fast": "claude-sonnet-4-5" } }));
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { authorization: "Bearer gateway-key", ...JSON_TYPE },
      body: fixtureText(P, "chat-tools.openai-request.json"),
      upstream: (req) => {
        expectAnthropicHeaders(req);
        expect(JSON.parse(req.body.toString())).toEqual(fixtureJson(P, "chat-tools.claude-request.json"));
        return { status: 200, headers: JSON_TYPE, body: fixtureText(P, "message-tools.claude.json") };
      },
    });
    expect(res.status).toBe(200);
    expect(res.upstream).not.toBeNull();
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json()).toEqual(fixtureJson(P, "message-tools.openai.json"));
    // Cached prompt tokens count as input, as in OpenAI's prompt_tokens.
    expect(tokens(gw, "input")).toBe(1510);
    expect(tokens(gw, "output")).toBe(58);
  });

  it("joins text blocks and maps max_tokens to finish_reason length", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: JSON.stringify({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "Greet Lisbon" }], max_tokens: 5 }),
      upstream: (req) => {
        const sent = JSON.parse(req.body.toString());
        expect(sent).toEqual({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "Greet Lisbon" }], max_tokens: 5 });
        return { headers: JSON_TYPE, body: fixtureText(P, "message-text.claude.json") };
      },
    });
    expect(res.json()).toEqual(fixtureJson(P, "message-text.openai.json"));
  });

  it("streams: Anthropic events become OpenAI chunks with one id, a usage chunk and [DONE]", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: fixtureText(P, "chat-stream.openai-request.json"),
      upstream: (req) => {
        expectAnthropicHeaders(req);
        expect(JSON.parse(req.body.toString())).toEqual(fixtureJson(P, "chat-stream.claude-request.json"));
        return { headers: SSE, chunks: perEvent(upstreamStream) };
      },
    });
    expect(res.status).toBe(200);
    expect(sseData(res.text())).toEqual(expectedStream);
    // Input from message_start, output from message_delta (cumulative: 61, not 2 + 61).
    expect(tokens(gw, "input")).toBe(472);
    expect(tokens(gw, "output")).toBe(61);
    expect(res.info.filterState.get("ai_output_tokens")?.toString()).toBe("61");
    expect(errors(gw)).toBe(0);
  });

  const chunkings: [string, (string | Buffer)[]][] = [
    ["one byte at a time", everyNBytes(upstreamStream, 1)],
    ["every 7 bytes (cuts inside JSON and inside UTF-8 characters)", everyNBytes(upstreamStream, 7)],
    ["every 64 bytes", everyNBytes(upstreamStream, 64)],
    ["a cut inside a JSON object", cutAfter(upstreamStream, ['"partial_json":"{\\"city\\": \\"L'])],
    ["an event cut between its event: and data: lines", cutAfter(upstreamStream, ["event: message_delta\n"])],
    ["a cut between the two newlines that end an event", cutAfter(upstreamStream, ['"type":"message_stop"}\n'])],
    ["the whole stream in one chunk", [upstreamStream]],
  ];
  it.each(chunkings)("gives the same OpenAI stream when the provider's bytes arrive %s", async (_how, chunks) => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: fixtureText(P, "chat-stream.openai-request.json"),
      upstream: { headers: SSE, chunks },
    });
    expect(sseData(res.text())).toEqual(expectedStream);
    expect(tokens(gw, "input")).toBe(472);
    expect(tokens(gw, "output")).toBe(61);
  });

  it("reports a stream that ends before message_stop as broken, without [DONE]", async () => {
    const gw = gateway(provider());
    const cut = upstreamStream.slice(0, upstreamStream.indexOf("event: content_block_stop"));
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: fixtureText(P, "chat-stream.openai-request.json"),
      upstream: { headers: SSE, chunks: perEvent(cut) },
    });
    const events = sseData(res.text());
    expect(events).not.toContain("[DONE]");
    expect(events.slice(0, 3)).toEqual(expectedStream.slice(0, 3));
    expect(events[events.length - 1].error.code).toBe("stream_incomplete");
    expect(errors(gw)).toBe(1);
  });

  it("turns an error event inside the stream into an OpenAI error event", async () => {
    const gw = gateway(provider());
    const head = upstreamStream.slice(0, upstreamStream.indexOf("event: content_block_stop"));
    const overloaded = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: fixtureText(P, "chat-stream.openai-request.json"),
      upstream: { headers: SSE, chunks: [...perEvent(head), overloaded] },
    });
    const failures = sseData(res.text()).filter((e) => typeof e === "object" && e.error);
    expect(failures[0]).toEqual({ error: { message: "Overloaded", type: "overloaded_error", param: null, code: null } });
  });

  it("reshapes an Anthropic error body into OpenAI's error shape, keeping status and message", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] }),
      upstream: {
        status: 429,
        headers: JSON_TYPE,
        body: JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "Number of request tokens has exceeded your per-minute rate limit" } }),
      },
    });
    expect(res.status).toBe(429);
    expect(res.json()).toEqual({
      error: { message: "Number of request tokens has exceeded your per-minute rate limit", type: "rate_limit_error", param: null, code: "upstream_429" },
    });
  });

  it("refuses APIs Anthropic does not have with a 501 in OpenAI's format, without calling it", async () => {
    const gw = gateway(provider());
    for (const path of ["/v1/embeddings", "/v1/completions"]) {
      const res = await gw.request({ method: "POST", path, body: JSON.stringify({ model: "m", input: "x", prompt: "x" }) });
      expect(res.status).toBe(501);
      expect(res.upstream).toBeNull();
      expect(res.json().error).toEqual({
        message: `provider 'claude' does not support ${path}`, type: "invalid_request_error", param: null, code: "unsupported_api",
      });
    }
  });

  it("answers the model list in OpenAI's shape, asking Anthropic for every model in one page", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "GET",
      path: "/v1/models",
      headers: { authorization: "Bearer gateway-key" },
      upstream: (req) => {
        expect(req.headers.get(":path")).toBe("/v1/models?limit=1000");
        expect(req.headers.get("x-api-key")).toBe("sk-ant-1");
        return { headers: JSON_TYPE, body: fixtureText(P, "models.claude.json") };
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json()).toEqual(fixtureJson(P, "models.openai.json"));
  });

  it("the OpenAI SDK lists Anthropic's models: ids, creation times (fractions and offsets too), owner", async () => {
    const gw = gateway(provider());
    const times = ["2025-02-19T00:00:00Z", "2024-02-29T23:59:59.999+05:30", "1999-12-31t22:00:00-02:00", "not a date", "2025-13-01T00:00:00Z"];
    const list = {
      data: [...times.map((t, i) => ({ type: "model", id: `m${i}`, display_name: `M${i}`, created_at: t })), { type: "model", display_name: "no id" }, "junk"],
      has_more: false, first_id: "m0", last_id: "m4",
    };
    const client = new OpenAI({ apiKey: "gateway-key", baseURL: "http://gw/v1", maxRetries: 0, fetch: gatewayFetch(gw, { headers: JSON_TYPE, body: JSON.stringify(list) }) });
    const models: OpenAI.Model[] = [];
    for await (const m of client.models.list()) models.push(m);
    const seconds = (t: string) => Math.floor(Date.parse(t.toUpperCase()) / 1000);
    expect(models).toEqual([
      { id: "m0", object: "model", created: seconds(times[0]), owned_by: "anthropic" },
      { id: "m1", object: "model", created: seconds(times[1]), owned_by: "anthropic" },
      { id: "m2", object: "model", created: seconds(times[2]), owned_by: "anthropic" },
      { id: "m3", object: "model", created: 0, owned_by: "anthropic" },
      { id: "m4", object: "model", created: 0, owned_by: "anthropic" },
    ]);
    expect(seconds(times[2])).toBe(946684800); // 2000-01-01T00:00:00Z
  });

  it("asks for the one big page even when the OpenAI client sends a query (OpenAI's list takes none)", async () => {
    const gw = gateway(provider());
    const res = await gw.request({ method: "GET", path: "/v1/models?limit=2&after=m0", upstream: { headers: JSON_TYPE, body: fixtureText(P, "models.claude.json") } });
    expect(res.upstream!.headers.get(":path")).toBe("/v1/models?limit=1000");
    expect(res.json()).toEqual(fixtureJson(P, "models.openai.json"));
  });

  it("puts an Anthropic error on the model list in OpenAI's shape", async () => {
    const gw = gateway(provider());
    const body = JSON.stringify({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });
    const res = await gw.request({ method: "GET", path: "/v1/models", upstream: { status: 401, headers: JSON_TYPE, body } });
    expect(res.status).toBe(401);
    expect(res.json().error).toMatchObject({ message: "invalid x-api-key", code: "upstream_401" });
  });
});

describe("claude provider, Anthropic clients (/v1/messages)", () => {
  const anthropicRequest = (stream: boolean) => ({
    model: "fast",
    max_tokens: 256,
    system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
    messages: [{ role: "user", content: [{ type: "text", text: "Weather in Lisbon?" }] }],
    ...(stream ? { stream: true } : {}),
  });

  it("passes a stream through byte for byte, mapping only the model, and counts its split usage", async () => {
    const gw = gateway(provider({ modelMapping: { fast: "claude-sonnet-4-5" } }));
    const res = await gw.request({
      method: "POST",
      path: "/v1/messages",
      headers: { "x-api-key": "gateway-key", "anthropic-version": "2023-01-01", "anthropic-beta": "prompt-caching-2024-07-31" },
      body: JSON.stringify(anthropicRequest(true)),
      upstream: (req) => {
        expectAnthropicHeaders(req);
        expect(req.headers.get("anthropic-beta")).toBe("prompt-caching-2024-07-31");
        expect(JSON.parse(req.body.toString())).toEqual({ ...anthropicRequest(true), model: "claude-sonnet-4-5" });
        return { headers: SSE, chunks: everyNBytes(upstreamStream, 50) };
      },
    });
    expect(res.text()).toBe(upstreamStream);
    expect(tokens(gw, "input")).toBe(472);
    expect(tokens(gw, "output")).toBe(61);
    expect(errors(gw)).toBe(0);
  });

  it("passes a whole message through and counts its usage, cached prompt tokens included", async () => {
    const gw = gateway(provider());
    const answer = fixtureText(P, "message-tools.claude.json");
    const res = await gw.request({
      method: "POST",
      path: "/v1/messages",
      body: JSON.stringify(anthropicRequest(false)),
      upstream: { headers: JSON_TYPE, body: answer },
    });
    expect(res.json()).toEqual(JSON.parse(answer));
    expect(tokens(gw, "input")).toBe(1510);
    expect(tokens(gw, "output")).toBe(58);
  });

  it("reports a native stream cut before message_stop with an Anthropic error event", async () => {
    const gw = gateway(provider());
    const cut = upstreamStream.slice(0, upstreamStream.indexOf("event: message_delta"));
    const res = await gw.request({
      method: "POST",
      path: "/v1/messages",
      body: JSON.stringify(anthropicRequest(true)),
      upstream: { headers: SSE, chunks: [cut] },
    });
    expect(res.text().startsWith(cut)).toBe(true);
    const last = sseData(res.text()).pop();
    expect(last.type).toBe("error");
    expect(errors(gw)).toBe(1);
    expect(tokens(gw, "input")).toBe(472);
  });

  it("keeps Anthropic's error shape for Anthropic clients", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/messages",
      body: JSON.stringify(anthropicRequest(false)),
      upstream: { status: 529, headers: JSON_TYPE, body: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' },
    });
    expect(res.status).toBe(529);
    expect(res.json()).toEqual({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
  });
});

describe("claude provider, read by the official SDKs", () => {
  it("the OpenAI SDK assembles the translated stream: text, tool-call arguments, finish reason, usage", async () => {
    const gw = gateway(provider());
    const client = new OpenAI({ apiKey: "gateway-key", baseURL: "http://gw/v1", maxRetries: 0, fetch: gatewayFetch(gw, { headers: SSE, chunks: everyNBytes(upstreamStream, 9) }) });
    const stream = client.chat.completions.stream({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Weather?" }], stream_options: { include_usage: true } });
    const done = await stream.finalChatCompletion();
    const choice = done.choices[0];
    expect(choice.message.content).toBe('Olá! Checking "Lisbon" now…\n');
    expect(choice.message.tool_calls).toHaveLength(1);
    expect(choice.message.tool_calls![0]).toMatchObject({ id: "toolu_S9", type: "function", function: { name: "get_weather", arguments: '{"city": "Lisbon"}' } });
    expect(choice.finish_reason).toBe("tool_calls");
    expect(done.usage).toEqual({ prompt_tokens: 472, completion_tokens: 61, total_tokens: 533 });
  });

  it("gives Anthropic clients Anthropic's own model list, as it is", async () => {
    const gw = gateway(provider());
    const upstream = fixtureText(P, "models.claude.json");
    const res = await gw.request({
      method: "GET",
      path: "/v1/models",
      headers: { "x-api-key": "gateway-key", "anthropic-version": "2023-06-01" },
      upstream: (req) => {
        expect(req.headers.get(":path")).toBe("/v1/models");
        return { headers: JSON_TYPE, body: upstream };
      },
    });
    expect(res.body.toString()).toBe(upstream);
    const client = new Anthropic({ apiKey: "gateway-key", baseURL: "http://gw", maxRetries: 0, fetch: gatewayFetch(gw, { headers: JSON_TYPE, body: upstream }) });
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(fixtureJson(P, "models.claude.json").data.map((m: { id: string }) => m.id));
  });

  it("passes an Anthropic client's paging parameters on with its model list request", async () => {
    const gw = gateway(provider({ providerBasePath: "/anthropic" }));
    const res = await gw.request({
      method: "GET",
      path: "/v1/models?limit=2&after_id=claude-opus-4-1-20250805",
      headers: { "anthropic-version": "2023-06-01" },
      upstream: { headers: JSON_TYPE, body: fixtureText(P, "models.claude.json") },
    });
    expect(res.upstream!.headers.get(":path")).toBe("/anthropic/v1/models?limit=2&after_id=claude-opus-4-1-20250805");
    expect(res.body.toString()).toBe(fixtureText(P, "models.claude.json"));
  });

  it("answers an Anthropic client's model-list errors in Anthropic's shape, its own and the provider's", async () => {
    const body = JSON.stringify({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });
    const anthropic = { "anthropic-version": "2023-06-01" };
    const failed = await gateway(provider()).request({ method: "GET", path: "/v1/models", headers: anthropic, upstream: { status: 401, headers: JSON_TYPE, body } });
    expect(failed.status).toBe(401);
    expect(failed.json()).toEqual({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });
    const client = new Anthropic({ apiKey: "gateway-key", baseURL: "http://gw", maxRetries: 0, fetch: gatewayFetch(gateway(provider()), { status: 401, headers: JSON_TYPE, body }) });
    const err = await client.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).error).toEqual(failed.json());
  });

  it("the Anthropic SDK assembles the natively passed stream", async () => {
    const gw = gateway(provider());
    const client = new Anthropic({ apiKey: "gateway-key", baseURL: "http://gw", maxRetries: 0, fetch: gatewayFetch(gw, { headers: SSE, chunks: [upstreamStream] }) });
    const message = await client.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "Weather?" }] }).finalMessage();
    expect(message.content).toEqual([
      { type: "text", text: 'Olá! Checking "Lisbon" now…\n' },
      { type: "tool_use", id: "toolu_S9", name: "get_weather", input: { city: "Lisbon" } },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 472, output_tokens: 61 });
    expect(tokens(gw, "input")).toBe(472);
  });
});

describe("claude provider configuration", () => {
  it("accepts type anthropic as an alias", async () => {
    const gw = gateway({ type: "anthropic", apiTokens: ["sk-ant-1"] });
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: JSON.stringify({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "hi" }] }),
      upstream: (req) => {
        expectAnthropicHeaders(req);
        return { headers: JSON_TYPE, body: fixtureText(P, "message-text.claude.json") };
      },
    });
    expect(res.json().choices[0].message.content).toBe("Bom dia, Lisboa.");
  });

  it.each([
    ["claudeVersion", { claudeVersion: "2024-01-01" }, "2024-01-01"],
    ["apiVersion (Higress's fallback name)", { apiVersion: "2023-07-15" }, "2023-07-15"],
    ["claudeVersion over apiVersion", { claudeVersion: "2024-01-01", apiVersion: "2023-07-15" }, "2024-01-01"],
  ])("sends anthropic-version from %s", async (_field, extra, version) => {
    const gw = gateway(provider(extra));
    await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      upstream: (req) => {
        expectAnthropicHeaders(req, version);
        return { headers: JSON_TYPE, body: fixtureText(P, "message-text.claude.json") };
      },
    });
  });

  it("refuses an empty claudeVersion", () => {
    expect(configError(provider({ claudeVersion: "" }))).toBe("ai-proxy: invalid configuration: provider.claudeVersion: must not be empty");
  });
});
