// Which client API a request is, from its path (suffix match, as Higress's ai-proxy does, so gateway
// prefixes like /llm/v1/chat/completions work too).

export const enum Api {
  None = 0,
  ChatCompletions = 1,
  Completions = 2,
  Embeddings = 3,
  Models = 4,
  /** Anthropic's Messages API, for Anthropic clients. */
  AnthropicMessages = 5,
}

/** The client's wire protocol: what request and response (and error) shapes it expects. */
export const enum ClientProtocol {
  OpenAI = 0,
  Anthropic = 1,
}

function endsWith(path: string, suffix: string): bool {
  return path.length >= suffix.length && path.substring(path.length - suffix.length) == suffix;
}

/** The API of a request path (query string ignored). */
export function detectApi(pathWithQuery: string): Api {
  const q = pathWithQuery.indexOf("?");
  const path = q < 0 ? pathWithQuery : pathWithQuery.substring(0, q);
  if (endsWith(path, "/chat/completions")) return Api.ChatCompletions;
  if (endsWith(path, "/v1/messages")) return Api.AnthropicMessages;
  if (endsWith(path, "/completions")) return Api.Completions;
  if (endsWith(path, "/embeddings")) return Api.Embeddings;
  if (endsWith(path, "/models")) return Api.Models;
  return Api.None;
}

/**
 * The client's protocol. `/v1/messages` is Anthropic's alone; the model list path is both APIs', told
 * apart by `anthropic-version`, a header every Anthropic client sends and no OpenAI client does.
 */
export function clientProtocolOf(api: Api, anthropicVersion: bool): ClientProtocol {
  const anthropic = api == Api.AnthropicMessages || (api == Api.Models && anthropicVersion);
  return anthropic ? ClientProtocol.Anthropic : ClientProtocol.OpenAI;
}

/** The OpenAI path of an API, the canonical form providers map from. */
export function openAiPath(api: Api): string {
  switch (api) {
    case Api.ChatCompletions: return "/v1/chat/completions";
    case Api.Completions: return "/v1/completions";
    case Api.Embeddings: return "/v1/embeddings";
    case Api.Models: return "/v1/models";
    case Api.AnthropicMessages: return "/v1/chat/completions";
    default: return "";
  }
}

/** The OpenTelemetry GenAI operation name of an API. */
export function operationName(api: Api): string {
  switch (api) {
    case Api.Embeddings: return "embeddings";
    case Api.Completions: return "text_completion";
    case Api.Models: return "models";
    default: return "chat";
  }
}
