// Failover: API keys that keep failing leave the rotation of every worker VM (shared data), health checks
// with healthCheckModel bring them back, and with every key out clients get a clear 503 in their format.
// The provider is a real HTTP server on 127.0.0.1; health checks reach it through the host's cluster.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../host/index.ts";
import { TestGateway } from "../../../host/testing/index.ts";
import { callsSettled, keysValid, MockProvider, ok, openAiError } from "./mock-provider.ts";

const CLUSTER = "outbound|443||api.openai.com";
const WORKERS = 4;
const chat = (model = "gpt-4o") => JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] });

let mock: MockProvider;
let gw: TestGateway | null = null;
afterEach(async () => {
  gw?.close();
  gw = null;
  await mock?.close();
});

async function setup(failover: Record<string, unknown>, apiTokens = ["bad", "good"], clock?: ManualClock) {
  mock = await new MockProvider(keysValid("good")).start();
  gw = new TestGateway({
    workers: WORKERS,
    clock,
    clusters: { [CLUSTER]: mock.cluster() },
    plugins: [{
      name: "ai-proxy",
      config: { provider: { type: "openai", apiTokens, failover: { enabled: true, healthCheckModel: "gpt-4o-mini", ...failover } } },
    }],
  });
  return gw;
}

const ask = (g: TestGateway, worker?: number) =>
  g.request({ method: "POST", path: "/v1/chat/completions", body: chat(), cluster: CLUSTER, worker, upstream: mock.upstream });

