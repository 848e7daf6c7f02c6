// Errors reach each client in its own format: OpenAI's {"error": {message, type, param, code}} on the OpenAI
// paths, Anthropic's {"type": "error", "error": {type, message}} on /v1/messages — whether the plugin
// refuses the request (bad JSON, no model, no body), Envoy refuses it (body over the buffer limit: 413),
// the provider cannot be reached (the router's 503) or takes too long (the router's 504), or every API key
// is out of rotation. The first part drives the plugin in-process; the second runs the official SDKs
// against a real gateway on 127.0.0.1. Last, random requests and random provider answers never fail the VM.
import Anthropic from "@anthropic-ai/sdk";
import fc from "fast-check";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestGateway } from "../../../host/testing/index.ts";
import { rawExchange, type RawRequest } from "./support/raw-exchange.ts";
import { startLiveGateway, type LiveGateway } from "./support/live-gateway.ts";
import { closedPort, ScriptedUpstream } from "./support/scripted-upstream.ts";
import { counter } from "./support/gen-ai-metrics.ts";

const OPENAI = { type: "openai", apiTokens: ["sk-1"] };

/** The OpenAI error object, with exactly these fields. */
const openAiError = (code: string, type: string, message: string | RegExp) => ({
  error: { message: typeof message === "string" ? message : expect.stringMatching(message), type, param: null, code },
});
const anthropicError = (type: string, message: string | RegExp) => ({
  type: "error",
  error: { type, message: typeof message === "string" ? message : expect.stringMatching(message) },
});

describe("requests the plugin refuses, in the client's format (their body never goes upstream)", () => {
  const gw = new TestGateway({ bufferLimitBytes: 4096, plugins: [{ name: "ai-proxy", config: { provider: OPENAI } }] });
  afterAll(() => gw.close());

  const cases: { what: string; body?: string; status: number; code: string; type: string; anthropicType: string; message: string | RegExp }[] = [
    { what: "malformed JSON", body: '{"model": "gpt-4o", ', status: 400, code: "invalid_json", type: "invalid_request_error", anthropicType: "invalid_request_error", message: /^request body is not valid JSON: / },
    { what: "JSON that is not an object", body: '["gpt-4o"]', status: 400, code: "invalid_body", type: "invalid_request_error", anthropicType: "invalid_request_error", message: "request body must be a JSON object" },
    { what: "no model", body: '{"messages":[{"role":"user","content":"hi"}]}', status: 400, code: "missing_model", type: "invalid_request_error", anthropicType: "invalid_request_error", message: "you must provide a model parameter" },
    { what: "an empty model", body: '{"model":"","messages":[]}', status: 400, code: "missing_model", type: "invalid_request_error", anthropicType: "invalid_request_error", message: "you must provide a model parameter" },
    { what: "a model that is not a string", body: '{"model":4,"messages":[]}', status: 400, code: "missing_model", type: "invalid_request_error", anthropicType: "invalid_request_error", message: "you must provide a model parameter" },
    { what: "JSON nested deeper than 128 levels", body: `{"model":"m","x":${"[".repeat(200)}${"]".repeat(200)}}`, status: 400, code: "invalid_json", type: "invalid_request_error", anthropicType: "invalid_request_error", message: /nesting deeper than 128/ },
    { what: "no body at all", body: undefined, status: 400, code: "missing_body", type: "invalid_request_error", anthropicType: "invalid_request_error", message: "this API needs a JSON request body" },
  ];

  it.each(cases)("answers $what with $status $code to OpenAI clients", async (c) => {
    const res = await gw.request({ method: "POST", path: "/v1/chat/completions", body: c.body });
    expect(res.status).toBe(c.status);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json()).toEqual(openAiError(c.code, c.type, c.message));
    expect(res.details).toBe(`ai-proxy.${c.code}`);
    expect(res.upstream?.body.length ?? 0).toBe(0);
  });

  it.each(cases)("answers $what with $status in Anthropic's format on /v1/messages", async (c) => {
    const res = await gw.request({ method: "POST", path: "/v1/messages", body: c.body });
    expect(res.status).toBe(c.status);
    expect(res.json()).toEqual(anthropicError(c.anthropicType, c.message));
    expect(res.details).toBe(`ai-proxy.${c.code}`);
    expect(res.upstream?.body.length ?? 0).toBe(0);
  });

  it("answers a body over Envoy's buffer limit with 413, reshaped into the client's format", async () => {
    // Envoy's own local reply (details request_payload_too_large) passes through ai-proxy's response
    // callbacks; its text body "Payload Too Large" becomes the message.
    // The limit applies to what a filter holds back: a body arriving in pieces, as over a socket.
    const big = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x".repeat(8000) }] });
    const pieces = big.match(/[^]{1,1024}/g)!;
    const openai = await gw.request({ method: "POST", path: "/v1/chat/completions", chunks: pieces });
    expect(openai.status).toBe(413);
    expect(openai.details).toBe("request_payload_too_large");
    expect(openai.json()).toEqual(openAiError("upstream_413", "upstream_error", "Payload Too Large"));
    expect(openai.upstream?.body.length ?? 0).toBe(0);
    const anthropic = await gw.request({ method: "POST", path: "/v1/messages", chunks: pieces });
    expect(anthropic.status).toBe(413);
    expect(anthropic.json()).toEqual(anthropicError("request_too_large", "Payload Too Large"));
  });

  it("counts each refusal in gen_ai.client.errors with its code as error.type", () => {
    const names = gw.metrics.names().filter((n) => n.includes("gen_ai.client.errors;"));
    const byType = (t: string) => names.filter((n) => n.endsWith(`;error.type=${t}`)).reduce((s, n) => s + Number(gw.metrics.value(n)), 0);
    expect(byType("missing_model")).toBe(6);
    expect(byType("invalid_json")).toBe(4);
  });
});

