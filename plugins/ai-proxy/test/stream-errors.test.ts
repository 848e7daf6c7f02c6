// A provider that reports an error inside a stream it has started (Anthropic's `event: error`, Gemini's
// and OpenAI's `data: {"error":…}`): on every path — translated, native, passed through — the client
// gets exactly one error event, in its own format and with the provider's message, and no clean finish
// ([DONE], message_stop), so its SDK raises. Counted once in gen_ai.client.errors as upstream_error.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { TestGateway } from "../../../host/testing/index.ts";
import { counter } from "./support/gen-ai-metrics.ts";
import { fixtureText, gateway, gatewayFetch, parseSse, perEvent, type Event } from "./fixtures/load.ts";
import { MockProvider } from "./mock-provider.ts";

const SSE = { "content-type": "text/event-stream" };

const claudeHead = (() => {
  const s = fixtureText("claude", "stream-tools.claude.sse");
  return perEvent(s.slice(0, s.indexOf("event: content_block_stop")));
})();
const geminiHead = perEvent(fixtureText("gemini", "stream.gemini.sse"), "\r\n\r\n").slice(0, 2);
const openAiHead = [
  { id: "chatcmpl-e", object: "chat.completion.chunk", created: 1767225600, model: "gpt-4o", choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
  { id: "chatcmpl-e", object: "chat.completion.chunk", created: 1767225600, model: "gpt-4o", choices: [{ index: 0, delta: { content: "Hel" }, finish_reason: null }] },
].map((c) => `data: ${JSON.stringify(c)}\n\n`);

const PROVIDERS = {
  claude: {
    config: { type: "claude", apiTokens: ["sk-ant-1"] },
    head: claudeHead,
    error: 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    message: "Overloaded",
  },
  gemini: {
    config: { type: "gemini", apiTokens: ["AIza-test"] },
    head: geminiHead,
    error: 'data: {"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}\r\n\r\n',
    message: "The model is overloaded. Please try again later.",
  },
  openai: {
    config: { type: "openai", apiTokens: ["sk-1"] },
    head: openAiHead,
    error: 'data: {"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}\n\n',
    message: "The server had an error while processing your request.",
  },
};
type ProviderName = keyof typeof PROVIDERS;

const openAiRequest = JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] });
const anthropicRequest = JSON.stringify({ model: "m", stream: true, max_tokens: 50, messages: [{ role: "user", content: "hi" }] });

function send(provider: ProviderName, client: "openai" | "anthropic") {
  const p = PROVIDERS[provider];
  const gw = gateway(p.config);
  const path = client === "openai" ? "/v1/chat/completions" : "/v1/messages";
  const body = client === "openai" ? openAiRequest : anthropicRequest;
  return { gw, p, res: gw.request({ method: "POST", path, body, upstream: { headers: SSE, chunks: [...p.head, p.error] } }) };
}

const isOpenAiError = (e: Event) => typeof e.data === "object" && e.data !== null && "error" in e.data;
const upstreamErrors = (gw: ReturnType<typeof gateway>) => counter(gw.metrics, "gen_ai.client.errors", { "error.type": "upstream_error" });
const allErrors = (gw: ReturnType<typeof gateway>) => counter(gw.metrics, "gen_ai.client.errors");

