// ai-proxy per request. Request: detect the client API from the path, pick a provider token, swap
// credentials and host, map the model, translate the body to the provider's protocol. Response:
// account usage (also from streams), translate back to the client's protocol, report a broken stream
// as an error event, and record metrics and access-log properties at the end.
import { FilterDataStatusValues, FilterHeadersStatusValues, RootContext } from "@solo-io/proxy-runtime";
import { Fields } from "../common/config";
import { checkJson } from "../common/json-check";
import { JSON, JsonWriter, parseValid } from "../common/json-writer";
import {
  BufferType, getBufferBytes, getHeaderString, MapType, nowNanos, removeHeader, replaceHeader,
  setBufferBytes, setProperty,
} from "../common/host";
import { PluginContext, PluginRoot } from "../common/plugin";
import { CONSUMER_HEADER } from "../common/reply";
import { hasGlobalFields, parseRules, RuleSet } from "../common/rules";
import { Api, ClientProtocol, clientProtocolOf, detectApi, operationName } from "./api";
import { AiProxyConfig, KNOWN_FIELDS, parseAiProxy, ProviderConfig } from "./config";
import { errorBody, errorEvent, sendError } from "./errors";
import { Attributes, Metrics } from "./metrics";
import { ResponseTranslator } from "./providers/provider";
import { SseEvent, SseParser, SseWriter } from "./sse";
import { TokenPool } from "./tokens";
import { ClientTranslator, toOpenAiRequest } from "./translate/anthropic-client";
import { mentionsUsage, parseJson, readOpenAiUsage, Usage } from "./usage";

const H_PATH = String.UTF8.encode(":path");
const H_AUTHORITY = String.UTF8.encode(":authority");
const H_STATUS = String.UTF8.encode(":status");
const H_CONTENT_LENGTH = String.UTF8.encode("content-length");
const H_CONTENT_TYPE = String.UTF8.encode("content-type");
const H_ACCEPT_ENCODING = String.UTF8.encode("accept-encoding");
// The client's own credentials for the gateway: never forwarded to a provider.
const CLIENT_CREDENTIALS = [String.UTF8.encode("authorization"), String.UTF8.encode("x-api-key"), String.UTF8.encode("api-key")];
const DONE = "[DONE]";

export class AiProxyRoot extends PluginRoot<AiProxyConfig> {
  readonly metrics: Metrics = new Metrics();
  private pools: Map<string, TokenPool> = new Map();

  constructor(context_id: u32) {
    super(context_id, "ai-proxy");
  }

  knownFields(): string[] {
    return KNOWN_FIELDS;
  }

  parse(root: Fields): RuleSet<AiProxyConfig> | null {
    const global = hasGlobalFields(root.obj) ? parseAiProxy(root) : null;
    if (root.problems.failed) return null;
    const rules = parseRules<AiProxyConfig>(root, true, (f: Fields): AiProxyConfig | null => parseAiProxy(f));
    if (root.problems.failed) return null;
    return new RuleSet<AiProxyConfig>(global, rules);
  }

  /** The token pool of a provider, shared by every rule that uses the same provider id. */
  pool(pc: ProviderConfig): TokenPool {
    const key = pc.stateKey;
    if (!this.pools.has(key)) this.pools.set(key, new TokenPool(pc));
    return this.pools.get(key);
  }

  createContext(context_id: u32): AiProxyContext {
    return new AiProxyContext(context_id, this);
  }
}

export class AiProxyContext extends PluginContext<AiProxyRoot> {
  private pc: ProviderConfig | null = null;
  private api: Api = Api.None;
  private protocol: ClientProtocol = ClientProtocol.OpenAI;
  private token: i32 = -1;
  private headersHeld: bool = false;
  private stream: bool = false;
  private model: string = "";
  private upstreamModel: string = "";
  private consumer: string = "";
  private startNs: u64 = 0;
  private firstByteNs: u64 = 0;
  private status: u32 = 0;
  private isSse: bool = false;
  private reshapeError: bool = false;
  private sse: SseParser | null = null;
  private translator: ResponseTranslator | null = null;
  private clientTranslator: ClientTranslator | null = null;
  private sawDone: bool = false;
  private streamBroken: bool = false;
  private errorCode: string = "";
  private readonly usage: Usage = new Usage();

