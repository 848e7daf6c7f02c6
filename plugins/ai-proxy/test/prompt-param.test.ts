// The prompt-param mode (Higress's first chatgpt-proxy): `GET /?text=Say,hello` becomes a chat request the
// plugin sends itself to the route's cluster; the client gets the provider's answer as OpenAI JSON.
import { afterEach, describe, expect, it } from "vitest";
import { TestGateway } from "../../../host/testing/index.ts";
import { completion, keysValid, MockProvider, ok, openAiError } from "./mock-provider.ts";

const CLUSTER = "outbound|443||api.openai.com";

let mock: MockProvider;
let gw: TestGateway | null = null;
afterEach(async () => {
  gw?.close();
  gw = null;
  await mock?.close();
});

async function setup(provider: Record<string, unknown> = {}, top: Record<string, unknown> = { promptParam: "text", promptModel: "curie" }) {
  mock = await new MockProvider(() => ok("Hello!")).start();
  gw = new TestGateway({
    workers: 2,
    clusters: { [CLUSTER]: mock.cluster() },
    plugins: [{ name: "ai-proxy", config: { ...top, provider: { type: "openai", apiTokens: ["sk-1"], ...provider } } }],
  });
  return gw;
}

const prompt = (g: TestGateway, path: string, cluster = CLUSTER) => g.request({ path, cluster, upstream: mock.upstream, headers: { authorization: "Bearer gateway-key" } });

describe("ai-proxy promptParam", () => {
  it("turns GET /?text=Say,hello into a chat request and answers with the provider's completion", async () => {
    const g = await setup({ modelMapping: { curie: "gpt-4o-mini" } });
    const res = await prompt(g, "/?text=Say,hello");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json()).toEqual(completion("Hello!"));
    expect(res.upstream).toBeNull(); // the request itself never went upstream
    expect(mock.requests).toHaveLength(1);
    const sent = mock.requests[0];
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.host).toBe("api.openai.com");
    expect(sent.key).toBe("sk-1");
    expect(sent.json()).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say,hello" }] });
    expect(res.info.filterState.get("ai_model")?.toString()).toBe("curie");
    expect(res.info.filterState.get("ai_input_tokens")?.toString()).toBe("7");
  });

  it("decodes the prompt as a form value", async () => {
    const g = await setup();
    await prompt(g, "/ask?lang=en&text=Say+hello%2C%20w%C3%B6rld%2B&x=1");
    expect(mock.requests[0].json().messages[0].content).toBe("Say hello, wörld+");
  });

  it("leaves requests without the parameter, and the AI APIs, to the normal flow", async () => {
    const g = await setup();
    const plain = await g.request({ path: "/status?q=1", cluster: CLUSTER }); // echo upstream
    expect(plain.status).toBe(200);
    expect(plain.json().headers.authorization).toBeUndefined();
    expect(mock.requests).toHaveLength(0);
    const api = await g.request({
      method: "POST", path: "/v1/chat/completions?text=ignored", cluster: CLUSTER, upstream: mock.upstream,
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "from the body" }] }),
    });
    expect(api.status).toBe(200);
    expect(mock.requests[0].json().messages[0].content).toBe("from the body");
  });

  it("passes a provider error on in OpenAI's format, and retries it with another key when retryOnFailure is on", async () => {
    const g = await setup({ apiTokens: ["bad", "good"] });
    mock.handler = keysValid("good");
    const failed = await prompt(g, "/?text=hi");
    expect(failed.status).toBe(401);
    expect(failed.json().error.message).toBe("Incorrect API key provided");
    gw!.close();
    await mock.close();

    const r = await setup({ apiTokens: ["bad", "good"], retryOnFailure: { enabled: true } });
    mock.handler = keysValid("good");
    const res = await prompt(r, "/?text=hi");
    expect(res.status).toBe(200);
    expect(res.json().choices[0].message.content).toBe("hello from good");
    expect(mock.keys()).toEqual(["bad", "good"]);
  });

  it("answers 503 when every key is out of rotation, without calling the provider", async () => {
    const g = await setup({ failover: { enabled: true, failureThreshold: 1, healthCheckModel: "gpt-4o-mini" } });
    mock.handler = () => openAiError(500, "down");
    expect((await prompt(g, "/?text=hi")).status).toBe(500);
    const res = await prompt(g, "/?text=hi");
    expect(res.status).toBe(503);
    expect(res.json().error.code).toBe("no_healthy_api_key");
    expect(mock.requests).toHaveLength(1);
  });

  it("refuses an empty prompt and a route without a cluster", async () => {
    const g = await setup();
    const empty = await prompt(g, "/?text=");
    expect(empty.status).toBe(400);
    expect(empty.json().error.code).toBe("missing_prompt");
    const noCluster = await prompt(g, "/?text=hi", "");
    expect(noCluster.status).toBe(503);
    expect(noCluster.json().error.code).toBe("no_upstream_cluster");
    expect(mock.requests).toHaveLength(0);
  });

  it("reports a provider that cannot be reached as a 503 in OpenAI's format", async () => {
    const g = await setup();
    await mock.close(); // nothing listens on the cluster's port any more
    const res = await prompt(g, "/?text=hi");
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json().error.code).toBe("upstream_503");
    expect(res.json().error.message).toContain("upstream connect error");
  });

  it("needs promptModel with promptParam, and promptParam for promptModel", async () => {
    mock = await new MockProvider(() => ok("")).start();
    const load = (top: Record<string, unknown>) => () => new TestGateway({
      plugins: [{ name: "ai-proxy", config: { ...top, provider: { type: "openai", apiTokens: ["k"] } } }],
    });
    expect(load({ promptParam: "text" })).toThrow(/promptModel: is required/);
    expect(load({ promptModel: "gpt-4o" })).toThrow(/promptModel: only applies with promptParam/);
    expect(load({ promptParam: "", promptModel: "m" })).toThrow(/promptParam: must not be empty/);
  });
});
