// ai-proxy with the azure provider: the three forms of azureServiceUrl (full URL, resource +
// deployment, resource only with the deployment taken from the mapped model), the api-version query
// on every path, the key in `api-key`, and Azure's OpenAI-format answers passed through with usage
// counted (Azure's extra first stream chunk included). Golden files: test/fixtures/azure/.
import { describe, expect, it } from "vitest";
import type { UpstreamRequest } from "../../../host/testing/index.ts";
import { configError, everyNBytes, fixtureJson, fixtureText, gateway, sseData, tokens } from "./fixtures/load.ts";

const P = "azure";
const HOST = "ferries.openai.azure.com";
const Q = "api-version=2024-10-21";
const JSON_TYPE = { "content-type": "application/json" };
const SSE = { "content-type": "text/event-stream" };
const azure = (azureServiceUrl: string, extra: Record<string, unknown> = {}) => ({ type: "azure", apiTokens: ["az-key-1"], azureServiceUrl, ...extra });
const FULL = `https://${HOST}/openai/deployments/gpt4o-prod/chat/completions?${Q}`;
const DEPLOYMENT = `https://${HOST}/openai/deployments/gpt4o-prod?${Q}`;
const RESOURCE = `https://${HOST}?${Q}`;

function expectAzureHeaders(req: UpstreamRequest, path: string) {
  expect(req.headers.get(":authority")).toBe(HOST);
  expect(req.headers.get(":path")).toBe(path);
  expect(req.headers.get("api-key")).toBe("az-key-1");
  expect(req.headers.has("authorization")).toBe(false);
}

/** Sends `body` to `path` and returns the path and body the provider received. */
async function sent(provider: Record<string, unknown>, path: string, body: unknown) {
  const gw = gateway(provider);
  const res = await gw.request({
    method: "POST",
    path,
    headers: { authorization: "Bearer gateway-key", "api-key": "gateway-key" },
    body: JSON.stringify(body),
    upstream: { headers: JSON_TYPE, body: fixtureText(P, "completion.azure.json") },
  });
  expect(res.upstream!.headers.get("api-key")).toBe("az-key-1");
  return { path: res.upstream!.headers.get(":path"), body: JSON.parse(res.upstream!.body.toString()) };
}

const chatRequest = fixtureJson(P, "chat.openai-request.json");
const embeddingRequest = { model: "text-embedding-3-small", input: "ferry" };

describe("azure provider paths", () => {
  it.each([
    ["a full URL", FULL, "/v1/chat/completions", chatRequest, "/openai/deployments/gpt4o-prod/chat/completions"],
    ["a full URL, for embeddings (next to the chat path)", FULL, "/v1/embeddings", embeddingRequest, "/openai/deployments/gpt4o-prod/embeddings"],
    ["resource + deployment", DEPLOYMENT, "/v1/chat/completions", chatRequest, "/openai/deployments/gpt4o-prod/chat/completions"],
    ["resource + deployment, for embeddings", DEPLOYMENT, "/v1/embeddings", embeddingRequest, "/openai/deployments/gpt4o-prod/embeddings"],
    ["resource only (the model names the deployment)", RESOURCE, "/v1/chat/completions", chatRequest, "/openai/deployments/gpt-4o/chat/completions"],
    ["resource only, for embeddings", RESOURCE, "/v1/embeddings", embeddingRequest, "/openai/deployments/text-embedding-3-small/embeddings"],
    ["a custom path (used as given, as Higress does)", `https://${HOST}/custom/llm?${Q}`, "/v1/chat/completions", chatRequest, "/custom/llm"],
  ])("sends chat and embeddings for %s", async (_form, url, clientPath, body, path) => {
    const got = await sent(azure(url), clientPath, body);
    expect(got.path).toBe(`${path}?${Q}`);
    expect(got.body).toEqual(body);
  });

  it("uses the mapped model as the deployment and keeps every query parameter", async () => {
    const got = await sent(azure(`https://${HOST}/?${Q}&extra=1`, { modelMapping: { "gpt-4o": "ferries-4o" } }), "/v1/chat/completions", chatRequest);
    expect(got.path).toBe(`/openai/deployments/ferries-4o/chat/completions?${Q}&extra=1`);
    expect(got.body).toEqual({ ...chatRequest, model: "ferries-4o" });
  });

  it("lists models at /openai/models with the api-version", async () => {
    const gw = gateway(azure(FULL));
    const res = await gw.request({ method: "GET", path: "/v1/models", upstream: { headers: JSON_TYPE, body: '{"data":[]}' } });
    expectAzureHeaders(res.upstream!, `/openai/models?${Q}`);
  });

  it("adds the client's model-list query to the configured one, whose api-version wins", async () => {
    const gw = gateway(azure(FULL));
    const res = await gw.request({ method: "GET", path: "/v1/models?api-version=2023-05-15&limit=5&&flag", upstream: { headers: JSON_TYPE, body: '{"data":[]}' } });
    expectAzureHeaders(res.upstream!, `/openai/models?${Q}&limit=5&flag`);
  });
});