describe("an error event inside a provider's stream reaches the client once, in its own format", () => {
  it.each(["claude", "gemini", "openai"] as const)("OpenAI client, %s provider: one OpenAI error event, last, and no [DONE]", async (provider) => {
    const { gw, p, res } = send(provider, "openai");
    const events = parseSse((await res).text());
    const failures = events.filter(isOpenAiError);
    expect(failures).toHaveLength(1);
    expect(events[events.length - 1]).toBe(failures[0]);
    expect(failures[0].data.error).toMatchObject({ message: p.message, param: null });
    expect(typeof failures[0].data.error.type).toBe("string");
    expect(events.map((e) => e.data)).not.toContain("[DONE]");
    expect(allErrors(gw)).toBe(1);
    expect(upstreamErrors(gw)).toBe(1);
  });

  it.each(["claude", "gemini", "openai"] as const)("Anthropic client, %s provider: one Anthropic error event, last, and no message_stop", async (provider) => {
    const { gw, p, res } = send(provider, "anthropic");
    const events = parseSse((await res).text());
    const failures = events.filter((e) => e.event === "error" || e.data?.type === "error");
    expect(failures).toHaveLength(1);
    expect(events[events.length - 1]).toBe(failures[0]);
    expect(failures[0].event).toBe("error");
    expect(failures[0].data).toEqual({ type: "error", error: { type: expect.any(String), message: p.message } });
    expect(events.some((e) => e.event === "message_stop" || e.event === "message_delta")).toBe(false);
    expect(allErrors(gw)).toBe(1);
    expect(upstreamErrors(gw)).toBe(1);
  });

  it("keeps an Anthropic error type the Anthropic client knows, and names others api_error", async () => {
    const native = parseSse((await send("claude", "anthropic").res).text()).pop()!;
    expect(native.data.error.type).toBe("overloaded_error");
    const translated = parseSse((await send("openai", "anthropic").res).text()).pop()!;
    expect(translated.data.error.type).toBe("api_error");
  });

  it.each(["billing_error", "timeout_error", "overloaded_error"])("keeps the Anthropic type %s named by a translated stream's error", async (type) => {
    const p = PROVIDERS.openai;
    const error = `data: ${JSON.stringify({ error: { message: "provider says no", type, param: null, code: null } })}\n\n`;
    const res = await gateway(p.config).request({ method: "POST", path: "/v1/messages", body: anthropicRequest, upstream: { headers: SSE, chunks: [...p.head, error] } });
    const last = parseSse(res.text()).pop()!;
    expect(last.event).toBe("error");
    expect(last.data).toEqual({ type: "error", error: { type, message: "provider says no" } });
  });

  it.each(["claude", "gemini", "openai"] as const)("the OpenAI SDK raises the %s provider's message after the text so far", async (provider) => {
    const p = PROVIDERS[provider];
    const gw = gateway(p.config);
    const client = new OpenAI({ apiKey: "k", baseURL: "http://gw/v1", maxRetries: 0, fetch: gatewayFetch(gw, { headers: SSE, chunks: [...p.head, p.error] }) });
    const stream = await client.chat.completions.create({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    const consume = async () => {
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
    };
    await expect(consume()).rejects.toThrow(p.message);
    expect(text.length).toBeGreaterThan(0);
  });

  it.each(["claude", "gemini", "openai"] as const)("the Anthropic SDK raises the %s provider's message", async (provider) => {
    const p = PROVIDERS[provider];
    const gw = gateway(p.config);
    const client = new Anthropic({ apiKey: "k", baseURL: "http://gw", maxRetries: 0, fetch: gatewayFetch(gw, { headers: SSE, chunks: [...p.head, p.error] }) });
    const stream = await client.messages.create({ model: "m", max_tokens: 50, stream: true, messages: [{ role: "user", content: "hi" }] });
    const consume = async () => {
      for await (const _ev of stream);
    };
    await expect(consume()).rejects.toThrow(p.message);
  });
});

describe("a stream retried on another key before any byte reached the client, then broken by a provider error", () => {
  // The first attempt fails (503) and is held; the retry (proxy_http_call, another key) answers a stream
  // that reports an error part-way. The client sees only the retried stream: one error event, no clean finish.
  const CLUSTER = "outbound|443||provider";
  let mock: MockProvider | null = null;
  let gw: TestGateway | null = null;
  afterEach(async () => {
    gw?.close();
    await mock?.close();
    gw = null;
    mock = null;
  });

  async function retried(provider: ProviderName, client: "openai" | "anthropic") {
    const p = PROVIDERS[provider];
    const overloaded = JSON.stringify({ error: { message: "first attempt overloaded", type: "server_error", code: 503 } });
    mock = await new MockProvider((req) => mock!.requests.length === 1
      ? { status: 503, headers: { "content-type": "application/json" }, body: overloaded }
      : { status: 200, headers: SSE, body: [...p.head, p.error].join("") }).start();
    const keys = { claude: ["sk-ant-1", "sk-ant-2"], gemini: ["AIza-1", "AIza-2"], openai: ["sk-1", "sk-2"] }[provider];
    gw = new TestGateway({
      clusters: { [CLUSTER]: mock.cluster() },
      plugins: [{ name: "ai-proxy", config: { provider: { ...p.config, apiTokens: keys, retryOnFailure: { enabled: true } } }, allowOnHeadersStopIteration: true }],
    });
    const res = await gw.request({
      method: "POST", path: client === "openai" ? "/v1/chat/completions" : "/v1/messages",
      body: client === "openai" ? openAiRequest : anthropicRequest, cluster: CLUSTER, upstream: mock.upstream,
    });
    expect(mock.requests).toHaveLength(2);
    expect(res.status).toBe(200);
    expect(res.text()).not.toContain("first attempt overloaded");
    return { p, gw, events: parseSse(res.text()) };
  }

  it.each(["claude", "gemini", "openai"] as const)("OpenAI client, %s provider: one OpenAI error event, last, and no [DONE]", async (provider) => {
    const { p, gw, events } = await retried(provider, "openai");
    const failures = events.filter(isOpenAiError);
    expect(failures).toHaveLength(1);
    expect(events[events.length - 1]).toBe(failures[0]);
    expect(failures[0].data.error).toMatchObject({ message: p.message, param: null });
    expect(events.some((e) => e.data?.choices?.length)).toBe(true);
    expect(events.map((e) => e.data)).not.toContain("[DONE]");
    expect(allErrors(gw)).toBe(1);
    expect(upstreamErrors(gw)).toBe(1);
  });

  it.each(["claude", "gemini", "openai"] as const)("Anthropic client, %s provider: one Anthropic error event, last, and no message_stop", async (provider) => {
    const { p, gw, events } = await retried(provider, "anthropic");
    const failures = events.filter((e) => e.event === "error" || e.data?.type === "error");
    expect(failures).toHaveLength(1);
    expect(events[events.length - 1]).toBe(failures[0]);
    expect(failures[0].data).toEqual({ type: "error", error: { type: expect.any(String), message: p.message } });
    expect(events[0].event).toBe("message_start");
    expect(events.some((e) => e.event === "message_stop" || e.event === "message_delta")).toBe(false);
    expect(allErrors(gw)).toBe(1);
    expect(upstreamErrors(gw)).toBe(1);
  });
});
