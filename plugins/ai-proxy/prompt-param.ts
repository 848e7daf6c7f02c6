// The prompt-param mode of Higress's first AI proxy (the chatgpt-proxy plugin of Higress's "Manage
// OpenAI API with Higress" article): `GET /?text=Say,hello` becomes a chat request to the provider and
// the client gets the provider's answer as an OpenAI chat completion.
//
// Configuration (top level of ai-proxy, beside `provider`; beyond Higress's current ai-proxy):
//   promptParam: "text"          the query parameter carrying the prompt
//   promptModel: "gpt-4o-mini"   the model asked (mapped through the provider's modelMapping)
// The old plugin's `apiKey` and `model` are the provider's `apiTokens` and `promptModel` here.
//
// It applies to requests without a body whose path is none of the AI APIs and whose query carries the
// parameter. The value is decoded as a form value ('+' is a space, %XX escapes). The request has no
// body to forward, so the plugin sends the chat request itself (proxy_http_call to the route's cluster)
// and answers with a local reply; keys, failover and retryOnFailure work as for other requests.
import { Fields } from "../common/config";
import { queryParam, queryStart } from "../common/url";

export class PromptParam {
  constructor(readonly param: ArrayBuffer, readonly model: string) {}

  /** The prompt a request path carries, or null when the parameter is absent. */
  promptOf(path: string): string | null {
    const bytes = String.UTF8.encode(path);
    const q = queryStart(bytes);
    if (q < 0) return null;
    // Form encoding: '+' in the query is a space; an escaped plus (%2B) stays a plus after decoding.
    const p = changetype<usize>(bytes);
    for (let i = q + 1; i < bytes.byteLength; i++) if (load<u8>(p + i) == 0x2b) store<u8>(p + i, 0x20);
    const value = queryParam(bytes, this.param);
    return value === null ? null : String.UTF8.decode(value);
  }
}

/** `promptParam` and `promptModel`; null when the mode is off. */
export function parsePromptParam(f: Fields): PromptParam | null {
  if (!f.has("promptParam")) {
    if (f.has("promptModel")) f.fail("promptModel", "only applies with promptParam");
    return null;
  }
  const param = f.requiredString("promptParam");
  const model = f.requiredString("promptModel");
  if (f.problems.failed) return null;
  return new PromptParam(String.UTF8.encode(param), model);
}
