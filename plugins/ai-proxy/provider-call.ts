// What the plugin needs to send a request to a provider on its own (proxy_http_call) rather than by
// letting Envoy forward the client's request: the target (cluster, authority, path) and the headers a
// provider wants (credentials and its extra headers), built the same way filter.ts sets them.
import { JSON } from "../common/json-writer";
import { Api, openAiPath } from "./api";
import { ProviderConfig } from "./config";

/** A provider request as it went (or will go) upstream, kept so it can be sent again. */
export class ProviderRequest {
  /** The Envoy cluster the route sends provider requests to. */
  cluster: string = "";
  authority: string = "";
  path: string = "";
  /** The translated body; null when the request had none (it cannot be re-sent). */
  body: ArrayBuffer | null = null;

  constructor(cluster: string, authority: string) {
    this.cluster = cluster;
    this.authority = authority;
  }
}

/** The upstream path of a (non-streaming) chat completion with `model`. */
export function chatPath(pc: ProviderConfig, model: string): string {
  const provider = pc.provider;
  if (pc.original || provider.keepsClientPath()) {
    const path = openAiPath(Api.ChatCompletions);
    const base = provider.settings.basePath;
    return base.length && !path.startsWith(base) ? base + path : path;
  }
  return provider.path(Api.ChatCompletions, model, false);
}

/** Headers for a POST of a JSON body to the provider with API token `token` (-1: a provider without tokens). */
export function providerCallHeaders(pc: ProviderConfig, token: i32, path: string, authority: string): string[] {
  const headers = [":method", "POST", ":path", path, ":authority", authority, "content-type", "application/json"];
  const provider = pc.provider;
  if (token >= 0) appendAll(headers, provider.authHeaders(pc.apiTokens[token]));
  appendAll(headers, provider.extraHeaders());
  return headers;
}

/** A one-message OpenAI chat request for the provider's model `model` (already mapped). */
export function chatRequest(model: string, userText: string, maxTokens: i32): JSON.Obj {
  const message = new JSON.Obj();
  message.set<JSON.Value>("role", JSON.Value.String("user"));
  message.set<JSON.Value>("content", JSON.Value.String(userText));
  const messages = JSON.Value.Array();
  messages.push(message);
  const req = new JSON.Obj();
  req.set<JSON.Value>("model", JSON.Value.String(model));
  req.set<JSON.Value>("messages", messages);
  if (maxTokens > 0) req.set<JSON.Value>("max_tokens", JSON.Value.Integer(maxTokens));
  return req;
}

function appendAll(to: string[], pairs: string[]): void {
  for (let i = 0; i < pairs.length; i++) to.push(pairs[i]);
}
