// The official clients (`openai`, `@anthropic-ai/sdk`) against a real gateway on 127.0.0.1: build/ai-proxy.wasm
// in the local gateway (gateway/), in front of real HTTP providers on 127.0.0.1 — the mock OpenAI provider of
// gateway/mock for chat, embeddings and models, and a scripted provider for legacy completions, for
// Anthropic's and Gemini's model lists, and for streams that break. What a client gets through the gateway is compared with what the same client gets
// from the provider directly, so the tests say "the gateway is transparent" rather than restating the mock.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockProvider } from "../../../gateway/mock/provider.ts";
import { fixtureText } from "./fixtures/load.ts";
import { until } from "./mock-provider.ts";
import { counter, tokenUsage } from "./support/gen-ai-metrics.ts";
import { startLiveGateway, type LiveGateway } from "./support/live-gateway.ts";
import { ScriptedUpstream, type Script } from "./support/scripted-upstream.ts";

const PROVIDER_KEY = "sk-provider-live";
const SSE = { "content-type": "text/event-stream" };
const JSON_TYPE = { "content-type": "application/json" };

let mock: MockProvider;
let scripted: ScriptedUpstream;
let live: LiveGateway;

beforeAll(async () => {
  mock = await MockProvider.start();
  scripted = await ScriptedUpstream.start();
  live = await startLiveGateway({
    config: { provider: { type: "openai", apiTokens: [PROVIDER_KEY], modelMapping: { instruct: "gpt-3.5-turbo-instruct" } } },
    clusters: { mock: mock.port, scripted: scripted.port },
    routes: [
      // The gateway matches the route again on the headers ai-proxy sends upstream (Envoy clears the route
      // cache), so a test picks the scripted provider with a header the plugin passes on.
      { name: "scripted", cluster: "scripted", header: { name: "x-upstream", value: "scripted" } },
      { name: "completions", cluster: "scripted", path: "/v1/completions" },
      { name: "mock", cluster: "mock" },
    ],
  });
}, 30_000);

afterAll(async () => {
  await live?.close();
  await mock?.close();
  await scripted?.close();
});

/** An OpenAI client of the gateway; `consumer` names the caller in metrics (key-auth would set it). */
const viaGateway = (consumer: string, headers: Record<string, string> = {}) =>
  new OpenAI({ apiKey: "gateway-key", baseURL: `${live.url}/v1`, maxRetries: 0, defaultHeaders: { "x-mse-consumer": consumer, ...headers } });
const direct = () => new OpenAI({ apiKey: "direct-key", baseURL: `${mock.url}/v1`, maxRetries: 0 });
const anthropicViaGateway = (consumer: string, headers: Record<string, string> = {}) =>
  new Anthropic({ apiKey: "gateway-key", baseURL: live.url, maxRetries: 0, defaultHeaders: { "x-mse-consumer": consumer, ...headers } });

const metrics = () => live.gateway.host.metrics;
const lastMockRequest = () => mock.requests[mock.requests.length - 1];
const sse = (events: unknown[]) => events.map((e) => `data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`);

const chunk = (content: string | null, finish: string | null = null) => ({
  id: "chatcmpl-s1", object: "chat.completion.chunk", created: 1767225600, model: "gpt-4o-mini",
  choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
});