describe("errors Envoy answered itself are counted as Envoy's, not the provider's", () => {
  // Envoy marks what came from upstream with the response code details `via_upstream`; its own replies
  // carry their reason (request_payload_too_large, upstream_response_timeout, …).
  const gw = new TestGateway({ bufferLimitBytes: 4096, plugins: [{ name: "ai-proxy", config: { provider: OPENAI } }] });
  afterAll(() => gw.close());
  const errorsOfType = (t: string) => counter(gw.metrics, "gen_ai.client.errors", { "error.type": t });

  it("labels Envoy's 413 for a body over its buffer limit envoy_request_payload_too_large, and a provider's 413 as the provider's", async () => {
    const big = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x".repeat(8000) }] });
    const envoys = await gw.request({ method: "POST", path: "/v1/chat/completions", chunks: big.match(/[^]{1,1024}/g)! });
    expect([envoys.status, envoys.details]).toEqual([413, "request_payload_too_large"]);
    const small = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    const tooLarge = JSON.stringify({ error: { message: "request too large for gpt-4o", type: "invalid_request_error", param: null, code: null } });
    const providers = await gw.request({ method: "POST", path: "/v1/chat/completions", body: small, upstream: { status: 413, headers: { "content-type": "application/json" }, chunks: [tooLarge] } });
    expect(providers.status).toBe(413);
    expect(errorsOfType("envoy_request_payload_too_large")).toBe(1);
    expect(errorsOfType("413")).toBe(1);
    expect(counter(gw.metrics, "gen_ai.client.errors")).toBe(2);
  });
});