describe("ai-proxy failover", () => {
  it("two keys, one answering 401: only the first client sees it, then every VM skips the bad key", async () => {
    const g = await setup({ failureThreshold: 1 });
    const first = await ask(g, 0);
    expect(first.status).toBe(401); // failover alone does not retry
    for (let round = 0; round < 3; round++) {
      for (let w = 0; w < WORKERS; w++) {
        const res = await ask(g, w);
        expect(res.status).toBe(200);
        expect(res.json().choices[0].message.content).toBe("hello from good");
      }
    }
    expect(mock.keys()).toEqual(["bad", ...Array(3 * WORKERS).fill("good")]);
  });

  it("takes a key out only after failureThreshold failures in a row, counted across VMs", async () => {
    const g = await setup({ failureThreshold: 3 }, ["flaky"]);
    const script = [503, 503, 200, 503, 503, 503];
    let n = 0;
    mock.handler = () => (script[n] === 200 ? (n++, ok("fine")) : openAiError(script[n++] ?? 500, "overloaded"));
    const statuses: number[] = [];
    // Each request on another worker: the count lives in shared data, not in one VM.
    for (let i = 0; i < script.length; i++) statuses.push((await ask(g, i % WORKERS)).status);
    expect(statuses).toEqual(script);
    const res = await ask(g, 2);
    expect(res.status).toBe(503);
    expect(res.json().error.code).toBe("no_healthy_api_key");
    expect(res.upstream).toBeNull();
    expect(mock.requests).toHaveLength(script.length);
  });

  it("counts only statuses matching failoverOnStatus", async () => {
    const g = await setup({ failureThreshold: 1, failoverOnStatus: ["5.*"] }, ["k"]);
    mock.handler = () => openAiError(401, "no");
    for (let w = 0; w < WORKERS; w++) expect((await ask(g, w)).status).toBe(401);
    expect(mock.requests).toHaveLength(WORKERS); // 401 does not count: the key stays in
    mock.handler = () => openAiError(502, "bad gateway");
    expect((await ask(g, 0)).status).toBe(502);
    expect((await ask(g, 1)).json().error.code).toBe("no_healthy_api_key");
    expect(mock.requests).toHaveLength(WORKERS + 1);
  });

  it("answers 503 in the client's own format when every key is out", async () => {
    const g = await setup({ failureThreshold: 1 }, ["k1", "k2"]);
    expect((await ask(g, 0)).status).toBe(401);
    expect((await ask(g, 1)).status).toBe(401);

    const openai = await ask(g, 2);
    expect(openai.status).toBe(503);
    expect(openai.headers.get("content-type")).toBe("application/json");
    expect(openai.json().error).toMatchObject({ type: "service_unavailable", code: "no_healthy_api_key" });
    expect(openai.json().error.message).toContain("out of rotation");
    expect(openai.details).toBe("ai-proxy.no_healthy_api_key");

    const anthropic = await g.request({
      method: "POST", path: "/v1/messages", cluster: CLUSTER, worker: 3, upstream: mock.upstream,
      body: JSON.stringify({ model: "gpt-4o", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(anthropic.status).toBe(503);
    expect(anthropic.json().type).toBe("error");
    expect(anthropic.json().error.type).toBe("api_error");
    expect(anthropic.upstream).toBeNull();
    expect(mock.requests).toHaveLength(2);
  });

  it("health-checks an out key with healthCheckModel from one VM per interval and puts it back after successThreshold passes", async () => {
    const clock = new ManualClock();
    const g = await setup({ failureThreshold: 1, successThreshold: 2, healthCheckInterval: 1000, healthCheckTimeout: 500 }, ["bad", "good"], clock);
    expect((await ask(g, 0)).status).toBe(401);
    const afterFailure = mock.requests.length;

    // First interval: every VM ticks, one sends the check; the key still fails it.
    clock.advance(1000);
    await callsSettled(g);
    const checks = mock.requests.slice(afterFailure);
    expect(checks).toHaveLength(1);
    const check = checks[0];
    expect(check.method).toBe("POST");
    expect(check.path).toBe("/v1/chat/completions");
    expect(check.headers.host).toBe("api.openai.com");
    expect(check.key).toBe("bad");
    expect(check.json()).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ping" }], max_tokens: 1 });
    for (let w = 0; w < WORKERS; w++) expect((await ask(g, w)).status).toBe(200);

    // The key is fixed: one pass is not enough with successThreshold 2.
    mock.handler = keysValid("good", "bad");
    clock.advance(1000);
    await callsSettled(g);
    expect(mock.requests.filter((r) => r.body.includes('"ping"'))).toHaveLength(2);
    const beforeSecondPass = mock.requests.length;
    for (let w = 0; w < WORKERS; w++) await ask(g, w);
    expect(mock.keys().slice(beforeSecondPass)).toEqual(Array(WORKERS).fill("good"));

    // Second pass: back in rotation on every VM (each VM alternates its keys again).
    clock.advance(1000);
    await callsSettled(g);
    expect(mock.requests.filter((r) => r.body.includes('"ping"'))).toHaveLength(3);
    const back = mock.requests.length;
    for (let w = 0; w < WORKERS; w++) for (let i = 0; i < 2; i++) expect((await ask(g, w)).status).toBe(200);
    const used = mock.keys().slice(back);
    expect(used.filter((k) => k === "bad")).toHaveLength(WORKERS);
    expect(used.filter((k) => k === "good")).toHaveLength(WORKERS);
    // Both transitions are logged once, naming the key by position, never by value.
    expect(g.logs.messages("warn").filter((m) => m.includes("API key #0 of provider 'openai' is out of rotation"))).toHaveLength(1);
    expect(g.logs.messages("info").filter((m) => m.includes("API key #0 of provider 'openai' is back in rotation"))).toHaveLength(1);
    expect(g.logs.messages().join("\n")).not.toContain("bad");

    // Healthy keys are not checked.
    clock.advance(5000);
    await callsSettled(g);
    expect(mock.requests.filter((r) => r.body.includes('"ping"'))).toHaveLength(3);
  });

  it("refuses failover without healthCheckModel", async () => {
    mock = await new MockProvider(keysValid()).start();
    expect(() => new TestGateway({
      plugins: [{ name: "ai-proxy", config: { provider: { type: "openai", apiTokens: ["k"], failover: { enabled: true } } } }],
    })).toThrow(/provider\.failover\.healthCheckModel: is required when failover is enabled/);
  });
});