describe("the OpenAI SDK through the gateway", () => {
  const messages = [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "Name a colour" }];

  it("chat.completions.create: the same answer as from the provider directly, with the provider's key upstream", async () => {
    const got = await viaGateway("sdk-plain").chat.completions.create({ model: "gpt-4o-mini", messages });
    expect(lastMockRequest().headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    const want = await direct().chat.completions.create({ model: "gpt-4o-mini", messages });
    expect(got.choices).toEqual(want.choices);
    expect(got.usage).toEqual(want.usage);
    expect(got.model).toBe("gpt-4o-mini");
    expect(tokenUsage(metrics(), "input", { consumer: "sdk-plain" })).toBe(want.usage!.prompt_tokens);
    expect(tokenUsage(metrics(), "output", { consumer: "sdk-plain" })).toBe(want.usage!.completion_tokens);
  });

  it("chat.completions.create with stream: chunk by chunk, the same text and usage as the whole answer", async () => {
    const stream = await viaGateway("sdk-stream").chat.completions.create({
      model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true },
    });
    let text = "";
    let chunks = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) {
      chunks++;
      text += c.choices[0]?.delta.content ?? "";
      finish = c.choices[0]?.finish_reason ?? finish;
      if (c.usage) usage = c.usage;
    }
    const whole = await direct().chat.completions.create({ model: "gpt-4o-mini", messages });
    expect(chunks).toBeGreaterThan(5);
    expect(text).toBe(whole.choices[0].message.content);
    expect(finish).toBe("stop");
    expect(usage).toEqual(whole.usage);
    expect(tokenUsage(metrics(), "input", { consumer: "sdk-stream" })).toBe(whole.usage!.prompt_tokens);
    expect(tokenUsage(metrics(), "output", { consumer: "sdk-stream" })).toBe(whole.usage!.completion_tokens);
  });

  it("asks the provider for stream usage even when the client did not, so tokens are still counted", async () => {
    const stream = await viaGateway("sdk-stream-no-usage").chat.completions.create({ model: "gpt-4o-mini", messages, stream: true });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    expect(JSON.parse(lastMockRequest().body).stream_options).toEqual({ include_usage: true });
    const whole = await direct().chat.completions.create({ model: "gpt-4o-mini", messages });
    expect(text).toBe(whole.choices[0].message.content);
    expect(tokenUsage(metrics(), "output", { consumer: "sdk-stream-no-usage" })).toBe(whole.usage!.completion_tokens);
  });

  it("completions.create (legacy): mapped model, provider key and path upstream; text and usage back", async () => {
    scripted.handler = () => ({
      headers: JSON_TYPE,
      chunks: [JSON.stringify({
        id: "cmpl-1", object: "text_completion", created: 1767225600, model: "gpt-3.5-turbo-instruct",
        choices: [{ text: "\n\nRed.", index: 0, logprobs: null, finish_reason: "stop" }],
        usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
      })],
    });
    const got = await viaGateway("sdk-completions").completions.create({ model: "instruct", prompt: "Name a colour:", max_tokens: 5 });
    const seen = scripted.requests[scripted.requests.length - 1];
    expect(seen.path).toBe("/v1/completions");
    expect(seen.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(JSON.parse(seen.body)).toEqual({ model: "gpt-3.5-turbo-instruct", prompt: "Name a colour:", max_tokens: 5 });
    expect(got.choices[0].text).toBe("\n\nRed.");
    expect(got.usage).toEqual({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    expect(tokenUsage(metrics(), "input", { consumer: "sdk-completions", "gen_ai.operation.name": "text_completion" })).toBe(4);
  });

  it("completions.create with stream (legacy): the text and the final usage chunk", async () => {
    const piece = (text: string, finish: string | null) => ({
      id: "cmpl-2", object: "text_completion", created: 1767225600, model: "gpt-3.5-turbo-instruct",
      choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
    });
    scripted.handler = () => ({
      headers: SSE,
      chunks: sse([piece("Re", null), piece("d.", "stop"), { ...piece("", null), choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } }, "[DONE]"]),
    });
    const stream = await viaGateway("sdk-completions-stream").completions.create({ model: "instruct", prompt: "Name a colour:", stream: true });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.text ?? "";
    expect(text).toBe("Red.");
    expect(tokenUsage(metrics(), "output", { consumer: "sdk-completions-stream" })).toBe(2);
  });

  it("embeddings.create: the same vectors as from the provider directly (base64, the SDK's default)", async () => {
    const request = { model: "text-embedding-3-small", input: ["red", "green"], dimensions: 16 };
    const got = await viaGateway("sdk-embeddings").embeddings.create(request);
    const want = await direct().embeddings.create(request);
    expect(JSON.parse(lastMockRequest().body).encoding_format).toBe("base64");
    expect(got.data.map((d) => d.embedding)).toEqual(want.data.map((d) => d.embedding));
    expect(got.data[0].embedding).toHaveLength(16);
    expect(got.usage).toEqual(want.usage);
    expect(tokenUsage(metrics(), "input", { consumer: "sdk-embeddings", "gen_ai.operation.name": "embeddings" })).toBe(want.usage.prompt_tokens);
  });

  it("models.list: the provider's models", async () => {
    const ids: string[] = [];
    for await (const m of viaGateway("sdk-models").models.list()) ids.push(m.id);
    expect(lastMockRequest().headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    const want: string[] = [];
    for await (const m of direct().models.list()) want.push(m.id);
    expect(ids).toEqual(want);
    expect(ids.length).toBeGreaterThan(0);
  });
});

describe("models.list through providers that list models their own way (claude, gemini)", () => {
  // One provider on 127.0.0.1 answering Anthropic's list at /v1/models, paged as Anthropic pages it, and
  // Gemini's at /v1beta/models; a request carrying `x-fail` gets the provider's 401 instead.
  let lister: ScriptedUpstream;
  let claude: LiveGateway;
  let gemini: LiveGateway;
  const anthropicList = fixtureText("claude", "models.claude.json");
  const geminiList = fixtureText("gemini", "models.gemini.json");

  beforeAll(async () => {
    lister = await ScriptedUpstream.start();
    lister.handler = (req) => {
      const gemini = req.path.startsWith("/v1beta/");
      if (req.headers["x-fail"]) {
        const error = gemini ? { error: { code: 401, message: "API key not valid", status: "UNAUTHENTICATED" } } : { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } };
        return { status: 401, headers: JSON_TYPE, chunks: [JSON.stringify(error)] };
      }
      const page = gemini ? geminiList : JSON.stringify(anthropicPage(JSON.parse(anthropicList).data, new URL(req.path, "http://lister").searchParams));
      return { headers: JSON_TYPE, chunks: [page] };
    };
    const start = (type: string) => startLiveGateway({
      config: { provider: { type, apiTokens: [PROVIDER_KEY] } },
      clusters: { lister: lister.port },
      routes: [{ name: "lister", cluster: "lister" }],
    });
    [claude, gemini] = await Promise.all([start("claude"), start("gemini")]);
  }, 30_000);

  afterAll(async () => {
    await claude?.close();
    await gemini?.close();
    await lister?.close();
  });

  const openAiVia = (gw: LiveGateway) => new OpenAI({ apiKey: "gateway-key", baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const listed = async (client: OpenAI) => {
    const models: OpenAI.Model[] = [];
    for await (const m of client.models.list()) models.push(m);
    return models;
  };

  it("claude: the OpenAI SDK gets the models the Anthropic SDK gets from the provider directly, in OpenAI's shape", async () => {
    const models = await listed(openAiVia(claude));
    const seen = lister.requests[lister.requests.length - 1];
    expect(seen.path).toBe("/v1/models?limit=1000");
    expect(seen.headers["x-api-key"]).toBe(PROVIDER_KEY);
    const direct: Anthropic.ModelInfo[] = [];
    for await (const m of new Anthropic({ apiKey: "direct-key", baseURL: `http://127.0.0.1:${lister.port}`, maxRetries: 0 }).models.list()) direct.push(m);
    expect(models).toEqual(direct.map((m) => ({ id: m.id, object: "model", created: Date.parse(m.created_at) / 1000, owned_by: "anthropic" })));
    expect(models.length).toBe(3);
  });

  it("claude: the Anthropic SDK through the gateway still gets Anthropic's own list", async () => {
    const viaGateway: Anthropic.ModelInfo[] = [];
    for await (const m of new Anthropic({ apiKey: "gateway-key", baseURL: claude.url, maxRetries: 0 }).models.list()) viaGateway.push(m);
    expect(lister.requests[lister.requests.length - 1].path).toBe("/v1/models");
    expect(viaGateway).toEqual(JSON.parse(anthropicList).data);
  });

  it("claude: the Anthropic SDK pages through the gateway as it pages the provider directly (limit, after_id)", async () => {
    const anthropicVia = (baseURL: string) => new Anthropic({ apiKey: "gateway-key", baseURL, maxRetries: 0 });
    const viaGateway: Anthropic.ModelInfo[] = [];
    const before = lister.requests.length;
    for await (const m of anthropicVia(claude.url).models.list({ limit: 2 })) viaGateway.push(m);
    const asked = lister.requests.slice(before).map((r) => r.path);
    const ids = JSON.parse(anthropicList).data.map((m: { id: string }) => m.id);
    expect(asked).toEqual(["/v1/models?limit=2", `/v1/models?limit=2&after_id=${ids[1]}`]);
    const direct: Anthropic.ModelInfo[] = [];
    for await (const m of anthropicVia(`http://127.0.0.1:${lister.port}`).models.list({ limit: 2 })) direct.push(m);
    expect(viaGateway).toEqual(direct);
    expect(viaGateway.map((m) => m.id)).toEqual(ids);
  });

  it("the Anthropic SDK gets the provider's model-list errors in Anthropic's shape (claude and gemini)", async () => {
    for (const [gw, message] of [[claude, "invalid x-api-key"], [gemini, "API key not valid"]] as const) {
      const client = new Anthropic({ apiKey: "gateway-key", baseURL: gw.url, maxRetries: 0, defaultHeaders: { "x-fail": "1" } });
      const err = await client.models.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((err as InstanceType<typeof Anthropic.AuthenticationError>).error).toEqual({ type: "error", error: { type: "authentication_error", message } });
    }
  });

  it("gemini: the OpenAI SDK gets Gemini's models by id, owned by google", async () => {
    const models = await listed(openAiVia(gemini));
    const seen = lister.requests[lister.requests.length - 1];
    expect(seen.path).toBe("/v1beta/models?pageSize=1000");
    expect(seen.headers["x-goog-api-key"]).toBe(PROVIDER_KEY);
    const want = (JSON.parse(geminiList).models as { name: string }[]).map((m) => m.name.replace(/^models\//, ""));
    expect(models).toEqual(want.map((id) => ({ id, object: "model", created: 0, owned_by: "google" })));
  });
});

/** Anthropic's GET /v1/models paging: `limit` (default 20) models after `after_id` or before `before_id`. */
function anthropicPage<T extends { id: string }>(models: T[], query: URLSearchParams) {
  const limit = Number(query.get("limit") ?? 20);
  const after = query.get("after_id");
  const before = query.get("before_id");
  let start = after === null ? 0 : models.findIndex((m) => m.id === after) + 1;
  let end = Math.min(models.length, start + limit);
  if (before !== null) {
    end = models.findIndex((m) => m.id === before);
    start = Math.max(0, end - limit);
  }
  const data = models.slice(start, end);
  const has_more = before !== null ? start > 0 : end < models.length;
  return { data, has_more, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
}

describe("the Anthropic SDK through the gateway, served by the OpenAI provider (/v1/messages translated)", () => {
  const request = { model: "gpt-4o-mini", max_tokens: 200, system: "Be brief.", messages: [{ role: "user" as const, content: "Name a colour" }] };
  const sameAsOpenAi = () => direct().chat.completions.create({
    model: "gpt-4o-mini", max_tokens: request.max_tokens, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Name a colour" }],
  });

  it("messages.create: text, stop_reason end_turn and usage of the provider's answer", async () => {
    const msg = await anthropicViaGateway("anthropic-plain").messages.create(request);
    expect(lastMockRequest().path).toBe("/v1/chat/completions");
    expect(lastMockRequest().headers["x-api-key"]).toBeUndefined();
    const want = await sameAsOpenAi();
    expect(msg.type).toBe("message");
    expect(msg.role).toBe("assistant");
    expect(msg.content).toEqual([{ type: "text", text: want.choices[0].message.content }]);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage).toMatchObject({ input_tokens: want.usage!.prompt_tokens, output_tokens: want.usage!.completion_tokens });
    expect(tokenUsage(metrics(), "input", { consumer: "anthropic-plain" })).toBe(want.usage!.prompt_tokens);
  });

  it("messages.create: a max_tokens cut is stop_reason max_tokens", async () => {
    const msg = await anthropicViaGateway("anthropic-cut").messages.create({ ...request, max_tokens: 3 });
    expect(msg.stop_reason).toBe("max_tokens");
    expect(msg.usage.output_tokens).toBe(3);
  });

  it("messages.create with stream: Anthropic's event sequence, the same text, stop_reason and usage", async () => {
    const stream = await anthropicViaGateway("anthropic-stream").messages.create({ ...request, stream: true });
    const types: string[] = [];
    let text = "";
    for await (const ev of stream) {
      if (types[types.length - 1] !== ev.type) types.push(ev.type);
      if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
    }
    expect(types).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    const want = await sameAsOpenAi();
    expect(text).toBe(want.choices[0].message.content);
    expect(tokenUsage(metrics(), "output", { consumer: "anthropic-stream" })).toBe(want.usage!.completion_tokens);
  });

  it("messages.stream().finalMessage(): the assembled message with stop_reason and both token counts", async () => {
    const msg = await anthropicViaGateway("anthropic-final").messages.stream(request).finalMessage();
    const want = await sameAsOpenAi();
    expect(msg.content).toEqual([{ type: "text", text: want.choices[0].message.content }]);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage).toMatchObject({ input_tokens: want.usage!.prompt_tokens, output_tokens: want.usage!.completion_tokens });
  });

  it("models.list: the provider's own list, asked with the client's query; its errors in Anthropic's shape", async () => {
    const ids: string[] = [];
    for await (const m of anthropicViaGateway("anthropic-models").models.list({ limit: 2 })) ids.push(m.id);
    expect(lastMockRequest().path).toBe("/v1/models?limit=2");
    const want: string[] = [];
    for await (const m of direct().models.list()) want.push(m.id);
    expect(ids).toEqual(want);
    const err = await anthropicViaGateway("anthropic-models", { "x-mock-status": "401" }).models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).error).toEqual({
      type: "error", error: { type: "authentication_error", message: "Mock error 401 requested by x-mock-status." },
    });
  });
});

describe("a provider stream that breaks makes the SDK raise, never end cleanly", () => {
  const started = sse([chunk("He"), chunk("llo")]);
  const cases: [string, Script, RegExp][] = [
    ["ends without [DONE]", { headers: SSE, chunks: started }, /ended before it was complete/],
    ["is reset mid-body", { headers: SSE, chunks: started, ending: "reset" }, /terminated|aborted|socket|closed|reset/i],
  ];

  it.each(cases)("OpenAI SDK: when the stream %s", async (_how, script, error) => {
    scripted.handler = () => script;
    const stream = await viaGateway("broken-openai", { "x-upstream": "scripted" }).chat.completions.create({
      model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true,
    });
    let text = "";
    const consume = async () => {
      for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    };
    await expect(consume()).rejects.toThrow(error);
    expect(text).toBe("Hello");
  });

  it.each(cases)("Anthropic SDK on the translated path: when the stream %s", async (_how, script, error) => {
    scripted.handler = () => script;
    const stream = await anthropicViaGateway("broken-anthropic", { "x-upstream": "scripted" }).messages.create({
      model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "hi" }], stream: true,
    });
    let text = "";
    const consume = async () => {
      for await (const ev of stream) if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
    };
    await expect(consume()).rejects.toThrow(error);
    expect(text).toBe("Hello");
  });

  it("counts every broken stream, ended early or reset, in gen_ai.client.errors", async () => {
    const broken = (consumer: string) => counter(metrics(), "gen_ai.client.errors", { consumer, "error.type": "stream_incomplete" });
    // Metrics are written when the gateway closes the stream, which may come just after the client gave up.
    await until(() => broken("broken-openai") + broken("broken-anthropic") >= 4, "four broken streams in the metrics");
    expect(broken("broken-openai")).toBe(2);
    expect(broken("broken-anthropic")).toBe(2);
  });
});
