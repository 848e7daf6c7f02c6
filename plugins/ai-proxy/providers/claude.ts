// Anthropic (type `claude`, also accepted as `anthropic`): api.anthropic.com, `x-api-key` and
// `anthropic-version` headers. OpenAI chat requests are translated to the Messages API and back;
// Anthropic clients (/v1/messages) pass through natively, their usage still read for metrics. The
// model list is translated for OpenAI clients; Anthropic clients get Anthropic's own.
// Config: `claudeVersion` (Higress's name; `apiVersion` is accepted too), default 2023-06-01.
import { Fields } from "../../common/config";
import { JSON } from "../../common/json-writer";
import { Api } from "../api";
import { ClaudeNativeReader } from "../translate/claude-native";
import { ClaudeToOpenAi } from "../translate/claude-to-openai";
import { ClaudeModelsToOpenAi } from "../translate/models-to-openai";
import { toClaudeRequest } from "../translate/openai-to-claude";
import { Provider, ResponseTranslator } from "./provider";

export const CLAUDE_DEFAULT_VERSION = "2023-06-01";

export class ClaudeProvider extends Provider {
  private version: string = CLAUDE_DEFAULT_VERSION;

  constructor(private readonly typeName: string) {
    super();
  }

  get type(): string {
    return this.typeName;
  }

  get system(): string {
    return "anthropic";
  }

  defaultHost(): string {
    return "api.anthropic.com";
  }

  parse(f: Fields): void {
    const field = f.has("claudeVersion") ? "claudeVersion" : "apiVersion";
    const version = f.string(field, CLAUDE_DEFAULT_VERSION)!;
    if (version.length == 0) f.fail(field, "must not be empty");
    this.version = version;
  }

  path(api: Api, _model: string, _stream: bool): string {
    if (api == Api.ChatCompletions || api == Api.AnthropicMessages) return this.withBase("/v1/messages");
    if (api == Api.Models) return this.withBase("/v1/models");
    return ""; // no embeddings or OpenAI-style completions at Anthropic
  }

  openAiModelListPath(): string {
    return this.path(Api.Models, "", false) + "?limit=1000"; // Anthropic's largest page (default 20)
  }

  authHeaders(token: string): string[] {
    return ["x-api-key", token];
  }

  extraHeaders(): string[] {
    return ["anthropic-version", this.version];
  }

  get speaksOpenAI(): bool {
    return false;
  }

  get speaksAnthropic(): bool {
    return true;
  }

  request(api: Api, req: JSON.Obj, stream: bool): ArrayBuffer {
    return toClaudeRequest(req, stream);
  }

  responseTranslator(api: Api, stream: bool, model: string = ""): ResponseTranslator | null {
    return api == Api.Models ? new ClaudeModelsToOpenAi() : new ClaudeToOpenAi(model);
  }

  nativeResponseReader(api: Api, stream: bool): ResponseTranslator | null {
    return api == Api.AnthropicMessages || api == Api.ChatCompletions ? new ClaudeNativeReader() : null;
  }
}