  constructor(context_id: u32, root: RootContext) {
    super(context_id, root);
  }

  // ---- request

  onRequestHeaders(_headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const config = this.plugin.rules!.select(this.facts);
    if (config === null || config.active === null) return FilterHeadersStatusValues.Continue;
    const pc = config.active!;
    let path = getHeaderString(MapType.RequestHeaders, H_PATH);
    if (path === null) return FilterHeadersStatusValues.Continue;
    if (pc.subPath.length && path.startsWith(pc.subPath)) path = path.substring(pc.subPath.length);
    const api = detectApi(path);
    if (api == Api.None && !pc.original) return FilterHeadersStatusValues.Continue;
    this.pc = pc;
    this.api = api;
    this.protocol = clientProtocolOf(api);
    this.startNs = nowNanos();
    const consumer = getHeaderString(MapType.RequestHeaders, CONSUMER_HEADER);
    if (consumer !== null) this.consumer = consumer;

    const pool = this.plugin.pool(pc);
    if (pool.size > 0) {
      this.token = pool.pick();
      if (this.token < 0) {
        this.errorCode = "no_healthy_api_key";
        sendError(this.protocol, 503, "service_unavailable", this.errorCode,
          "every API key of provider '" + pc.provider.type + "' is out of rotation after failures; retry later");
        return FilterHeadersStatusValues.StopIteration;
      }
    }
    const provider = pc.provider;
    for (let i = 0; i < CLIENT_CREDENTIALS.length; i++) removeHeader(MapType.RequestHeaders, CLIENT_CREDENTIALS[i]);
    if (this.token >= 0) setPairs(provider.authHeaders(pc.apiTokens[this.token]));
    setPairs(provider.extraHeaders());
    const host = provider.host();
    if (host.length) replaceHeader(MapType.RequestHeaders, H_AUTHORITY, String.UTF8.encode(host));
    // Responses are parsed for usage and translated: ask for them uncompressed.
    removeHeader(MapType.RequestHeaders, H_ACCEPT_ENCODING);

    const hasBody = !end_of_stream;
    if (hasBody) removeHeader(MapType.RequestHeaders, H_CONTENT_LENGTH); // the body may change size
    if (pc.original || api == Api.Models || !hasBody) {
      this.rewritePath(path, "", false);
      if (!hasBody && api != Api.Models && api != Api.None) {
        this.errorCode = "missing_body";
        sendError(this.protocol, 400, "invalid_request_error", this.errorCode, "this API needs a JSON request body");
        return FilterHeadersStatusValues.StopIteration;
      }
      return FilterHeadersStatusValues.Continue;
    }
    if (provider.pathNeedsBody(api)) {
      // The upstream path depends on the model or the stream flag: hold the headers until the body is read.
      // Envoy needs allow_on_headers_stop_iteration for this (Higress behaves so by default).
      this.headersHeld = true;
      return FilterHeadersStatusValues.StopIteration;
    }
    this.rewritePath(path, "", false);
    return FilterHeadersStatusValues.Continue;
  }

  private rewritePath(clientPath: string, model: string, stream: bool): void {
    const pc = this.pc!;
    const provider = pc.provider;
    let path: string;
    if (pc.original || provider.keepsClientPath()) {
      path = clientPath;
      const base = provider.settings.basePath;
      if (base.length && !path.startsWith(base)) path = base + path;
    } else {
      path = provider.path(this.api, model, stream);
      if (path.length == 0) return;
    }
    replaceHeader(MapType.RequestHeaders, H_PATH, String.UTF8.encode(path));
  }

