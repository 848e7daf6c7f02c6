// ai-proxy with the gemini provider: the model and stream flag choose the path, OpenAI chat and
// embeddings requests are translated to Gemini's and the answers back (whole and streamed, however
// the stream is chunked), errors arrive in OpenAI's shape, and Anthropic clients work through the same
// translation. Golden files: test/fixtures/gemini/.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { UpstreamRequest } from "../../../host/testing/index.ts";
import {
  configError, cutAfter, errors, everyNBytes, fixtureJson, fixtureText, gateway, gatewayFetch, parseSse, perEvent, sseData, tokens,
} from "./fixtures/load.ts";

const P = "gemini";
const SSE = { "content-type": "text/event-stream" };
const JSON_TYPE = { "content-type": "application/json" };
const SAFETY = { HARM_CATEGORY_HARASSMENT: "BLOCK_ONLY_HIGH", HARM_CATEGORY_DANGEROUS_CONTENT: "BLOCK_NONE" };
const provider = (extra: Record<string, unknown> = {}) => ({ type: "gemini", apiTokens: ["AIza-test"], ...extra });

const upstreamStream = fixtureText(P, "stream.gemini.sse");
const expectedStream = sseData(fixtureText(P, "stream.openai.sse"));
const streamRequest = fixtureText(P, "chat-stream.openai-request.json");

function expectGeminiHeaders(req: UpstreamRequest, path: string) {
  expect(req.headers.get(":authority")).toBe("generativelanguage.googleapis.com");
  expect(req.headers.get(":path")).toBe(path);
  expect(req.headers.get("x-goog-api-key")).toBe("AIza-test");
  expect(req.headers.has("authorization")).toBe(false);
}

const chat = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "gemini-2.0-flash", messages: [{ role: "user", content: "hi" }], ...extra });