describe("provider errors reshaped for Anthropic clients take the type Anthropic documents for their status", () => {
  // docs.claude.com/en/api/errors: 400 invalid_request_error (also "other 4XX status codes not listed"),
  // 401 authentication_error, 403 permission_error, 404 not_found_error, 413 request_too_large,
  // 429 rate_limit_error, 500 api_error, 529 overloaded_error.
  const gw = new TestGateway({ plugins: [{ name: "ai-proxy", config: { provider: OPENAI } }] });
  afterAll(() => gw.close());
  const messages = JSON.stringify({ model: "gpt-4o", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
  const providerAnswer = (status: number, body: object) =>
    gw.request({ method: "POST", path: "/v1/messages", body: messages, upstream: { status, headers: { "content-type": "application/json" }, chunks: [JSON.stringify(body)] } });

  it.each([
    [400, "invalid_request_error"], [401, "authentication_error"], [402, "invalid_request_error"], [403, "permission_error"],
    [404, "not_found_error"], [409, "invalid_request_error"], [413, "request_too_large"], [422, "invalid_request_error"],
    [429, "rate_limit_error"], [500, "api_error"], [502, "api_error"], [503, "api_error"], [529, "overloaded_error"],
  ])("an OpenAI provider's %i becomes %s", async (status, type) => {
    const res = await providerAnswer(status, { error: { message: "provider says no", type: "server_error", param: null, code: null } });
    expect(res.status).toBe(status);
    expect(res.json()).toEqual(anthropicError(type, "provider says no"));
  });

  it("keeps the type of an error the provider already sent in Anthropic's shape", async () => {
    const res = await providerAnswer(402, { type: "error", error: { type: "billing_error", message: "Your credit balance is too low" } });
    expect(res.status).toBe(402);
    expect(res.json()).toEqual(anthropicError("billing_error", "Your credit balance is too low"));
  });

  it("does not take an OpenAI error's type for Anthropic's, even where the names match", async () => {
    // OpenAI calls an unknown model invalid_request_error with 404; Anthropic's clients expect not_found_error.
    const res = await providerAnswer(404, { error: { message: "The model does not exist", type: "invalid_request_error", param: null, code: "model_not_found" } });
    expect(res.json()).toEqual(anthropicError("not_found_error", "The model does not exist"));
  });
});

describe("errors through a real gateway, as the official SDKs see them", () => {
  let scripted: ScriptedUpstream;
  let live: LiveGateway;
  let failover: LiveGateway;

  beforeAll(async () => {
    scripted = await ScriptedUpstream.start();
    const clusters = { scripted: scripted.port, closed: await closedPort() };
    const routes = [
      { name: "closed", cluster: "closed", header: { name: "x-upstream", value: "closed" } },
      { name: "slow", cluster: "scripted", header: { name: "x-upstream", value: "slow" }, timeout: "0.3s" },
      { name: "scripted", cluster: "scripted" },
    ];
    live = await startLiveGateway({ config: { provider: OPENAI }, clusters, routes, bufferLimitBytes: 16 * 1024 });
    failover = await startLiveGateway({
      config: {
        provider: {
          type: "openai", apiTokens: ["sk-revoked-1", "sk-revoked-2"],
          failover: { enabled: true, failureThreshold: 1, healthCheckModel: "gpt-4o-mini", healthCheckInterval: 60_000 },
        },
      },
      clusters,
      routes,
    });
  }, 30_000);

  afterAll(async () => {
    await live?.close();
    await failover?.close();
    await scripted?.close();
  });

  const openai = (gw: LiveGateway, upstream = "scripted") =>
    new OpenAI({ apiKey: "k", baseURL: `${gw.url}/v1`, maxRetries: 0, defaultHeaders: { "x-upstream": upstream } });
  const anthropic = (gw: LiveGateway, upstream = "scripted") =>
    new Anthropic({ apiKey: "k", baseURL: gw.url, maxRetries: 0, defaultHeaders: { "x-upstream": upstream } });
  const chat = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hi" }] };
  const message = { model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user" as const, content: "hi" }] };

  /** The error a call raised (fails when it did not raise). */
  async function raised<T>(call: Promise<T>): Promise<any> {
    try {
      await call;
    } catch (e) {
      return e;
    }
    throw new Error("the call did not raise");
  }

  it("provider unreachable (router 503): OpenAI SDK raises APIError 503 with the router's reason", async () => {
    const e = await raised(openai(live, "closed").chat.completions.create(chat));
    expect(e).toBeInstanceOf(OpenAI.APIError);
    expect(e.status).toBe(503);
    expect(e.code).toBe("upstream_503");
    expect(e.type).toBe("upstream_error");
    expect(e.error.message).toMatch(/^upstream connect error or disconnect\/reset before headers/);
  });

  it("provider unreachable (router 503): Anthropic SDK raises APIError 503 with type api_error", async () => {
    const e = await raised(anthropic(live, "closed").messages.create(message));
    expect(e).toBeInstanceOf(Anthropic.APIError);
    expect(e.status).toBe(503);
    expect(e.error).toEqual(anthropicError("api_error", /^upstream connect error/));
  });

  it("provider too slow (router 504): both SDKs get a 504 in their format", async () => {
    scripted.handler = () => ({ delayMs: 1500, headers: { "content-type": "application/json" }, chunks: ["{}"] });
    const o = await raised(openai(live, "slow").chat.completions.create(chat));
    expect([o.status, o.code, o.error.message]).toEqual([504, "upstream_504", "upstream request timeout"]);
    const a = await raised(anthropic(live, "slow").messages.create(message));
    expect(a.status).toBe(504);
    expect(a.error).toEqual(anthropicError("api_error", "upstream request timeout"));
  });

  it("body over the buffer limit (413): both SDKs get an APIError 413 in their format", async () => {
    const long = "x".repeat(20_000);
    const o = await raised(openai(live).chat.completions.create({ ...chat, messages: [{ role: "user", content: long }] }));
    expect([o.status, o.code, o.error.message]).toEqual([413, "upstream_413", "Payload Too Large"]);
    const a = await raised(anthropic(live).messages.create({ ...message, messages: [{ role: "user", content: long }] }));
    expect(a.status).toBe(413);
    expect(a.error).toEqual(anthropicError("request_too_large", "Payload Too Large"));
  });

  it("counts the router's 503 and 504 and Envoy's 413 under what Envoy did, none as the provider's", async () => {
    // Its own requests, one of each per SDK: the counts are what they added, whatever ran before.
    const errors = async () => (await live.prometheus()).split("\n").filter((l) => l.startsWith("gen_ai_client_errors{"));
    const byType = (lines: string[], t: string) => lines.filter((l) => l.includes(`error_type="${t}"`)).reduce((n, l) => n + Number(l.split(" ").pop()), 0);
    const before = await errors();
    scripted.handler = () => ({ delayMs: 1500, headers: { "content-type": "application/json" }, chunks: ["{}"] });
    const long = [{ role: "user" as const, content: "x".repeat(20_000) }];
    for (const [upstream, messages] of [["closed", chat.messages], ["slow", chat.messages], ["scripted", long]] as const) {
      await raised(openai(live, upstream).chat.completions.create({ ...chat, messages }));
      await raised(anthropic(live, upstream).messages.create({ ...message, messages }));
    }
    const after = await errors();
    const added = (t: string) => byType(after, t) - byType(before, t);
    expect(added("envoy_upstream_reset_before_response_started")).toBe(2);
    expect(added("envoy_upstream_response_timeout")).toBe(2);
    expect(added("envoy_request_payload_too_large")).toBe(2);
    expect(after.filter((l) => /error_type="(upstream_error|413|503|504)"/.test(l))).toEqual([]);
  });

  it("malformed request (no model): the SDK raises the 400 invalid_request_error the gateway sent", async () => {
    const e = await raised(openai(live).chat.completions.create({ messages: chat.messages } as any));
    expect([e.status, e.code, e.type]).toEqual([400, "missing_model", "invalid_request_error"]);
  });

  it("every key out of rotation: the provider's 401s pass through, then 503 no_healthy_api_key in each format", async () => {
    scripted.handler = () => ({
      status: 401, headers: { "content-type": "application/json" },
      chunks: [JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error", param: null, code: "invalid_api_key" } })],
    });
    const client = openai(failover);
    for (let i = 0; i < 2; i++) {
      const e = await raised(client.chat.completions.create(chat));
      expect([e.status, e.code]).toEqual([401, "invalid_api_key"]);
    }
    const keysTried = scripted.requests.slice(-2).map((r) => r.headers.authorization).sort();
    expect(keysTried).toEqual(["Bearer sk-revoked-1", "Bearer sk-revoked-2"]);
    const seen = scripted.requests.length;
    const e = await raised(client.chat.completions.create(chat));
    expect([e.status, e.code, e.type]).toEqual([503, "no_healthy_api_key", "service_unavailable"]);
    const a = await raised(anthropic(failover).messages.create(message));
    expect(a.status).toBe(503);
    expect(a.error).toEqual(anthropicError("api_error", "every API key of provider 'openai' is out of rotation after failures; retry later"));
    expect(scripted.requests.length).toBe(seen);
  });
});

// ---- never fails the VM

const ARB_CONFIGS: { name: string; provider: Record<string, unknown> }[] = [
  { name: "openai", provider: { type: "openai", apiTokens: ["sk-1", "sk-2"], modelMapping: { "~^gpt-(.*)$": "gpt-$1", "*": "gpt-4o" } } },
  { name: "claude", provider: { type: "claude", apiTokens: ["sk-ant-1"] } },
  { name: "gemini", provider: { type: "gemini", apiTokens: ["AIza-1"] } },
  { name: "azure (resource-only URL)", provider: { type: "azure", apiTokens: ["az-1"], azureServiceUrl: "https://r.openai.azure.com?api-version=2024-10-21" } },
  { name: "generic, protocol original", provider: { type: "generic", genericHost: "llm.internal", protocol: "original" } },
];

const PATHS = ["/v1/chat/completions", "/v1/messages", "/v1/completions", "/v1/embeddings", "/v1/models", "/", "/llm/v1/chat/completions?stream=1", "/v1beta/models/x:generateContent"];
const INVALID_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82]), Buffer.from([0x00])];

const bytesOf = fc.oneof(
  fc.string().map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  fc.constantFrom(...INVALID_UTF8),
);
const withInvalid = (b: fc.Arbitrary<Buffer>) => fc.tuple(b, fc.constantFrom(...INVALID_UTF8), b).map(([x, bad, y]) => Buffer.concat([x, bad, y]));

const pathArb = fc.tuple(fc.constantFrom(...PATHS), fc.oneof(fc.constant(Buffer.alloc(0)), bytesOf, withInvalid(bytesOf))).map(([p, tail]) => Buffer.concat([Buffer.from(p), tail]));

const headerArb = fc.tuple(
  fc.constantFrom("content-type", "authorization", "x-api-key", "x-mse-consumer", "accept-encoding", "content-length", "anthropic-version", "api-key", "x-random"),
  fc.oneof(bytesOf, withInvalid(bytesOf), fc.constant(Buffer.from("Bearer sk-client"))),
).map(([k, v]) => [Buffer.from(k), v] as [Buffer, Buffer]);

const jsonish = fc.jsonValue({ maxDepth: 4 });
const chatLike = fc.record({
  model: fc.oneof(fc.string(), fc.constant("gpt-4o"), fc.constant("claude-haiku-4-5"), fc.constant("gemini-2.0-flash"), jsonish),
  messages: fc.oneof(fc.array(fc.record({ role: fc.constantFrom("user", "system", "assistant", "tool", "x"), content: fc.oneof(fc.string(), jsonish) }), { maxLength: 3 }), jsonish),
  stream: fc.oneof(fc.boolean(), jsonish),
  stream_options: jsonish,
  max_tokens: jsonish,
  system: jsonish,
  tools: jsonish,
  input: jsonish,
}, { requiredKeys: [] });

const deepNesting = fc.integer({ min: 100, max: 50_000 }).map((d) => Buffer.from(`{"model":"m","messages":${"[".repeat(d)}${"]".repeat(d)}}`));
const badStringInJson = fc.tuple(fc.string(), fc.constantFrom(...INVALID_UTF8)).map(([s, bad]) =>
  Buffer.concat([Buffer.from(`{"model":"gpt-4o","messages":[{"role":"user","content":"${s.replace(/["\\]/g, "")}`), bad, Buffer.from('"}]}')]));

const bodyArb = fc.oneof(
  fc.constant(null),
  chatLike.map((o) => Buffer.from(JSON.stringify(o))),
  jsonish.map((v) => Buffer.from(JSON.stringify(v))),
  deepNesting,
  badStringInJson,
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.constantFrom('{"model":"m","x":1e999999}', '{"model":"m","model":"n"}', '{"model":"\\ud800"}', '{"model":"m","messages":[]} trailing').map((s) => Buffer.from(s)),
);

// Upstream answers: SSE made of pieces of OpenAI, Anthropic and Gemini streams, JSON, or noise.
const SSE_PIECES = [
  "data: ", "event: ", "message_start", "content_block_delta", "message_delta", "message_stop", "error", ":", "\n", "\r\n", "\n\n", "[DONE]",
  '{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}', '{"usage":{"prompt_tokens":1,"completion_tokens":2}}',
  '{"type":"message_start","message":{"usage":{"input_tokens":3}}}', '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"é"}}',
  '{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}}',
  '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":4}}', '{"type":"message_stop"}',
  '{"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1}}',
  '{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]}}]}', "{", "}", '"', "null", "\u2615",
];
const sseBody = fc.array(fc.constantFrom(...SSE_PIECES), { maxLength: 40 }).map((p) => Buffer.from(p.join("")));
const upstreamBody = fc.oneof(sseBody, jsonish.map((v) => Buffer.from(JSON.stringify(v))), fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), withInvalid(sseBody));