  onRequestBody(body_buffer_length: usize, end_of_stream: bool): FilterDataStatusValues {
    const pc = this.pc;
    if (pc === null || this.api == Api.Models || this.api == Api.None) return FilterDataStatusValues.Continue;
    if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
    const size = <u32>body_buffer_length;
    const body = getBufferBytes(BufferType.RequestBody, 0, size);
    const syntax = checkJson(changetype<usize>(body), body.byteLength);
    if (syntax.length) return this.reject(400, "invalid_request_error", "invalid_json", "request body is not valid JSON: " + syntax);
    const doc = parseValid(body);
    if (!doc.isObj) return this.reject(400, "invalid_request_error", "invalid_body", "request body must be a JSON object");
    const req = <JSON.Obj>doc;
    const modelValue = req.getString("model");
    if (modelValue === null || modelValue.valueOf().length == 0) {
      return this.reject(400, "invalid_request_error", "missing_model", "you must provide a model parameter");
    }
    const stream = req.getBool("stream");
    this.stream = stream !== null && stream.valueOf();
    this.model = modelValue.valueOf();
    this.upstreamModel = pc.modelMapping.map(this.model);
    req.set<JSON.Value>("model", JSON.Value.String(this.upstreamModel));

    const provider = pc.provider;
    let out: ArrayBuffer;
    if (pc.original || (this.protocol == ClientProtocol.Anthropic && provider.speaksAnthropic)) {
      // The client already speaks the provider's protocol: only the model changes.
      out = new JsonWriter(body.byteLength + 64).value(req).toBuffer();
    } else {
      let openAiReq = req;
      if (this.protocol == ClientProtocol.Anthropic) {
        const converted = toOpenAiRequest(req);
        if (converted === null) return this.reject(400, "invalid_request_error", "invalid_body", "not an Anthropic Messages request");
        openAiReq = converted;
        this.clientTranslator = new ClientTranslator(this.model, this.stream);
      }
      out = provider.request(this.api, openAiReq, this.stream);
      if (!provider.speaksOpenAI) this.translator = provider.responseTranslator(this.api, this.stream);
    }
    setBufferBytes(BufferType.RequestBody, 0, size, out);
    if (this.headersHeld) this.rewritePath("", this.upstreamModel, this.stream);
    return FilterDataStatusValues.Continue;
  }

  private reject(status: u32, type: string, code: string, message: string): FilterDataStatusValues {
    this.errorCode = code;
    sendError(this.protocol, status, type, code, message);
    return FilterDataStatusValues.StopIterationNoBuffer;
  }

  // ---- response

  onResponseHeaders(_headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const pc = this.pc;
    if (pc === null || this.errorCode.length) return FilterHeadersStatusValues.Continue;
    const status = getHeaderString(MapType.ResponseHeaders, H_STATUS);
    this.status = status === null ? 0 : <u32>I32.parseInt(status);
    this.recordTokenOutcome(pc);
    const contentType = getHeaderString(MapType.ResponseHeaders, H_CONTENT_TYPE);
    this.isSse = this.stream && this.status == 200 && contentType !== null && contentType.includes("text/event-stream");
    const translating = this.translator !== null || this.clientTranslator !== null;
    // Error bodies from providers that do not speak the client's protocol are reshaped into its format.
    this.reshapeError = this.status >= 400 && !pc.original && (translating || !pc.provider.speaksOpenAI);
    if (this.isSse) this.sse = new SseParser();
    if ((translating || this.reshapeError || this.isSse) && !end_of_stream) {
      removeHeader(MapType.ResponseHeaders, H_CONTENT_LENGTH);
      if (translating && !this.isSse) replaceHeader(MapType.ResponseHeaders, H_CONTENT_TYPE, String.UTF8.encode("application/json"));
      if (this.reshapeError) replaceHeader(MapType.ResponseHeaders, H_CONTENT_TYPE, String.UTF8.encode("application/json"));
    }
    return FilterHeadersStatusValues.Continue;
  }

