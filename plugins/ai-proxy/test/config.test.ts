// Configuration as shipped: the example WasmPlugin config (examples/wasmplugin.yaml, in the generated
// deploy/istio/ai-proxy.yaml form with `_rules_`) is accepted and routes as its comments say; spec.yaml
// lists exactly the provider types the plugin knows; and a configuration in which one of `provider` /
// `providers` would be ignored is refused with one line naming the field.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { PluginConfigError } from "../../../host/index.ts";
import { PROJECT_ROOT, TestGateway } from "../../../host/testing/index.ts";

const read = (...path: string[]) => readFileSync(join(PROJECT_ROOT, ...path), "utf8");

function refusal(config: unknown): string {
  try {
    new TestGateway({ plugins: [{ name: "ai-proxy", config }] }).close();
  } catch (e) {
    if (!(e instanceof PluginConfigError)) throw e;
    return e.logs.filter((r) => r.level === "error").map((r) => r.message).join("\n");
  }
  throw new Error(`configuration was accepted: ${JSON.stringify(config)}`);
}

describe("the shipped example configuration", () => {
  const pluginConfig = parse(read("deploy", "istio", "ai-proxy.yaml")).spec.pluginConfig;
  const gw = new TestGateway({ plugins: [{ name: "ai-proxy", config: pluginConfig }] });
  const upstreamOf = async (opts: { route?: string; authority?: string }) => {
    const res = await gw.request({
      method: "POST", path: "/v1/chat/completions", ...opts,
      body: JSON.stringify({ model: "gpt-3.5-turbo", messages: [{ role: "user", content: "hi" }] }),
      upstream: { headers: { "content-type": "application/json" }, body: "{}" },
    });
    const sent = JSON.parse(res.upstream!.body.toString());
    return { host: res.upstream!.headers.get(":authority"), path: res.upstream!.headers.get(":path"), model: sent.model };
  };

  it("sends requests to OpenAI by default, mapping gpt-3.5-* to gpt-4o-mini", async () => {
    expect(await upstreamOf({})).toEqual({ host: "api.openai.com", path: "/v1/chat/completions", model: "gpt-4o-mini" });
  });

  it("sends the route default/claude-chat to Anthropic and the domain deepseek.example.com to DeepSeek", async () => {
    expect(await upstreamOf({ route: "default/claude-chat" })).toEqual({ host: "api.anthropic.com", path: "/v1/messages", model: "claude-sonnet-4-5" });
    expect(await upstreamOf({ authority: "deepseek.example.com" })).toEqual({ host: "api.deepseek.com", path: "/v1/chat/completions", model: "deepseek-chat" });
  });
});

describe("spec.yaml", () => {
  it("lists exactly the provider types of providers/registry.ts", () => {
    const registry = /PROVIDER_TYPES = \[([^\]]*)\]/.exec(read("plugins", "ai-proxy", "providers", "registry.ts"))![1];
    const known = [...registry.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    const spec = parse(read("plugins", "ai-proxy", "spec.yaml"));
    expect(spec.spec.configSchema.openAPIV3Schema.properties.provider.properties.type.enum).toEqual(known);
    expect([spec.spec.phase, spec.spec.priority]).toEqual(["UNSPECIFIED_PHASE", 100]);
  });
});

describe("provider and providers together are refused", () => {
  const openai = { type: "openai", apiTokens: ["k"] };
  const BOTH = "give either `provider` or `providers` with `activeProviderId`, not both (a rule picks another provider by naming its id in activeProviderId)";

  it("at the top level", () => {
    expect(refusal({ provider: openai, providers: [{ id: "a", ...openai }], activeProviderId: "a" })).toBe(`ai-proxy: invalid configuration: provider: ${BOTH}`);
  });

  it("in a rule whose own provider would have been ignored under a global providers list", () => {
    expect(refusal({
      providers: [{ id: "a", ...openai }], activeProviderId: "a",
      _rules_: [{ _match_domain_: ["gemini.example.com"], provider: { type: "gemini", apiTokens: ["g"] } }],
    })).toBe(`ai-proxy: invalid configuration: _rules_[0].provider: ${BOTH}`);
  });
});
