// Providers that speak OpenAI's API: rows of data (host, path prefix), not copied modules.
// openai, deepseek, moonshot, groq, mistral, qwen (DashScope compatible mode), ollama, and `generic`
// (any OpenAI-compatible server; paths are kept as the client sent them).
import { Fields } from "../../common/config";
import { Api, openAiPath } from "../api";
import { Provider } from "./provider";

export class OpenAiCompatible extends Provider {
  /** `generic`: keep the client's path. */
  private keepPath: bool = false;
  /** A full custom URL's path (openaiCustomUrl), used for chat completions. */
  private customPath: string = "";
  private hostOverride: string = "";

  constructor(
    private readonly typeName: string,
    private readonly systemName: string,
    private readonly host_: string,
    /** Replaces the leading "/v1" of OpenAI paths (e.g. "/openai/v1" for Groq). */
    private readonly prefix: string,
  ) {
    super();
    this.keepPath = typeName == "generic";
  }

  get type(): string {
    return this.typeName;
  }

  get system(): string {
    return this.systemName;
  }

  defaultHost(): string {
    return this.hostOverride.length ? this.hostOverride : this.host_;
  }

  parse(f: Fields): void {
    if (this.typeName == "openai" && f.has("openaiCustomUrl")) {
      const url = f.string("openaiCustomUrl", "")!;
      const schemeEnd = url.indexOf("://");
      const rest = schemeEnd >= 0 ? url.substring(schemeEnd + 3) : url;
      const slash = rest.indexOf("/");
      this.hostOverride = slash < 0 ? rest : rest.substring(0, slash);
      this.customPath = slash < 0 ? "" : rest.substring(slash);
      if (this.hostOverride.length == 0) f.fail("openaiCustomUrl", "needs a host, e.g. api.example.com/v1/chat/completions");
    } else if (this.typeName == "ollama") {
      const host = f.requiredString("ollamaServerHost");
      const port = f.integer("ollamaServerPort", 11434, 1, 65535);
      this.hostOverride = host + ":" + port.toString();
    } else if (this.typeName == "generic" && f.has("genericHost")) {
      this.hostOverride = f.string("genericHost", "")!;
    }
  }

  keepsClientPath(): bool {
    return this.keepPath;
  }

  path(api: Api, _model: string, _stream: bool): string {
    const openai = openAiPath(api);
    if (openai.length == 0) return "";
    if (this.customPath.length) {
      // A custom URL names the chat endpoint; other APIs go next to it (…/v1/chat/completions → …/v1/embeddings).
      if (api == Api.ChatCompletions || api == Api.AnthropicMessages) return this.customPath;
      const cut = this.customPath.lastIndexOf("/chat/completions");
      return cut >= 0 ? this.customPath.substring(0, cut) + openai.substring(3) : this.customPath;
    }
    return this.withBase(this.prefix + openai.substring(3));
  }
}
