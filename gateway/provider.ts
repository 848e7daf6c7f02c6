// Where `make run` sends LLM traffic. Without a provider key, the `openai` cluster's loopback endpoint
// is served by the built-in mock provider. With OPENAI_API_KEY set, the loaded configuration is
// changed in memory: the `openai` cluster goes to api.openai.com:443 over verified TLS, and the
// ai-proxy filter's provider gets the key as its only apiToken. The file on disk is never touched
// and the key is never printed.
import { isIP } from "node:net";
import type { GatewayConfig, SocketAddress } from "./bootstrap/model.ts";

export const PROVIDER_CLUSTER = "openai";
export const OPENAI_HOST = "api.openai.com";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** The loopback endpoint the mock provider should serve, or null when the config points elsewhere. */
export function mockEndpoint(config: GatewayConfig): SocketAddress | null {
  const cluster = config.clusters.find((c) => c.name === PROVIDER_CLUSTER);
  if (!cluster || cluster.tls || cluster.endpoints.length !== 1) return null;
  const ep = cluster.endpoints[0];
  return LOOPBACK.has(ep.address) || (isIP(ep.address) === 4 && ep.address.startsWith("127.")) ? ep : null;
}

/** Points the configuration at OpenAI with `apiKey`; throws if it has no openai cluster or ai-proxy filter. */
export function useOpenAI(config: GatewayConfig, apiKey: string): void {
  const cluster = config.clusters.find((c) => c.name === PROVIDER_CLUSTER);
  if (!cluster) throw new Error(`OPENAI_API_KEY is set but the bootstrap has no cluster named ${PROVIDER_CLUSTER}`);
  cluster.type = "LOGICAL_DNS";
  cluster.endpoints = [{ address: OPENAI_HOST, port: 443 }];
  cluster.tls = { sni: OPENAI_HOST, verify: true };

  const filters = config.listeners.flatMap((l) => l.filters).filter((f) => f.pluginName === "ai-proxy");
  if (!filters.length) throw new Error("OPENAI_API_KEY is set but the bootstrap has no ai-proxy filter");
  for (const f of filters) {
    let parsed: any;
    try {
      parsed = JSON.parse(f.configuration);
    } catch {
      throw new Error(`${f.where}: the ai-proxy configuration is not JSON; cannot insert OPENAI_API_KEY`);
    }
    if (!parsed?.provider || typeof parsed.provider !== "object") throw new Error(`${f.where}: the ai-proxy configuration has no "provider" object`);
    parsed.provider.type = "openai";
    parsed.provider.apiTokens = [apiKey];
    f.configuration = JSON.stringify(parsed);
  }
}
