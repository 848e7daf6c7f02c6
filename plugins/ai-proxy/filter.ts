// ai-proxy per request. Request: detect the client API from the path, pick a provider token, swap
// credentials and host, map the model, translate the body to the provider's protocol. Response:
// account usage (also from streams), translate back to the client's protocol, report a broken stream
// as an error event, and record metrics and access-log properties at the end. Keys that fail are taken
// out of rotation (tokens.ts) and health-checked back (health.ts); failed answers may be retried with
// another key (retry.ts); a prompt in the query may become a chat request (prompt-param.ts).
import { FilterDataStatusValues, FilterHeadersStatusValues, RootContext } from "@solo-io/proxy-runtime";
import { Fields } from "../common/config";
import { checkJson } from "../common/json-check";
import { isJson } from "../common/json-valid";
import { JSON, JsonWriter, parseValid } from "../common/json-writer";
import {
  BufferType, getBufferBytes, getHeaderString, MapType, nowNanos, peekHeader, removeHeader, replaceHeader,
  sendLocalReply, setBufferBytes, setBufferFrom, setProperty,
} from "../common/host";
import { PluginContext, PluginRoot } from "../common/plugin";
import { CONSUMER_HEADER } from "../common/reply";
import { hasGlobalFields, parseRules, RuleSet } from "../common/rules";
import { Api, ClientProtocol, clientProtocolOf, detectApi, openAiPath, operationName } from "./api";
import { CallResponse, PendingCalls } from "./calls";
import { AiProxyConfig, KNOWN_FIELDS, parseAiProxy, ProviderConfig } from "./config";
import { envoyReply } from "./envoy-reply";
import { errorBody, incompleteStreamEvent, readProviderError, sendError } from "./errors";
import { HealthChecker } from "./health";
import { Attributes, Metrics } from "./metrics";
import { chatPath, chatRequest, ProviderRequest } from "./provider-call";
import { ResponseTranslator } from "./providers/provider";
import { queryOf, withClientQuery } from "./query";
import { Attempts } from "./retry";
import { ScanResult, SseParser, SseWriter } from "./sse";
import { TokenPool, TokenPools } from "./tokens";
import { ClientTranslator, toOpenAiRequest } from "./translate/anthropic-client";
import { scanRequest, spliceRequest } from "./translate/openai-splice";
import { readUsageMember, Usage } from "./usage";

const H_PATH = String.UTF8.encode(":path");
const H_AUTHORITY = String.UTF8.encode(":authority");
const H_STATUS = String.UTF8.encode(":status");
const H_CONTENT_LENGTH = String.UTF8.encode("content-length");
const H_CONTENT_TYPE = String.UTF8.encode("content-type");
const H_ACCEPT_ENCODING = String.UTF8.encode("accept-encoding");
// Sent by every Anthropic client (its API requires it), never by OpenAI's.
const H_ANTHROPIC_VERSION = String.UTF8.encode("anthropic-version");
// The client's own credentials for the gateway: never forwarded to a provider.
const CLIENT_CREDENTIALS = [String.UTF8.encode("authorization"), String.UTF8.encode("x-api-key"), String.UTF8.encode("api-key")];
const DONE = "[DONE]";
// The access-log properties onLog sets on every request, encoded once.
const P_CONSUMER = String.UTF8.encode("ai_consumer");
const P_PROVIDER = String.UTF8.encode("ai_provider");
const P_MODEL = String.UTF8.encode("ai_model");
const P_UPSTREAM_MODEL = String.UTF8.encode("ai_upstream_model");
const P_INPUT_TOKENS = String.UTF8.encode("ai_input_tokens");
const P_OUTPUT_TOKENS = String.UTF8.encode("ai_output_tokens");
const P_TTFT_MS = String.UTF8.encode("ai_ttft_ms");

export class AiProxyRoot extends PluginRoot<AiProxyConfig> {
  readonly metrics: Metrics = new Metrics();
  readonly pools: TokenPools;
  /** HTTP calls in flight (retries, health checks, prompt requests); their answers arrive here. */
  readonly calls: PendingCalls;
  readonly health: HealthChecker;