  private recordTokenOutcome(pc: ProviderConfig): void {
    if (this.token < 0 || !pc.failover.enabled) return;
    const pool = this.plugin.pool(pc);
    if (this.status >= 200 && this.status < 300) {
      pool.recordSuccess(this.token);
      return;
    }
    const code = this.status.toString();
    const patterns = pc.failover.failoverOnStatus;
    for (let i = 0; i < patterns.length; i++) {
      if (patterns[i].fullMatch(code)) {
        pool.recordFailure(this.token);
        return;
      }
    }
  }

  onResponseBody(body_buffer_length: usize, end_of_stream: bool): FilterDataStatusValues {
    if (this.pc === null || this.errorCode.length) return FilterDataStatusValues.Continue;
    if (this.firstByteNs == 0) this.firstByteNs = nowNanos();
    const size = <u32>body_buffer_length;
    if (this.isSse) return this.streamChunk(size, end_of_stream);
    if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
    const body = getBufferBytes(BufferType.ResponseBody, 0, size);
    const out = this.wholeBody(body);
    if (out !== null) setBufferBytes(BufferType.ResponseBody, 0, size, out);
    return FilterDataStatusValues.Continue;
  }

  /** A complete non-streaming response: usage, translation, error reshaping. Null: unchanged. */
  private wholeBody(body: ArrayBuffer): ArrayBuffer | null {
    if (this.reshapeError) {
      const message = providerErrorMessage(body, this.status);
      this.errorCode = "upstream_error";
      return errorBody(this.protocol, this.status, this.status == 429 ? "rate_limit_error" : "upstream_error", "upstream_" + this.status.toString(), message);
    }
    let openAi = body;
    const translator = this.translator;
    if (translator !== null) {
      openAi = translator.body(body, this.status);
      copyUsage(translator.usage, this.usage);
    } else if (this.status < 300) {
      const doc = parseJson(body);
      if (doc !== null) readOpenAiUsage(doc, this.usage);
    }
    const client = this.clientTranslator;
    if (client !== null) return client.body(openAi, this.status);
    return translator !== null ? openAi : null;
  }

  /** One chunk of an SSE response: parse whole events, translate or observe them, pass the rest on. */
  private streamChunk(size: u32, end: bool): FilterDataStatusValues {
    const chunk = getBufferBytes(BufferType.ResponseBody, 0, size);
    const events = this.sse!.feed(chunk);
    const translator = this.translator;
    const client = this.clientTranslator;
    if (translator === null && client === null) {
      // OpenAI in, OpenAI out: the bytes pass unchanged; events are only read for usage and the end.
      for (let i = 0; i < events.length; i++) this.observe(events[i]);
      if (end && !this.sawDone) {
        this.streamBroken = true;
        setBufferBytes(BufferType.ResponseBody, size, 0, errorEvent(this.protocol, "upstream_error", "stream_incomplete", "the provider's stream ended before it was complete"));
      }
      return FilterDataStatusValues.Continue;
    }
    // Translation: the chunk is replaced by the translated events it completed.
    let openAiEvents = events;
    if (translator !== null) {
      const w = new SseWriter();
      for (let i = 0; i < events.length; i++) translator.event(events[i], w);
      if (end) translator.end(w);
      copyUsage(translator.usage, this.usage);
      this.sawDone = translator.complete;
      openAiEvents = new SseParser().feed(w.toBuffer());
    } else {
      for (let i = 0; i < events.length; i++) this.observe(events[i]);
    }
    const out = new SseWriter();
    if (client !== null) {
      for (let i = 0; i < openAiEvents.length; i++) client.event(openAiEvents[i], out);
      if (end) client.end(out, this.sawDone);
      copyUsage(client.usage, this.usage);
    } else {
      for (let i = 0; i < openAiEvents.length; i++) out.raw(openAiEvents[i].raw);
    }
    if (end && !this.sawDone) {
      this.streamBroken = true;
      if (client === null) out.raw(errorEvent(this.protocol, "upstream_error", "stream_incomplete", "the provider's stream ended before it was complete"));
    }
    setBufferBytes(BufferType.ResponseBody, 0, size, out.toBuffer());
    return FilterDataStatusValues.Continue;
  }