const cutInto = (b: Buffer): fc.Arbitrary<Buffer[]> => (b.length < 2 ? fc.constant([b]) : fc.uniqueArray(fc.integer({ min: 1, max: b.length - 1 }), { maxLength: 5 })
  .map((offs) => {
    const sorted = [...offs].sort((x, y) => x - y);
    return [0, ...sorted].map((from, i) => b.subarray(from, sorted[i] ?? b.length));
  }));

const upstreamArb = fc.record({
  status: fc.constantFrom(200, 200, 200, 400, 401, 413, 429, 500, 503),
  contentType: fc.constantFrom("text/event-stream", "text/event-stream; charset=utf-8", "application/json", "text/plain", "text/html", null),
  body: upstreamBody,
}).chain((u) => cutInto(u.body).map((chunks) => ({
  status: u.status,
  headers: (u.contentType ? [["content-type", u.contentType]] : []) as [string, string][],
  chunks: u.body.length ? chunks : [],
})));

const requestArb: fc.Arbitrary<RawRequest> = fc.record({
  method: fc.constantFrom("POST", "POST", "GET", "PUT"),
  path: pathArb,
  headers: fc.array(headerArb, { maxLength: 5 }),
  body: bodyArb.chain((b) => (b === null ? fc.constant([] as Buffer[]) : cutInto(b))),
  upstream: upstreamArb,
});