  constructor(context_id: u32) {
    super(context_id, "ai-proxy");
    const pools = new TokenPools();
    const calls = new PendingCalls();
    this.pools = pools;
    this.calls = calls;
    this.health = new HealthChecker(pools, calls);
  }

  onConfigure(configuration_size: u32): bool {
    if (!super.onConfigure(configuration_size)) return false;
    this.health.configure(this.rules!);
    return true;
  }

  onTick(): void {
    this.health.tick();
  }

  onHttpCallResponse(token: u32, headers: u32, body_size: u32, _trailers: u32): void {
    this.calls.deliver(token, headers, body_size);
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
    return this.pools.of(pc);
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
  private readonly scanned: ScanResult = new ScanResult();
  /** A translated stream's output for the chunk at hand (one buffer, reused chunk after chunk). */
  private streamOut: SseWriter | null = null;
  private translator: ResponseTranslator | null = null;
  private clientTranslator: ClientTranslator | null = null;
  /** Provider → OpenAI → Anthropic client streams: the chunk's OpenAI events, written then read again (reused). */
  private openAiEvents: SseWriter | null = null;
  private openAiParser: SseParser | null = null;
  private sawDone: bool = false;
  private streamBroken: bool = false;
  /** The provider reported an error inside the stream; the client got it as its one error event. */
  private streamFailed: bool = false;
  private errorCode: string = "";
  /** An error response Envoy generated itself (not the provider's): its metric label, else "". */
  private envoyLabel: string = "";
  private readonly usage: Usage = new Usage();
  /** Where the provider request went, kept when failover or retries need it. */
  private target: ProviderRequest | null = null;
  /** Retries (or the prompt request) in flight: the upstream's own response is held or absent. */
  private attempts: Attempts | null = null;
  /** The client was answered by a local reply built from an HTTP call: the response filters stand aside. */
  private answered: bool = false;

  constructor(context_id: u32, root: RootContext) {
    super(context_id, root);
  }

  // ---- request

  onRequestHeaders(_headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const config = this.plugin.rules!.select(this);
    if (config === null || config.active === null) return FilterHeadersStatusValues.Continue;
    const pc = config.active!;
    let path = getHeaderString(MapType.RequestHeaders, H_PATH);
    if (path === null) return FilterHeadersStatusValues.Continue;
    const clientPath = path;
    if (pc.subPath.length && path.startsWith(pc.subPath)) path = path.substring(pc.subPath.length);
    const api = detectApi(path);
    const prompt = api == Api.None && end_of_stream && config.prompt !== null ? config.prompt!.promptOf(path) : null;
    if (api == Api.None && !pc.original && prompt === null) return FilterHeadersStatusValues.Continue;
    this.pc = pc;
    this.api = api;
    this.protocol = clientProtocolOf(api, api == Api.Models && peekHeader(MapType.RequestHeaders, H_ANTHROPIC_VERSION) !== null);
    this.startNs = nowNanos();
    const consumer = getHeaderString(MapType.RequestHeaders, CONSUMER_HEADER);
    if (consumer !== null) this.consumer = consumer;
    if (!pc.original && !pc.provider.keepsClientPath() && api != Api.None && pc.provider.path(api, "", false).length == 0) {
      // The provider has no such API: say so rather than send the client's path to it.
      this.errorCode = "unsupported_api";
      sendError(this.protocol, 501, "invalid_request_error", this.errorCode,
        "provider '" + pc.provider.type + "' does not support " + openAiPath(api));
      return FilterHeadersStatusValues.StopIteration;
    }

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
    if (pc.failover.enabled || pc.retry.enabled || prompt !== null) this.target = this.providerTarget(pc, clientPath);
    if (prompt !== null) return this.askPrompt(pc, config.prompt!.model, prompt);
    const provider = pc.provider;
    if (api == Api.Models && !pc.original && !provider.speaksOpenAI && this.protocol == ClientProtocol.OpenAI) {
      // An OpenAI client's model list, from a provider that lists models its own way. (Anthropic clients
      // get the provider's list as it is.)
      this.translator = provider.responseTranslator(Api.Models, false);
    }
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

  /** Where this request goes: the route's cluster, the provider's host (else the client's), the path so far. */
  private providerTarget(pc: ProviderConfig, path: string): ProviderRequest {
    let authority = pc.provider.host();
    if (authority.length == 0) {
      const client = getHeaderString(MapType.RequestHeaders, H_AUTHORITY);
      if (client !== null) authority = client;
    }
    const target = new ProviderRequest(String.UTF8.decode(this.clusterName()), authority);
    target.path = path;
    return target;
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
      if (this.api == Api.Models) {
        // A list translated for an OpenAI client comes in one page (OpenAI's list has none, nor paging
        // parameters). A list the client reads as the provider gives it keeps the client's query: its
        // paging parameters (Anthropic's after_id/before_id/limit, Gemini's pageToken) must reach the provider.
        path = this.translator !== null ? provider.openAiModelListPath() : withClientQuery(path, queryOf(clientPath));
      }
    }
    replaceHeader(MapType.RequestHeaders, H_PATH, String.UTF8.encode(path));
    if (this.target !== null) this.target!.path = path;
  }

  /** The prompt-param mode: the plugin asks the provider itself and answers with a local reply. */
  private askPrompt(pc: ProviderConfig, clientModel: string, prompt: string): FilterHeadersStatusValues {
    this.api = Api.ChatCompletions;
    if (prompt.length == 0) {
      this.errorCode = "missing_prompt";
      sendError(this.protocol, 400, "invalid_request_error", this.errorCode, "the prompt parameter is empty");
      return FilterHeadersStatusValues.StopIteration;
    }
    this.model = clientModel;
    this.upstreamModel = pc.modelMapping.map(clientModel);
    const provider = pc.provider;
    if (!provider.speaksOpenAI) this.translator = provider.responseTranslator(Api.ChatCompletions, false, this.upstreamModel);
    const target = this.target!;
    target.path = chatPath(pc, this.upstreamModel);
    target.body = provider.request(Api.ChatCompletions, chatRequest(this.upstreamModel, prompt, 0), false);
    const attempts = new Attempts(this, pc, this.plugin.pool(pc), this.plugin.calls, target);
    if (target.cluster.length == 0 || !attempts.first(this.token)) {
      this.errorCode = "no_upstream_cluster";
      sendError(this.protocol, 503, "service_unavailable", this.errorCode, "the route has no upstream cluster the provider can be called through");
      return FilterHeadersStatusValues.StopIteration;
    }
    this.attempts = attempts;
    return FilterHeadersStatusValues.StopIteration;
  }

  onRequestBody(body_buffer_length: usize, end_of_stream: bool): FilterDataStatusValues {
    const pc = this.pc;
    if (pc === null || this.api == Api.Models || this.api == Api.None) return FilterDataStatusValues.Continue;
    if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
    const size = <u32>body_buffer_length;
    const body = getBufferBytes(BufferType.RequestBody, 0, size);
    const syntax = checkJson(changetype<usize>(body), body.byteLength);
    if (syntax.length) return this.reject(400, "invalid_request_error", "invalid_json", "request body is not valid JSON: " + syntax);
    const provider = pc.provider;
    const passThrough = pc.original || (this.protocol == ClientProtocol.Anthropic && provider.speaksAnthropic);
    const openAiToOpenAi = !passThrough && this.protocol == ClientProtocol.OpenAI && provider.speaksOpenAI;
    if (passThrough || openAiToOpenAi) {
      // The common case needs no tree: edit `model` (and stream_options) in the client's bytes.
      const scan = scanRequest(body);
      if (scan !== null) {
        this.stream = scan.stream;
        this.model = scan.model;
        this.upstreamModel = pc.modelMapping.map(this.model);
        const out = spliceRequest(body, scan, this.upstreamModel, openAiToOpenAi && this.api == Api.ChatCompletions);
        if (passThrough) this.translator = provider.nativeResponseReader(this.api, this.stream);
        return this.forwardBody(size, out);
      }
    }
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

    let out: ArrayBuffer;
    if (passThrough) {
      // The client already speaks the provider's protocol: only the model changes.
      out = new JsonWriter(body.byteLength + 64).value(req).toBuffer();
      this.translator = provider.nativeResponseReader(this.api, this.stream);
    } else {
      let openAiReq = req;
      if (this.protocol == ClientProtocol.Anthropic) {
        const converted = toOpenAiRequest(req);
        if (converted === null) return this.reject(400, "invalid_request_error", "invalid_body", "not an Anthropic Messages request");
        openAiReq = converted;
        this.clientTranslator = new ClientTranslator(this.model, this.stream);
      }
      out = provider.request(this.api, openAiReq, this.stream);
      if (!provider.speaksOpenAI) this.translator = provider.responseTranslator(this.api, this.stream, this.upstreamModel);
    }
    return this.forwardBody(size, out);
  }

  /** Replaces the request body with what goes to the provider, and finishes what waited for it. */
  private forwardBody(size: u32, out: ArrayBuffer): FilterDataStatusValues {
    setBufferBytes(BufferType.RequestBody, 0, size, out);
    if (this.target !== null && this.pc!.retry.enabled) this.target!.body = out;
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
    if (pc === null || this.errorCode.length || this.answered) return FilterHeadersStatusValues.Continue;
    const status = getHeaderString(MapType.ResponseHeaders, H_STATUS);
    this.status = status === null ? 0 : <u32>I32.parseInt(status);
    const local = this.status >= 400 || pc.failover.enabled || pc.retry.enabled ? envoyReply() : null;
    // A reply Envoy or another filter made speaks for the provider only when the provider failed to
    // answer (unreachable, reset, too slow); a 413, a refusal or Envoy's own limits are not the key's
    // doing, and are not sent again.
    if (local === null || local.providerFailed) {
      this.noteOutcome(this.token, this.status);
      if (Attempts.wanted(pc, this.target, this.status)) {
        // Held (its body is dropped) until a retry answers; Envoy's own attempt counted as the first.
        const attempts = new Attempts(this, pc, this.plugin.pool(pc), this.plugin.calls, this.target!);
        if (attempts.retryAfter(this.token)) {
          this.attempts = attempts;
          return FilterHeadersStatusValues.StopIteration;
        }
      }
    }
    if (local !== null && this.status >= 400) this.envoyLabel = local.label;
    const contentType = getHeaderString(MapType.ResponseHeaders, H_CONTENT_TYPE);
    const translating = this.prepareResponse(pc, contentType);
    if ((translating || this.reshapeError || this.isSse) && !end_of_stream) {
      removeHeader(MapType.ResponseHeaders, H_CONTENT_LENGTH);
      if (translating && !this.isSse) replaceHeader(MapType.ResponseHeaders, H_CONTENT_TYPE, String.UTF8.encode("application/json"));
      if (this.reshapeError) replaceHeader(MapType.ResponseHeaders, H_CONTENT_TYPE, String.UTF8.encode("application/json"));
    }
    return FilterHeadersStatusValues.Continue;
  }

  /** How the response (status in this.status) is handled; true when its body is translated. */
  private prepareResponse(pc: ProviderConfig, contentType: string | null): bool {
    this.isSse = this.stream && this.status == 200 && contentType !== null && contentType.includes("text/event-stream");
    const translating = this.translator !== null || this.clientTranslator !== null;
    // Error bodies from providers that do not speak the client's protocol are reshaped into its format, and
    // so are errors that are not JSON at all: Envoy's own replies (413 body too large, 503 connect failure,
    // 504 route timeout) and proxies' HTML pages, which no SDK can read.
    const json = contentType !== null && contentType.includes("json");
    const provider = pc.provider;
    const speaksClients = this.protocol == ClientProtocol.Anthropic ? provider.speaksAnthropic : provider.speaksOpenAI;
    this.reshapeError = this.status >= 400 && !pc.original && (translating || !speaksClients || !json);
    if (this.isSse) this.sse = new SseParser();
    this.streamOut = this.isSse && translating ? new SseWriter() : null;
    if (this.isSse && this.translator !== null && this.clientTranslator !== null) {
      this.openAiEvents = new SseWriter();
      this.openAiParser = new SseParser();
    }
    return translating;
  }

  /** Failover accounting for one provider answer with `token` (status 0: none); also called per retry. */
  noteOutcome(token: i32, status: u32): void {
    const pc = this.pc!;
    if (!this.plugin.pool(pc).recordOutcome(token, status)) return;
    const target = this.target;
    if (target !== null) this.plugin.health.noteEndpoint(pc, target.cluster, target.authority);
  }

  /**
   * Answers the client with a provider response the plugin fetched itself (a retry, or the prompt
   * request), translated and reshaped as the upstream's own response would have been. Called with this
   * stream as the effective context.
   */
  answerWith(res: CallResponse): void {
    const pc = this.pc!;
    this.answered = true;
    this.status = res.status;
    if (this.firstByteNs == 0) this.firstByteNs = nowNanos();
    const contentTypeValue = res.header(H_CONTENT_TYPE);
    const contentType: string | null = contentTypeValue === null ? null : String.UTF8.decode(contentTypeValue);
    const translating = this.prepareResponse(pc, contentType);
    // An error that is not JSON (Envoy's own 503/504 text) is put in the client's format too, as
    // prepareResponse does for a direct answer; with `protocol: original` both pass it on as it came.
    if (res.status >= 400 && !pc.original && (contentType === null || !contentType.includes("json"))) this.reshapeError = true;
    let body = res.body;
    const out = this.isSse ? this.streamBytes(body, true) : this.clientBody(body);
    if (out !== null) body = out;
    const headers = res.replayableHeaders();
    const json = !this.isSse && (translating || this.reshapeError);
    if (json || contentType !== null) {
      headers.push("content-type");
      headers.push(json ? "application/json" : contentType!);
    }
    sendLocalReply(res.status, "ai-proxy.via_http_call", body, headers);
  }

  /** Every attempt failed: the last failure, as an error in the client's format. Effective context: this stream. */
  failWith(res: CallResponse, attempts: i32): void {
    this.answered = true;
    const status: u32 = res.answered ? res.status : 503;
    this.status = status;
    this.errorCode = attempts > 1 ? "retries_exhausted" : "upstream_unreachable";
    const failure = res.answered ? readProviderError(res.body, status) : null;
    const reason = failure !== null ? failure.message : "no answer from the provider (connection failed or reset)";
    const message = attempts > 1 ? "the provider failed " + attempts.toString() + " attempts; last: " + reason : reason;
    sendError(this.protocol, status, status == 429 ? "rate_limit_error" : "upstream_error", this.errorCode, message, failure !== null ? failure.anthropicType : "");
  }

  onResponseBody(body_buffer_length: usize, end_of_stream: bool): FilterDataStatusValues {
    if (this.pc === null || this.errorCode.length || this.answered) return FilterDataStatusValues.Continue;
    // The held response of a request being retried: its body never reaches the client.
    if (this.attempts !== null) return FilterDataStatusValues.StopIterationNoBuffer;
    if (this.firstByteNs == 0) this.firstByteNs = nowNanos();
    const size = <u32>body_buffer_length;
    if (this.isSse) return this.streamChunk(size, end_of_stream);
    if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
    const body = getBufferBytes(BufferType.ResponseBody, 0, size);
    const out = this.clientBody(body);
    if (out !== null) setBufferBytes(BufferType.ResponseBody, 0, size, out);
    return FilterDataStatusValues.Continue;
  }

  /**
   * What the client gets for a whole (non-streaming) answer; null: unchanged. A provider error that
   * quotes one of the provider keys gets it masked: provider keys never reach the client.
   */
  private clientBody(body: ArrayBuffer): ArrayBuffer | null {
    let out = this.wholeBody(body);
    if (this.status >= 300) {
      const masked = maskSecrets(out !== null ? out : body, this.pc!.apiTokens);
      if (masked !== null) out = masked;
    }
    return out;
  }

  /** A complete non-streaming response: usage, translation, error reshaping. Null: unchanged. */
  private wholeBody(body: ArrayBuffer): ArrayBuffer | null {
    if (this.reshapeError) {
      const failure = readProviderError(body, this.status);
      this.errorCode = "upstream_error";
      return errorBody(this.protocol, this.status, this.status == 429 ? "rate_limit_error" : "upstream_error", "upstream_" + this.status.toString(), failure.message, failure.anthropicType);
    }
    let openAi = body;
    const translator = this.translator;
    if (translator !== null) {
      openAi = translator.body(body, this.status);
      copyUsage(translator.usage, this.usage);
    } else if (this.status < 300 && isJson(changetype<usize>(body), body.byteLength)) {
      // Only the usage member is read, not the whole answer.
      readUsageMember(body, this.usage);
    }
    const client = this.clientTranslator;
    if (client !== null) return client.body(openAi, this.status);
    return translator !== null ? openAi : null;
  }

  /** One chunk of an SSE response: parse whole events, translate or observe them, pass the rest on. */
  private streamChunk(size: u32, end: bool): FilterDataStatusValues {
    const chunk = getBufferBytes(BufferType.ResponseBody, 0, size);
    const out = this.streamOut;
    if (out !== null) {
      // The translated events replace the chunk, handed to the host from where they were written.
      this.translateChunk(chunk, end, out);
      setBufferFrom(BufferType.ResponseBody, 0, size, out.dataStart, out.length);
      return FilterDataStatusValues.Continue;
    }
    const passed = this.passChunk(chunk, end);
    if (passed !== null) setBufferBytes(BufferType.ResponseBody, 0, size, passed);
    return FilterDataStatusValues.Continue;
  }

  /** What the client gets for one chunk of an SSE response; null: the chunk as it is. */
  private streamBytes(chunk: ArrayBuffer, end: bool): ArrayBuffer | null {
    const out = this.streamOut;
    if (out === null) return this.passChunk(chunk, end);
    this.translateChunk(chunk, end, out);
    return out.toBuffer();
  }

  /** OpenAI in, OpenAI out: the bytes pass unchanged; only the end marker and usage are read. Null: the chunk as it is. */
  private passChunk(chunk: ArrayBuffer, end: bool): ArrayBuffer | null {
    const found = this.scanned;
    this.sse!.scan(chunk, found);
    if (found.done) this.sawDone = true;
    if (found.error) this.streamFailed = true;
    for (let i = 0; i < found.usageData.length; i++) {
      const data = found.usageData[i];
      if (isJson(changetype<usize>(data), data.byteLength)) readUsageMember(data, this.usage);
    }
    if (!end || this.sawDone) return null;
    this.streamBroken = true;
    if (this.streamFailed) return null; // the provider's error event already told the client
    const tail = incompleteStreamEvent(this.protocol);
    const joined = new Uint8Array(chunk.byteLength + tail.byteLength);
    joined.set(Uint8Array.wrap(chunk), 0);
    joined.set(Uint8Array.wrap(tail), chunk.byteLength);
    return joined.buffer;
  }

  /** Translation: `out` gets what replaces the chunk, the translated events it completed. */
  private translateChunk(chunk: ArrayBuffer, end: bool, out: SseWriter): void {
    const translator = this.translator;
    const client = this.clientTranslator;
    const parser = this.sse!;
    const count = parser.push(chunk);
    out.clear();
    if (client === null) {
      // The provider's events straight into OpenAI events.
      this.providerToOpenAi(translator!, parser, count, end, out);
      this.streamFailed = translator!.failed;
    } else {
      if (translator === null) {
        // OpenAI events to the Anthropic client; the client translator reads their usage itself.
        for (let k = 0; k < count && !client.failed; k++) {
          const ev = parser.eventAt(k);
          if (ev.dataEquals(DONE)) this.sawDone = true;
          client.event(ev, out);
        }
      } else {
        // Two steps: the provider's events become OpenAI events, which become the client's.
        const openAi = this.openAiEvents!;
        openAi.clear();
        this.providerToOpenAi(translator, parser, count, end, openAi);
        const inner = this.openAiParser!;
        const n = inner.push(openAi.toBuffer());
        for (let k = 0; k < n && !client.failed; k++) client.event(inner.eventAt(k), out);
      }
      if (end) client.end(out, this.sawDone); // reports the break, unless an error event already ended the stream
      copyUsage(client.usage, this.usage);
      this.streamFailed = client.failed;
    }
    if (end && !this.sawDone) {
      this.streamBroken = true;
      if (client === null && !this.streamFailed) out.raw(incompleteStreamEvent(this.protocol));
    }
  }

  /**
   * The chunk's `count` provider events (in `parser`) as OpenAI events into `out`, and the usage and
   * completion they report. Nothing is read after an error the provider reported: its error event ended
   * the client's stream.
   */
  private providerToOpenAi(t: ResponseTranslator, parser: SseParser, count: i32, end: bool, out: SseWriter): void {
    for (let k = 0; k < count && !t.failed; k++) t.event(parser.eventAt(k), out);
    if (end && !t.failed) t.end(out);
    copyUsage(t.usage, this.usage);
    this.sawDone = t.complete;
  }

  // ---- end of stream

  onLog(): void {
    const pc = this.pc;
    if (pc === null) return;
    const attrs = new Attributes(this.consumer, this.model, pc.provider.system, operationName(this.api)).suffix();
    const m = this.plugin.metrics;
    m.count("gen_ai.client.requests", attrs);
    // A stream cut by a reset (the provider's connection, or the client going away) never reached its end:
    // it is as broken as one that ended early.
    if (this.isSse && !this.sawDone && !this.answered) this.streamBroken = true;
    if (this.errorCode.length || this.status >= 400 || this.streamBroken) m.count("gen_ai.client.errors", attrs + ";error.type=" + this.errorType());
    if (this.usage.input > 0) m.count("gen_ai.client.token.usage", attrs + ";gen_ai.token.type=input", this.usage.input);
    if (this.usage.output > 0) m.count("gen_ai.client.token.usage", attrs + ";gen_ai.token.type=output", this.usage.output);
    const now = nowNanos();
    if (this.startNs > 0 && now >= this.startNs) m.record("gen_ai.client.operation.duration", attrs, (now - this.startNs) / 1_000_000);
    const ttftMs = this.firstByteNs > this.startNs && this.startNs > 0 ? (this.firstByteNs - this.startNs) / 1_000_000 : 0;
    if (this.stream && this.firstByteNs > 0) m.record("gen_ai.server.time_to_first_token", attrs, ttftMs);
    // For access logs: Envoy keeps these as filter state `wasm.<name>`.
    setProperty(P_CONSUMER, String.UTF8.encode(this.consumer));
    setProperty(P_PROVIDER, String.UTF8.encode(pc.provider.system));
    setProperty(P_MODEL, String.UTF8.encode(this.model));
    setProperty(P_UPSTREAM_MODEL, String.UTF8.encode(this.upstreamModel));
    setProperty(P_INPUT_TOKENS, String.UTF8.encode(this.usage.input >= 0 ? this.usage.input.toString() : ""));
    setProperty(P_OUTPUT_TOKENS, String.UTF8.encode(this.usage.output >= 0 ? this.usage.output.toString() : ""));
    setProperty(P_TTFT_MS, String.UTF8.encode(this.stream && this.firstByteNs > 0 ? ttftMs.toString() : ""));
  }

  private errorType(): string {
    // Set only when the plugin had not answered itself; outranks the reshaping's upstream_error.
    if (this.envoyLabel.length) return this.envoyLabel;
    if (this.errorCode.length) return this.errorCode;
    if (this.streamFailed) return "upstream_error";
    if (this.streamBroken) return "stream_incomplete";
    return this.status.toString();
  }
}

/**
 * Secrets shorter than this are not masked: every real provider key is far longer, and masking a
 * short test token such as "bad" would mangle ordinary words in the message.
 */
const MIN_MASKED_SECRET_BYTES = 8;

/** A copy of `data` with every occurrence of each secret replaced by as many '*'; null if none occurs. */
function maskSecrets(data: ArrayBuffer, secrets: string[]): ArrayBuffer | null {
  let out: ArrayBuffer | null = null;
  for (let s = 0; s < secrets.length; s++) {
    const secret = String.UTF8.encode(secrets[s]);
    const n = secret.byteLength;
    if (n < MIN_MASKED_SECRET_BYTES) continue;
    const src = out !== null ? out : data;
    const p = changetype<usize>(src);
    for (let i = 0; i + n <= src.byteLength; i++) {
      if (memory.compare(p + i, changetype<usize>(secret), n) != 0) continue;
      if (out === null) out = data.slice(0);
      memory.fill(changetype<usize>(out) + i, 0x2a, n);
      i += n - 1;
    }
  }
  return out;
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
