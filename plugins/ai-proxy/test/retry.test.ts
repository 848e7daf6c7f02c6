// retryOnFailure: a failed provider answer is held, retried with another key through proxy_http_call to
// the request's cluster, and the client gets the retried answer (translated like any other) or the last
// failure in its own error format. The provider is a real HTTP server on 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import { TestGateway } from "../../../host/testing/index.ts";
import { completion, keysValid, type MockAnswer, MockProvider, ok, openAiError } from "./mock-provider.ts";

const CLUSTER = "outbound|443||api.openai.com";
const WORKERS = 4;
const chat = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], ...extra });

let mock: MockProvider;
let gw: TestGateway | null = null;
afterEach(async () => {
  gw?.close();
  gw = null;
  await mock?.close();
});

interface Setup {
  apiTokens?: string[];
  retry?: Record<string, unknown>;
  failover?: Record<string, unknown>;
  allowOnHeadersStopIteration?: boolean;
}

async function setup(handler: (req: any) => MockAnswer, s: Setup = {}) {
  mock = await new MockProvider(handler).start();
  const provider: Record<string, unknown> = {
    type: "openai",
    apiTokens: s.apiTokens ?? ["bad", "good"],
    retryOnFailure: { enabled: true, ...s.retry },
  };
  if (s.failover) provider.failover = { enabled: true, healthCheckModel: "gpt-4o-mini", ...s.failover };
  gw = new TestGateway({
    workers: WORKERS,
    clusters: { [CLUSTER]: mock.cluster() },
    plugins: [{ name: "ai-proxy", config: { provider }, allowOnHeadersStopIteration: s.allowOnHeadersStopIteration }],
  });
  return gw;
}

const ask = (g: TestGateway, worker?: number, body = chat()) =>
  g.request({ method: "POST", path: "/v1/chat/completions", body, cluster: CLUSTER, worker, upstream: mock.upstream });