describe("random requests and random provider answers never fail the VM", () => {
  it.each(ARB_CONFIGS)("$name", async ({ provider }) => {
    const make = () => new TestGateway({ workers: 2, plugins: [{ name: "ai-proxy", config: { provider }, allowOnHeadersStopIteration: true }] });
    const failed = (g: TestGateway) => g.plugins[0].runtimes.find((rt) => rt.vm.failed)?.vm.failure;
    let gw = make();
    try {
      await fc.assert(
        fc.asyncProperty(requestArb, async (req) => {
          // A failed VM stays failed: start over so each run (and each shrinking step) is judged alone.
          if (failed(gw) !== undefined) {
            gw.close();
            gw = make();
          }
          const res = await rawExchange(gw, req);
          expect(failed(gw)).toBeUndefined();
          expect(res.reset).toBeNull();
          expect(res.status).toBeGreaterThanOrEqual(200);
          expect(res.status).toBeLessThan(600);
          if (res.details?.startsWith("ai-proxy.")) {
            // The plugin's own answers are errors in the client's format.
            const body = JSON.parse(res.body.toString("utf8"));
            const anthropicClient = req.path.toString("latin1").split("?")[0].endsWith("/v1/messages");
            if (anthropicClient) expect(body).toMatchObject({ type: "error", error: { type: expect.any(String), message: expect.any(String) } });
            else expect(body.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
          }
        }),
        { numRuns: Number(process.env.AI_PROXY_FUZZ_RUNS ?? 400) },
      );
    } finally {
      gw.close();
    }
  }, 120_000);
});