describe("gemini provider, chat", () => {
  it("translates a chat request with images, tool calls, tool results and sampling fields, and the answer back", async () => {
    const gw = gateway(provider({ modelMapping: { "gemini-flash": "gemini-2.5-flash" }, geminiSafetySetting: SAFETY }));
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { authorization: "Bearer gateway-key" },
      body: fixtureText(P, "chat-tools.openai-request.json"),
      upstream: (req) => {
        expectGeminiHeaders(req, "/v1beta/models/gemini-2.5-flash:generateContent");
        expect(JSON.parse(req.body.toString())).toEqual(fixtureJson(P, "chat-tools.gemini-request.json"));
        return { headers: JSON_TYPE, body: fixtureText(P, "generate-tools.gemini.json") };
      },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(fixtureJson(P, "generate-tools.openai.json"));
    // Thinking tokens are output tokens.
    expect(tokens(gw, "input")).toBe(182);
    expect(tokens(gw, "output")).toBe(61);
  });

  it("turns several candidates into choices and maps MAX_TOKENS and SAFETY", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: chat({ n: 2 }),
      upstream: { headers: JSON_TYPE, body: fixtureText(P, "generate-two.gemini.json") },
    });
    expect(res.json()).toEqual(fixtureJson(P, "generate-two.openai.json"));
  });

  it("answers a blocked prompt with one content_filter choice", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: chat(),
      upstream: {
        headers: JSON_TYPE,
        body: JSON.stringify({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 }, responseId: "r9" }),
      },
    });
    const body = res.json();
    expect(body.choices).toEqual([{ index: 0, message: { role: "assistant", content: "" }, finish_reason: "content_filter" }]);
    expect(body.usage).toEqual({ prompt_tokens: 8, completion_tokens: 0, total_tokens: 8 });
  });

  it("streams from :streamGenerateContent?alt=sse: each response chunk becomes OpenAI chunks, then usage and [DONE]", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: streamRequest,
      upstream: (req) => {
        expectGeminiHeaders(req, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        expect(JSON.parse(req.body.toString())).toEqual(fixtureJson(P, "chat-stream.gemini-request.json"));
        return { headers: SSE, chunks: perEvent(upstreamStream, "\r\n\r\n") };
      },
    });
    expect(sseData(res.text())).toEqual(expectedStream);
    // Usage from the last usageMetadata: prompt 57, candidates 31 + thoughts 38.
    expect(tokens(gw, "input")).toBe(57);
    expect(tokens(gw, "output")).toBe(69);
    expect(errors(gw)).toBe(0);
  });

  const chunkings: [string, (string | Buffer)[]][] = [
    ["one byte at a time", everyNBytes(upstreamStream, 1)],
    ["every 5 bytes (cuts inside JSON and UTF-8 characters)", everyNBytes(upstreamStream, 5)],
    ["every 100 bytes", everyNBytes(upstreamStream, 100)],
    ["a cut inside a JSON object", cutAfter(upstreamStream, ['"args":{"city":"Lis'])],
    ["a cut between CR and LF", cutAfter(upstreamStream, ['"responseId":"rsp-S7"}\r'])],
    ["an event cut after its first line end", cutAfter(upstreamStream, ['"responseId":"rsp-S7"}\r\n'])],
    ["the whole stream in one chunk", [upstreamStream]],
  ];
  it.each(chunkings)("gives the same OpenAI stream when the provider's bytes arrive %s", async (_how, chunks) => {
    const gw = gateway(provider());
    const res = await gw.request({ method: "POST", path: "/v1/chat/completions", body: streamRequest, upstream: { headers: SSE, chunks } });
    expect(sseData(res.text())).toEqual(expectedStream);
    expect(tokens(gw, "output")).toBe(69);
  });

  it("reports a stream that ends without a finishReason as broken, without [DONE]", async () => {
    const gw = gateway(provider());
    const events = perEvent(upstreamStream, "\r\n\r\n");
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: streamRequest,
      upstream: { headers: SSE, chunks: events.slice(0, 2) },
    });
    const out = sseData(res.text());
    expect(out.slice(0, 3)).toEqual(expectedStream.slice(0, 3));
    expect(out).not.toContain("[DONE]");
    expect(out[out.length - 1].error.code).toBe("stream_incomplete");
    expect(errors(gw)).toBe(1);
  });

  it("reshapes a Gemini error body into OpenAI's error shape", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: chat(),
      upstream: {
        status: 400,
        headers: JSON_TYPE,
        body: JSON.stringify({ error: { code: 400, message: "API key not valid. Please pass a valid API key.", status: "INVALID_ARGUMENT" } }),
      },
    });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: { message: "API key not valid. Please pass a valid API key.", type: "upstream_error", param: null, code: "upstream_400" },
    });
  });

  it("serves Anthropic clients through the same translation, streamed as Anthropic events", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/messages",
      body: JSON.stringify({ model: "gemini-2.5-flash", max_tokens: 64, stream: true, system: "Be brief.", messages: [{ role: "user", content: "Plan Belém" }] }),
      upstream: (req) => {
        expectGeminiHeaders(req, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        const sent = JSON.parse(req.body.toString());
        expect(sent.systemInstruction).toEqual({ parts: [{ text: "Be brief." }] });
        expect(sent.contents).toEqual([{ role: "user", parts: [{ text: "Plan Belém" }] }]);
        expect(sent.generationConfig).toEqual({ maxOutputTokens: 64 });
        return { headers: SSE, chunks: everyNBytes(upstreamStream, 33) };
      },
    });
    const events = parseSse(res.text());
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start", "content_block_delta", "content_block_delta",
      "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop",
      "message_delta", "message_stop",
    ]);
    const text = events.filter((e) => e.data.delta?.type === "text_delta").map((e) => e.data.delta.text).join("");
    expect(text).toBe('Start at the Jerónimos, then walk to "Torre" — 15 min.\n');
    expect(events[5].data.content_block).toEqual({ type: "tool_use", id: "call_rsp-S7_0", name: "weather", input: {} });
    expect(events[6].data.delta).toEqual({ type: "input_json_delta", partial_json: '{"city":"Lisbon","days":2}' });
    expect(events[8].data).toEqual({
      type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { input_tokens: 57, output_tokens: 69 },
    });
  });
});