describe("ai-proxy retryOnFailure", () => {
  it("two keys, one answering 401, with retry and failover: every client succeeds and every VM skips the bad key after the first failure", async () => {
    const g = await setup(keysValid("good"), { failover: { failureThreshold: 1 } });
    for (let round = 0; round < 3; round++) {
      for (let w = 0; w < WORKERS; w++) {
        const res = await ask(g, w);
        expect(res.status).toBe(200);
        expect(res.json().choices[0].message.content).toBe("hello from good");
      }
    }
    // One 401 (the first request, retried once with the good key), then straight to the good key.
    expect(mock.keys()).toEqual(["bad", "good", ...Array(3 * WORKERS - 1).fill("good")]);
  });

  for (const allow of [false, true]) {
    it(`hands the client the retried answer, never the held one (allow_on_headers_stop_iteration ${allow})`, async () => {
      const g = await setup(
        (req) => req.key === "good"
          ? { ...ok("second try"), headers: { "content-type": "application/json", "x-request-id": "retry-2" } }
          : { ...openAiError(429, "SECRET first answer"), headers: { "content-type": "application/json", "x-request-id": "first-1" } },
        { allowOnHeadersStopIteration: allow },
      );
      const res = await ask(g, 0);
      expect(res.status).toBe(200);
      expect(res.json().choices[0].message.content).toBe("second try");
      expect(res.headers.get("x-request-id")).toBe("retry-2");
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.text()).not.toContain("SECRET");
      // The retry is the same translated request with the other key.
      const [first, retried] = mock.requests;
      expect([first.key, retried.key]).toEqual(["bad", "good"]);
      expect(retried.path).toBe(first.path);
      expect(retried.headers.host).toBe("api.openai.com");
      expect(retried.json()).toEqual(first.json());
      // Usage is still accounted from the retried answer.
      const input = g.metrics.names().find((n) => n.includes("gen_ai.client.token.usage") && n.includes("gen_ai.token.type=input"))!;
      expect(g.metrics.value(input)).toBe(7);
      expect(res.info.filterState.get("ai_output_tokens")?.toString()).toBe("3");
    });
  }

  it("retries streams that failed before their first byte and answers with the whole SSE body", async () => {
    const events = [
      { id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "str" }, finish_reason: null }] },
      { id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "eamed" }, finish_reason: "stop" }] },
      { id: "c", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } },
    ];
    const sse = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n";
    const g = await setup((req) => req.key === "good"
      ? { status: 200, headers: { "content-type": "text/event-stream" }, body: sse }
      : openAiError(503, "overloaded"));
    const res = await ask(g, 1, chat({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.text()).toBe(sse);
    expect(mock.requests[1].json().stream_options).toEqual({ include_usage: true });
    expect(res.info.filterState.get("ai_output_tokens")?.toString()).toBe("2");
  });

  it("serves Anthropic clients the retried answer in Anthropic's format", async () => {
    const g = await setup((req) => (req.key === "good" ? { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(completion("hello")) } : openAiError(500, "boom")));
    const res = await g.request({
      method: "POST", path: "/v1/messages", cluster: CLUSTER, upstream: mock.upstream,
      body: JSON.stringify({ model: "gpt-4o", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ type: "message", content: [{ type: "text", text: "hello" }], usage: { input_tokens: 7, output_tokens: 3 } });
  });

  it("answers the last failure in the client's format once maxRetries are used up", async () => {
    let n = 0;
    const g = await setup(() => openAiError(503, `overloaded #${++n}`), { apiTokens: ["a", "b"], retry: { maxRetries: 2 } });
    const res = await ask(g, 0);
    expect(res.status).toBe(503);
    expect(res.json().error.code).toBe("retries_exhausted");
    expect(res.json().error.type).toBe("upstream_error");
    expect(res.json().error.message).toBe("the provider failed 3 attempts; last: overloaded #3");
    // One attempt by Envoy, two retries; the second retry goes round to a key already tried.
    expect(mock.keys()).toEqual(["a", "b", "a"]);

    const anthropic = await g.request({
      method: "POST", path: "/v1/messages", cluster: CLUSTER, upstream: mock.upstream,
      body: JSON.stringify({ model: "gpt-4o", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(anthropic.status).toBe(503);
    expect(anthropic.json()).toEqual({ type: "error", error: { type: "api_error", message: "the provider failed 3 attempts; last: overloaded #6" } });
  });

  it("answers an Anthropic client the last failure with the Anthropic type the claude provider sent", async () => {
    const billing = JSON.stringify({ type: "error", error: { type: "billing_error", message: "Your credit balance is too low" } });
    mock = await new MockProvider(() => ({ status: 402, headers: { "content-type": "application/json" }, body: billing })).start();
    gw = new TestGateway({
      clusters: { [CLUSTER]: mock.cluster() },
      plugins: [{ name: "ai-proxy", config: { provider: { type: "claude", apiTokens: ["sk-ant-a", "sk-ant-b"], retryOnFailure: { enabled: true } } } }],
    });
    const res = await gw.request({
      method: "POST", path: "/v1/messages", cluster: CLUSTER, upstream: mock.upstream,
      body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(402);
    expect(res.json()).toEqual({ type: "error", error: { type: "billing_error", message: "the provider failed 2 attempts; last: Your credit balance is too low" } });
    expect(mock.requests.map((r) => r.headers["x-api-key"])).toEqual(["sk-ant-a", "sk-ant-b"]);
  });

  // A retried request must end as the same request answered directly would: with `protocol: original`
  // the client speaks the provider's API, so a provider's error page reaches it as sent; otherwise an
  // error that is not JSON is put in the client's format. Both, answered directly and after a retry.
  for (const protocol of ["original", "openai"]) {
    it(`answers an error page after a retry as it answers one directly (protocol ${protocol})`, async () => {
      const page = { status: 502, headers: { "content-type": "text/html" }, body: "<html>bad gateway</html>" };
      mock = await new MockProvider((req) => (req.key === "first" ? openAiError(503, "overloaded") : page)).start();
      const answers = [];
      for (const apiTokens of [["second"], ["first", "second"]]) {
        gw?.close();
        gw = new TestGateway({
          clusters: { [CLUSTER]: mock.cluster() },
          plugins: [{ name: "ai-proxy", config: { provider: { type: "openai", protocol, apiTokens, retryOnFailure: { enabled: true, retryOnStatus: ["503"] } } } }],
        });
        const res = await ask(gw, 0);
        answers.push([res.status, res.headers.get("content-type"), protocol === "original" ? res.text() : res.json().error.message]);
      }
      expect(mock.keys()).toEqual(["second", "first", "second"]);
      const expected = protocol === "original" ? [502, "text/html", "<html>bad gateway</html>"] : [502, "application/json", "<html>bad gateway</html>"];
      expect(answers).toEqual([expected, expected]);
    });
  }

  it("leaves answers whose status is not in retryOnStatus alone", async () => {
    const g = await setup(() => openAiError(400, "bad request"), { retry: { retryOnStatus: ["5.*", "429"] } });
    const res = await ask(g, 0);
    expect(res.status).toBe(400);
    expect(res.json().error.message).toBe("bad request");
    expect(mock.requests).toHaveLength(1);
  });

  it("stops retrying at retryTimeout and answers a 504", async () => {
    const g = await setup((req) => (req.key === "bad" ? openAiError(503, "overloaded") : { ...ok("too late"), delayMs: 2000 }), { retry: { retryTimeout: 200, maxRetries: 3 } });
    const res = await ask(g, 0);
    expect(res.status).toBe(504);
    expect(res.json().error.code).toBe("retries_exhausted");
    expect(res.json().error.message).toContain("upstream request timeout");
    // The budget is wall-clock time: a timer firing a hair early may leave room for one more short try.
    expect(mock.keys().slice(0, 2)).toEqual(["bad", "good"]);
    expect(mock.requests.length).toBeLessThanOrEqual(3);
  });

  it("retries to a generic upstream with the client's host and path", async () => {
    mock = await new MockProvider(keysValid("good")).start();
    gw = new TestGateway({
      clusters: { [CLUSTER]: mock.cluster() },
      plugins: [{ name: "ai-proxy", config: { provider: { type: "generic", apiTokens: ["bad", "good"], retryOnFailure: { enabled: true } } } }],
    });
    const res = await gw.request({
      method: "POST", path: "/team-a/v1/chat/completions", authority: "llm.internal:8080", body: chat(), cluster: CLUSTER, upstream: mock.upstream,
    });
    expect(res.status).toBe(200);
    const [first, retried] = mock.requests;
    expect(retried.key).toBe("good");
    expect(retried.headers.host).toBe("llm.internal:8080");
    expect([first.path, retried.path]).toEqual(["/team-a/v1/chat/completions", "/team-a/v1/chat/completions"]);
  });

  it("does not retry with keys that are out of rotation", async () => {
    const g = await setup(() => openAiError(401, "invalid key"), { apiTokens: ["a", "b"], failover: { failureThreshold: 1 }, retry: { maxRetries: 5 } });
    const res = await ask(g, 0);
    // a fails (out), the retry takes b, b fails (out): no healthy key left for more retries.
    expect(res.status).toBe(401);
    expect(res.json().error.code).toBe("retries_exhausted");
    expect(mock.keys()).toEqual(["a", "b"]);
    expect((await ask(g, 1)).json().error.code).toBe("no_healthy_api_key");
  });
});
