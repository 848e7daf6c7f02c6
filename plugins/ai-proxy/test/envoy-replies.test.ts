// Replies the provider never gave — Envoy's own (413 body over the buffer limit, router 503/504) and
// other filters' (a request-block 403 after ai-proxy) — as failover and retryOnFailure see them. What has
// nothing to do with the provider neither counts against the API key nor is retried (a retry would send a
// request another filter refused); a provider Envoy could not reach, or that answered too slowly, counts
// for the key and is retried like any failed answer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TestGateway } from "../../../host/testing/index.ts";
import { keysValid, MockProvider, ok } from "./mock-provider.ts";
import { startLiveGateway, type LiveGateway } from "./support/live-gateway.ts";
import { closedPort, ScriptedUpstream } from "./support/scripted-upstream.ts";

const CLUSTER = "outbound|443||api.openai.com";
const WORKERS = 2;
const FAILOVER = { enabled: true, failureThreshold: 1, healthCheckModel: "gpt-4o-mini", healthCheckInterval: 60_000 };
const chat = (content = "hi") => JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }] });
/** A body over the 4 KiB buffer limit below, sent in chunks as a client would. */
const oversized = () => chat("x".repeat(8000)).match(/[^]{1,1024}/g)!;

describe("replies that are not the provider's, in-process", () => {
  let mock: MockProvider;
  let gw: TestGateway | null = null;
  afterEach(async () => {
    gw?.close();
    gw = null;
    await mock?.close();
  });

  function setup(provider: Record<string, unknown>, after: { name: string; config: unknown }[] = []) {
    gw = new TestGateway({
      workers: WORKERS,
      bufferLimitBytes: 4096,
      clusters: { [CLUSTER]: mock.cluster() },
      plugins: [{ name: "ai-proxy", config: { provider: { type: "openai", apiTokens: ["k1", "k2"], ...provider } } }, ...after],
    });
    return gw;
  }
  const ask = (g: TestGateway, worker: number, body: string | string[] = chat()) =>
    g.request({ method: "POST", path: "/v1/chat/completions", ...(typeof body === "string" ? { body } : { chunks: body }), cluster: CLUSTER, worker, upstream: mock.upstream });
  const outOfRotation = (g: TestGateway) => g.logs.messages().filter((m) => m.includes("out of rotation"));

  it("Envoy's 413 for a body over its buffer limit takes no key out of rotation", async () => {
    mock = await new MockProvider(keysValid("k1", "k2")).start();
    const g = setup({ failover: FAILOVER });
    // One oversized request per key, on both VMs: with failureThreshold 1 each would have taken its key out.
    for (let i = 0; i < 4; i++) {
      const res = await ask(g, i % WORKERS, oversized());
      expect([res.status, res.details]).toEqual([413, "request_payload_too_large"]);
    }
    expect(mock.requests).toHaveLength(0);
    for (let i = 0; i < 4; i++) expect((await ask(g, i % WORKERS)).status).toBe(200);
    expect(mock.keys().sort()).toEqual(["k1", "k1", "k2", "k2"]);
    expect(outOfRotation(g)).toEqual([]);
  });

  it("Envoy's 413 is not retried, with retries on: the client gets it once, the provider sees nothing", async () => {
    mock = await new MockProvider(() => ok("never")).start();
    const g = setup({ failover: FAILOVER, retryOnFailure: { enabled: true, maxRetries: 3 } });
    const res = await ask(g, 0, oversized());
    expect([res.status, res.details, res.json().error.code]).toEqual([413, "request_payload_too_large", "upstream_413"]);
    expect(mock.requests).toHaveLength(0);
    expect(outOfRotation(g)).toEqual([]);
  });

  it("a later filter's refusal (request-block 403) is neither retried past that filter nor counted against the key", async () => {
    mock = await new MockProvider(() => ok("should never be asked")).start();
    const g = setup(
      { failover: FAILOVER, retryOnFailure: { enabled: true, maxRetries: 2 } },
      [{ name: "request-block", config: { block_bodies: ["forbidden-word"] } }],
    );
    for (let w = 0; w < WORKERS; w++) {
      const res = await ask(g, w, chat("tell me the forbidden-word"));
      expect(res.status).toBe(403);
      expect(res.details).toMatch(/^request-block\./);
    }
    // Before: each 403 was retried by proxy_http_call, around request-block, to the provider.
    expect(mock.requests).toHaveLength(0);
    expect(outOfRotation(g)).toEqual([]);
    const fine = await ask(g, 0);
    expect(fine.status).toBe(200);
    expect(fine.json().choices[0].message.content).toBe("should never be asked");
  });

  it("a provider's own 413 still counts against the key (it came via_upstream)", async () => {
    mock = await new MockProvider(() => ({ status: 413, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: { message: "too large", type: "invalid_request_error", param: null, code: null } }) })).start();
    const g = setup({ failover: FAILOVER, apiTokens: ["k1"] });
    const first = await ask(g, 0);
    expect([first.status, first.details]).toEqual([413, "via_upstream"]);
    const next = await ask(g, 1);
    expect([next.status, next.json().error.code]).toEqual([503, "no_healthy_api_key"]);
  });
});

describe("replies Envoy's router made because the provider failed, through a real gateway", () => {
  let scripted: ScriptedUpstream;
  let unreachable: LiveGateway;
  let slow: LiveGateway;

  beforeAll(async () => {
    scripted = await ScriptedUpstream.start();
    const clusters = { scripted: scripted.port, closed: await closedPort() };
    // Every request goes to a closed port: the router answers 503 (connect failure) itself.
    unreachable = await startLiveGateway({
      config: { provider: { type: "openai", apiTokens: ["k1", "k2"], failover: FAILOVER } },
      clusters,
      routes: [{ name: "closed", cluster: "closed" }],
    });
    // A route timeout shorter than the provider's first answer: the router answers 504.
    slow = await startLiveGateway({
      config: { provider: { type: "openai", apiTokens: ["k1", "k2"], failover: { ...FAILOVER, failureThreshold: 2 }, retryOnFailure: { enabled: true } } },
      clusters,
      routes: [{ name: "slow", cluster: "scripted", timeout: "0.3s" }],
    });
  }, 30_000);

  afterAll(async () => {
    await unreachable?.close();
    await slow?.close();
    await scripted?.close();
  });

  const post = (gw: LiveGateway) =>
    fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: chat() });

  it("a provider Envoy cannot connect to (router 503) counts against each key: then no_healthy_api_key", async () => {
    for (let i = 0; i < 2; i++) expect((await post(unreachable)).status).toBe(503);
    const res = await post(unreachable);
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe("no_healthy_api_key");
  });

  it("a provider too slow for the route (router 504) counts for the key and is retried with the other", async () => {
    let n = 0;
    scripted.handler = (req) => (n++ === 0
      ? { delayMs: 1500, headers: { "content-type": "application/json" }, chunks: ["{}"] }
      : { headers: { "content-type": "application/json" }, chunks: [JSON.stringify({ id: "c", object: "chat.completion", model: "gpt-4o", choices: [{ index: 0, message: { role: "assistant", content: "from " + req.headers.authorization }, finish_reason: "stop" }] })] });
    const res = await post(slow);
    expect(res.status).toBe(200);
    const keys = scripted.requests.slice(-2).map((r) => r.headers.authorization);
    expect(keys[0]).not.toBe(keys[1]);
    expect((await res.json()).choices[0].message.content).toBe("from " + keys[1]);
    expect(slow.log.messages().filter((m) => m.includes("out of rotation"))).toEqual([]); // threshold 2: one failure so far
  });
});
