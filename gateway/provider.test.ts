import { describe, expect, it } from "vitest";
import { loadBootstrapFile } from "./bootstrap/load.ts";
import { mockEndpoint, useOpenAI } from "./provider.ts";

describe("provider selection for make run", () => {
  it("serves envoy/envoy.yaml's openai cluster with the mock when no key is given", () => {
    expect(mockEndpoint(loadBootstrapFile("envoy/envoy.yaml"))).toEqual({ address: "127.0.0.1", port: 10901 });
  });

  it("sends the openai cluster to api.openai.com over verified TLS and gives ai-proxy the key", () => {
    const config = loadBootstrapFile("envoy/envoy.yaml");
    useOpenAI(config, "sk-real");
    expect(config.clusters.find((c) => c.name === "openai")).toMatchObject({
      type: "LOGICAL_DNS",
      endpoints: [{ address: "api.openai.com", port: 443 }],
      tls: { sni: "api.openai.com", verify: true },
    });
    const aiProxy = config.listeners[0].filters.find((f) => f.pluginName === "ai-proxy")!;
    expect(JSON.parse(aiProxy.configuration).provider).toEqual({ type: "openai", apiTokens: ["sk-real"] });
    expect(mockEndpoint(config)).toBeNull();
  });
});