describe("azure provider answers", () => {
  it("passes Azure's completion through unchanged and counts its usage", async () => {
    const gw = gateway(azure(FULL));
    const answer = fixtureText(P, "completion.azure.json");
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: JSON.stringify(chatRequest),
      upstream: (req) => {
        expectAzureHeaders(req, `/openai/deployments/gpt4o-prod/chat/completions?${Q}`);
        return { headers: JSON_TYPE, body: answer };
      },
    });
    expect(res.text()).toBe(answer);
    expect(tokens(gw, "input")).toBe(31);
    expect(tokens(gw, "output")).toBe(11);
  });

  it("asks a stream for usage and passes Azure's chunks (prompt-filter chunk first) through unchanged", async () => {
    const gw = gateway(azure(RESOURCE));
    const stream = fixtureText(P, "stream.azure.sse");
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: JSON.stringify({ ...chatRequest, stream: true }),
      upstream: (req) => {
        expectAzureHeaders(req, `/openai/deployments/gpt-4o/chat/completions?${Q}`);
        expect(JSON.parse(req.body.toString())).toEqual({ ...chatRequest, stream: true, stream_options: { include_usage: true } });
        return { headers: SSE, chunks: everyNBytes(stream, 37) };
      },
    });
    expect(res.text()).toBe(stream);
    expect(sseData(res.text()).pop()).toBe("[DONE]");
    expect(tokens(gw, "input")).toBe(31);
    expect(tokens(gw, "output")).toBe(4);
  });

  it("passes Azure's own error body through for OpenAI clients", async () => {
    const gw = gateway(azure(FULL));
    const error = '{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation have exceeded the rate limit."}}';
    const res = await gw.request({
      method: "POST",
      path: "/v1/chat/completions",
      body: JSON.stringify(chatRequest),
      upstream: { status: 429, headers: JSON_TYPE, body: error },
    });
    expect(res.status).toBe(429);
    expect(res.text()).toBe(error);
  });

  it("serves Anthropic clients, with the deployment from the model", async () => {
    const gw = gateway(azure(RESOURCE));
    const res = await gw.request({
      method: "POST",
      path: "/v1/messages",
      body: JSON.stringify({ model: "gpt-4o", max_tokens: 50, messages: [{ role: "user", content: "Last ferry?" }] }),
      upstream: (req) => {
        expectAzureHeaders(req, `/openai/deployments/gpt-4o/chat/completions?${Q}`);
        return { headers: JSON_TYPE, body: fixtureText(P, "completion.azure.json") };
      },
    });
    expect(res.json()).toMatchObject({ type: "message", content: [{ type: "text", text: "Around 01:40 from Cais do Sodré." }], usage: { input_tokens: 31, output_tokens: 11 } });
  });
});

describe("azure provider configuration", () => {
  const PREFIX = "ai-proxy: invalid configuration: ";
  it.each([
    ["no azureServiceUrl", { type: "azure", apiTokens: ["k"] }, "provider.azureServiceUrl: is required"],
    ["a URL without api-version", azure(`https://${HOST}/openai/deployments/d`), "provider.azureServiceUrl: needs the api-version query parameter, e.g. ?api-version=2024-10-21"],
    ["a URL without a host", azure(`https:///openai?${Q}`), "provider.azureServiceUrl: needs a host, e.g. https://my-resource.openai.azure.com"],
  ])("refuses %s", (_what, provider, problem) => {
    expect(configError(provider)).toBe(PREFIX + problem);
  });

  it("lets providerDomain override the URL's host", async () => {
    const gw = gateway(azure(DEPLOYMENT, { providerDomain: "azure-proxy.internal" }));
    const res = await gw.request({ method: "POST", path: "/v1/chat/completions", body: JSON.stringify(chatRequest), upstream: { headers: JSON_TYPE, body: "{}" } });
    expect(res.upstream!.headers.get(":authority")).toBe("azure-proxy.internal");
  });
});