  /** Reads an OpenAI stream event for usage and the end marker. */
  private observe(ev: SseEvent): void {
    if (ev.dataEquals(DONE)) {
      this.sawDone = true;
      return;
    }
    if (!mentionsUsage(ev.data)) return;
    const doc = parseJson(ev.data);
    if (doc !== null) readOpenAiUsage(doc, this.usage);
  }

  // ---- end of stream

  onLog(): void {
    const pc = this.pc;
    if (pc === null) return;
    const attrs = new Attributes(this.consumer, this.model, pc.provider.system, operationName(this.api)).suffix();
    const m = this.plugin.metrics;
    m.count("gen_ai.client.requests", attrs);
    if (this.errorCode.length || this.status >= 400 || this.streamBroken) m.count("gen_ai.client.errors", attrs + ";error.type=" + this.errorType());
    if (this.usage.input > 0) m.count("gen_ai.client.token.usage", attrs + ";gen_ai.token.type=input", this.usage.input);
    if (this.usage.output > 0) m.count("gen_ai.client.token.usage", attrs + ";gen_ai.token.type=output", this.usage.output);
    const now = nowNanos();
    if (this.startNs > 0 && now >= this.startNs) m.record("gen_ai.client.operation.duration", attrs, (now - this.startNs) / 1_000_000);
    const ttftMs = this.firstByteNs > this.startNs && this.startNs > 0 ? (this.firstByteNs - this.startNs) / 1_000_000 : 0;
    if (this.stream && this.firstByteNs > 0) m.record("gen_ai.server.time_to_first_token", attrs, ttftMs);
    // For access logs: Envoy keeps these as filter state `wasm.<name>`.
    setProperty(String.UTF8.encode("ai_consumer"), String.UTF8.encode(this.consumer));
    setProperty(String.UTF8.encode("ai_provider"), String.UTF8.encode(pc.provider.system));
    setProperty(String.UTF8.encode("ai_model"), String.UTF8.encode(this.model));
    setProperty(String.UTF8.encode("ai_upstream_model"), String.UTF8.encode(this.upstreamModel));
    setProperty(String.UTF8.encode("ai_input_tokens"), String.UTF8.encode(this.usage.input >= 0 ? this.usage.input.toString() : ""));
    setProperty(String.UTF8.encode("ai_output_tokens"), String.UTF8.encode(this.usage.output >= 0 ? this.usage.output.toString() : ""));
    setProperty(String.UTF8.encode("ai_ttft_ms"), String.UTF8.encode(this.stream && this.firstByteNs > 0 ? ttftMs.toString() : ""));
  }

  private errorType(): string {
    if (this.errorCode.length) return this.errorCode;
    if (this.streamBroken) return "stream_incomplete";
    return this.status.toString();
  }
}

function setPairs(pairs: string[]): void {
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    replaceHeader(MapType.RequestHeaders, String.UTF8.encode(pairs[i]), String.UTF8.encode(pairs[i + 1]));
  }
}

function copyUsage(from: Usage, to: Usage): void {
  if (from.input >= 0) to.input = from.input;
  if (from.output >= 0) to.output = from.output;
}

/** A provider's error message from its error body (OpenAI, Anthropic or Gemini shapes), or a generic one. */
function providerErrorMessage(body: ArrayBuffer, status: u32): string {
  const doc = parseJson(body);
  if (doc !== null && doc.isObj) {
    const obj = <JSON.Obj>doc;
    const err = obj.getObj("error");
    if (err !== null) {
      const msg = err.getString("message");
      if (msg !== null) return msg.valueOf();
    }
    const msg = obj.getString("message");
    if (msg !== null) return msg.valueOf();
  }
  return "provider answered HTTP " + status.toString();
}

