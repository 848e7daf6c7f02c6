// What every provider module implements. The plugin speaks OpenAI's API internally: a provider says
// where an OpenAI-format request goes (host, path, auth headers), how to turn it into the provider's
// own request, and (when the provider does not speak OpenAI) how to turn its responses back.
// Adding a provider is one module here plus one line in registry.ts.
import { Fields } from "../../common/config";
import { JSON } from "../../common/config";
import { JsonWriter } from "../../common/json-writer";
import { Api } from "../api";
import { SseEvent, SseWriter } from "../sse";
import { Usage } from "../usage";

/** Turns a provider's responses into OpenAI's shapes, one body or one stream event at a time. */
export abstract class ResponseTranslator {
  readonly usage: Usage = new Usage();
  /** Set once the provider's stream said it is complete. */
  complete: bool = false;
  /**
   * Set once the provider's stream reported an error, written out as the client's one error event:
   * the stream is over, nothing more is read from it, and no other error event follows.
   */
  failed: bool = false;

  /** A whole (non-streaming) response body, successful or error (status given). */
  abstract body(body: ArrayBuffer, status: u32): ArrayBuffer;
  /** One provider SSE event; writes zero or more OpenAI events. */
  abstract event(ev: SseEvent, out: SseWriter): void;
  /** The provider stream ended; writes closing events (such as `data: [DONE]`) if it completed. */
  abstract end(out: SseWriter): void;
}

/** Provider-independent settings every provider module can read. */
export class ProviderSettings {
  /** `providerDomain`: overrides the provider's default host. */
  domain: string = "";
  /** `providerBasePath`: prepended to every upstream path. */
  basePath: string = "";
}

export abstract class Provider {
  settings: ProviderSettings = new ProviderSettings();

  /** The `type` in configuration. */
  abstract get type(): string;
  /** The OpenTelemetry GenAI system name (gen_ai.system), e.g. "openai", "anthropic". */
  abstract get system(): string;
  /** The provider's host when `providerDomain` is not set. */
  abstract defaultHost(): string;

  /** Reads the provider's own configuration fields (e.g. azureServiceUrl). */
  parse(f: Fields): void {}

  host(): string {
    return this.settings.domain.length ? this.settings.domain : this.defaultHost();
  }

  /** The upstream path (with query) for an OpenAI-format API call; "" when the provider lacks it. */
  abstract path(api: Api, model: string, stream: bool): string;

  /**
   * The upstream path listing every model in one page, for OpenAI clients whose list is translated
   * (OpenAI's list has no pages: its SDK never asks for a next one). Default: path(Api.Models).
   */
  openAiModelListPath(): string {
    return this.path(Api.Models, "", false);
  }

  /** True when requests keep the path the client sent (a generic OpenAI-compatible upstream). */
  keepsClientPath(): bool {
    return false;
  }

  /** True when path() depends on the model or stream flag: request headers then wait for the body. */
  pathNeedsBody(api: Api): bool {
    return false;
  }

  /** Header name/value pairs carrying the API token (the client's credentials are removed first). */
  authHeaders(token: string): string[] {
    return ["authorization", "Bearer " + token];
  }

  /** Extra request headers the provider needs (e.g. anthropic-version). */
  extraHeaders(): string[] {
    return [];
  }

  /** True when the provider answers in OpenAI's formats (no response translation). */
  get speaksOpenAI(): bool {
    return true;
  }

  /** True when the provider serves Anthropic's /v1/messages natively (Anthropic clients pass through). */
  get speaksAnthropic(): bool {
    return false;
  }

  /**
   * The provider's request body for an OpenAI-format request (`req` already has the mapped model).
   * Default: the OpenAI request itself, asking streams to report usage (also for Anthropic clients, whose
   * message_delta must carry the token counts).
   */
  request(api: Api, req: JSON.Obj, stream: bool): ArrayBuffer {
    if (stream && (api == Api.ChatCompletions || api == Api.AnthropicMessages)) requestUsageInStream(req);
    return new JsonWriter(1024).value(req).toBuffer();
  }

  /**
   * A translator for this provider's responses, or null when they are OpenAI's already. `model` is the
   * upstream model, for answers that do not name it.
   */
  responseTranslator(api: Api, stream: bool, model: string = ""): ResponseTranslator | null {
    return null;
  }

  /**
   * For responses the client receives in the provider's own protocol (protocol `original`, or Anthropic
   * clients on an Anthropic provider): a reader that passes them on unchanged while taking usage and
   * the end of the stream from them. Null: they are read as OpenAI's.
   */
  nativeResponseReader(api: Api, stream: bool): ResponseTranslator | null {
    return null;
  }

  protected withBase(path: string): string {
    const base = this.settings.basePath;
    return base.length && !path.startsWith(base) ? base + path : path;
  }
}

/** Sets stream_options.include_usage so the final chunk carries token usage. */
export function requestUsageInStream(req: JSON.Obj): void {
  const opts = req.getObj("stream_options");
  if (opts !== null) {
    opts.set<JSON.Value>("include_usage", JSON.Value.Bool(true));
    return;
  }
  const o = new JSON.Obj();
  o.set<JSON.Value>("include_usage", JSON.Value.Bool(true));
  req.set<JSON.Value>("stream_options", o);
}