describe("gemini provider, read by the official SDKs", () => {
  it("the OpenAI SDK assembles the translated stream", async () => {
    const gw = gateway(provider());
    const client = new OpenAI({ apiKey: "gateway-key", baseURL: "http://gw/v1", maxRetries: 0, fetch: gatewayFetch(gw, { headers: SSE, chunks: everyNBytes(upstreamStream, 11) }) });
    const done = await client.chat.completions.stream({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Plan Belém" }] }).finalChatCompletion();
    const choice = done.choices[0];
    expect(choice.message.content).toBe('Start at the Jerónimos, then walk to "Torre" — 15 min.\n');
    expect(choice.message.tool_calls?.[0].function).toMatchObject({ name: "weather", arguments: '{"city":"Lisbon","days":2}' });
    expect(choice.finish_reason).toBe("tool_calls");
    expect(done.usage).toEqual({ prompt_tokens: 57, completion_tokens: 69, total_tokens: 126 });
  });

  it("the OpenAI SDK reads embeddings", async () => {
    const gw = gateway(provider());
    const client = new OpenAI({ apiKey: "k", baseURL: "http://gw/v1", maxRetries: 0, fetch: gatewayFetch(gw, { headers: JSON_TYPE, body: fixtureText(P, "embed.gemini.json") }) });
    const res = await client.embeddings.create({ model: "text-embedding-004", input: ["a", "b"], encoding_format: "float" });
    expect(res.data.map((d) => d.embedding)).toEqual([[0.0123, -0.5, 1e-7], [0.25, 0, -0.75]]);
  });

  it("the Anthropic SDK assembles a Gemini stream served as Anthropic events", async () => {
    const gw = gateway(provider());
    const client = new Anthropic({ apiKey: "k", baseURL: "http://gw", maxRetries: 0, fetch: gatewayFetch(gw, { headers: SSE, chunks: [upstreamStream] }) });
    const message = await client.messages.stream({ model: "gemini-2.5-flash", max_tokens: 100, messages: [{ role: "user", content: "Plan Belém" }] }).finalMessage();
    expect(message.content).toEqual([
      { type: "text", text: 'Start at the Jerónimos, then walk to "Torre" — 15 min.\n' },
      { type: "tool_use", id: "call_rsp-S7_0", name: "weather", input: { city: "Lisbon", days: 2 } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 57, output_tokens: 69 });
  });
});

describe("gemini provider, embeddings and models", () => {
  it("sends embeddings to :batchEmbedContents and answers with OpenAI's embedding list", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/embeddings",
      body: fixtureText(P, "embed.openai-request.json"),
      upstream: (req) => {
        expectGeminiHeaders(req, "/v1beta/models/text-embedding-004:batchEmbedContents");
        expect(JSON.parse(req.body.toString())).toEqual(fixtureJson(P, "embed.gemini-request.json"));
        return { headers: JSON_TYPE, body: fixtureText(P, "embed.gemini.json") };
      },
    });
    expect(res.json()).toEqual(fixtureJson(P, "embed.openai.json"));
  });

  it("embeds a single string input", async () => {
    const gw = gateway(provider());
    const res = await gw.request({
      method: "POST",
      path: "/v1/embeddings",
      body: JSON.stringify({ model: "text-embedding-004", input: "one" }),
      upstream: (req) => {
        expect(JSON.parse(req.body.toString())).toEqual({ requests: [{ model: "models/text-embedding-004", content: { parts: [{ text: "one" }] } }] });
        return { headers: JSON_TYPE, body: '{"embeddings":[{"values":[0.5]}]}' };
      },
    });
    expect(res.json().data).toEqual([{ object: "embedding", index: 0, embedding: [0.5] }]);
  });

  it("refuses the legacy completions API with a 501", async () => {
    const gw = gateway(provider());
    const res = await gw.request({ method: "POST", path: "/v1/completions", body: JSON.stringify({ model: "m", prompt: "x" }) });
    expect(res.status).toBe(501);
    expect(res.upstream).toBeNull();
    expect(res.json().error.code).toBe("unsupported_api");
  });

  it("lists models at /{apiVersion}/models in one page, answered in OpenAI's shape", async () => {
    const gw = gateway(provider({ apiVersion: "v1" }));
    const res = await gw.request({ method: "GET", path: "/v1/models", upstream: { headers: JSON_TYPE, body: fixtureText(P, "models.gemini.json") } });
    expectGeminiHeaders(res.upstream!, "/v1/models?pageSize=1000");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json()).toEqual(fixtureJson(P, "models.openai.json"));
  });

  it("the OpenAI SDK lists Gemini's models by their ids, without the models/ prefix", async () => {
    const gw = gateway(provider());
    const client = new OpenAI({ apiKey: "gateway-key", baseURL: "http://gw/v1", maxRetries: 0, fetch: gatewayFetch(gw, { headers: JSON_TYPE, body: fixtureText(P, "models.gemini.json") }) });
    const models: OpenAI.Model[] = [];
    for await (const m of client.models.list()) models.push(m);
    expect(models.map((m) => m.id)).toEqual(["gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-004"]);
    expect(models.every((m) => m.object === "model" && m.created === 0 && m.owned_by === "google")).toBe(true);
  });

  it("gives Anthropic clients Gemini's own model list, as before", async () => {
    const gw = gateway(provider());
    const upstream = fixtureText(P, "models.gemini.json");
    const res = await gw.request({ method: "GET", path: "/v1/models", headers: { "anthropic-version": "2023-06-01" }, upstream: { headers: JSON_TYPE, body: upstream } });
    expectGeminiHeaders(res.upstream!, "/v1beta/models");
    expect(res.body.toString()).toBe(upstream);
  });

  it("passes Gemini's paging parameters of an untranslated list on; a Gemini error comes back in Anthropic's shape", async () => {
    const gw = gateway(provider());
    const headers = { "anthropic-version": "2023-06-01" };
    const paged = await gw.request({ method: "GET", path: "/v1/models?pageSize=2&pageToken=Ch0", headers, upstream: { headers: JSON_TYPE, body: fixtureText(P, "models.gemini.json") } });
    expectGeminiHeaders(paged.upstream!, "/v1beta/models?pageSize=2&pageToken=Ch0");
    const error = { error: { code: 403, message: "Method doesn't allow unregistered callers.", status: "PERMISSION_DENIED" } };
    const failed = await gw.request({ method: "GET", path: "/v1/models", headers, upstream: { status: 403, headers: JSON_TYPE, body: JSON.stringify(error) } });
    expect(failed.status).toBe(403);
    expect(failed.json()).toEqual({ type: "error", error: { type: "permission_error", message: error.error.message } });
  });
});

describe("gemini provider configuration", () => {
  it("puts apiVersion and providerBasePath into the path", async () => {
    const gw = gateway(provider({ apiVersion: "v1", providerBasePath: "/proxy", providerDomain: "gemini.internal" }));
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: chat({ stream: true }),
      upstream: { headers: SSE, chunks: [upstreamStream] },
    });
    expect(res.upstream!.headers.get(":path")).toBe("/proxy/v1/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
    expect(res.upstream!.headers.get(":authority")).toBe("gemini.internal");
  });

  it.each([
    ["an apiVersion with a slash", { apiVersion: "v1/x" }, "provider.apiVersion: must be a version such as v1beta or v1"],
    ["a safety threshold that is not a string", { geminiSafetySetting: { HARM_CATEGORY_HARASSMENT: 3 } }, "provider.geminiSafetySetting.HARM_CATEGORY_HARASSMENT: must be a string, not a number"],
    ["geminiSafetySetting that is not an object", { geminiSafetySetting: ["BLOCK_NONE"] }, "provider.geminiSafetySetting: must be an object, not an array"],
  ])("refuses %s", (_what, extra, problem) => {
    expect(configError(provider(extra))).toBe("ai-proxy: invalid configuration: " + problem);
  });
});
