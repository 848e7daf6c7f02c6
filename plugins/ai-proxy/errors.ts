// Errors in the format the client expects: OpenAI's {"error": {message, type, param, code}} for OpenAI
// clients, Anthropic's {"type": "error", "error": {type, message}} for Anthropic clients (/v1/messages,
// and /models with anthropic-version) — as a whole response, or as one SSE event when a stream breaks
// after it started.
import { JSON, JsonWriter } from "../common/json-writer";
import { sendLocalReply } from "../common/host";
import { ClientProtocol } from "./api";
import { parseJson } from "./usage";

/**
 * Anthropic's error `type` for an HTTP status, as its errors reference documents it
 * (docs.claude.com/en/api/errors). Statuses it does not list: invalid_request_error for 4xx ("we may also
 * use this error type for other 4XX status codes"), api_error for 5xx.
 */
function anthropicTypeFor(status: u32): string {
  if (status == 401) return "authentication_error";
  if (status == 403) return "permission_error";
  if (status == 404) return "not_found_error";
  if (status == 413) return "request_too_large";
  if (status == 429) return "rate_limit_error";
  if (status == 529) return "overloaded_error";
  if (status >= 400 && status < 500) return "invalid_request_error";
  return "api_error";
}

/** What a provider's error body says: its message, and its type when it came in Anthropic's shape. */
export class ProviderError {
  constructor(
    readonly message: string,
    /** `error.type` of an Anthropic error (`{"type":"error","error":{"type",…}}`); "" for other shapes. */
    readonly anthropicType: string,
  ) {}
}

/** Reads a provider's error body (OpenAI, Anthropic or Gemini shapes, or short plain text). */
export function readProviderError(body: ArrayBuffer, status: u32): ProviderError {
  const doc = parseJson(body);
  if (doc !== null && doc.isObj) {
    const obj = <JSON.Obj>doc;
    const err = obj.getObj("error");
    const kind = obj.getString("type");
    const anthropicType = err !== null && kind !== null && kind.valueOf() == "error" ? err.getString("type") : null;
    const type = anthropicType === null ? "" : anthropicType.valueOf();
    if (err !== null) {
      const msg = err.getString("message");
      if (msg !== null) return new ProviderError(msg.valueOf(), type);
    }
    const msg = obj.getString("message");
    if (msg !== null) return new ProviderError(msg.valueOf(), type);
  }
  // A short plain-text body, such as Envoy's own "upstream request timeout", says what happened.
  const n = body.byteLength;
  if (doc === null && n > 0 && n <= 300) {
    const text = String.UTF8.decode(body).trim();
    if (text.length) return new ProviderError(text, "");
  }
  return new ProviderError("provider answered HTTP " + status.toString(), "");
}

/** Anthropic's error types (its errors reference, billing_error and timeout_error included): an error already named with one keeps it. */
const ANTHROPIC_TYPES = [
  "invalid_request_error", "authentication_error", "billing_error", "permission_error", "not_found_error", "request_too_large",
  "rate_limit_error", "api_error", "timeout_error", "overloaded_error",
];

/** Anthropic's type for an error inside a stream (no status to go by): its own names kept, else api_error. */
function anthropicEventType(type: string): string {
  return ANTHROPIC_TYPES.includes(type) ? type : "api_error";
}

/**
 * An error body in the client's format. Anthropic clients get the provider's own Anthropic type when it
 * sent one (`anthropicType`), else the type Anthropic gives the status; `type` and `code` are OpenAI's.
 */
export function errorBody(protocol: ClientProtocol, status: u32, type: string, code: string, message: string, anthropicType: string = ""): ArrayBuffer {
  const w = new JsonWriter(128);
  if (protocol == ClientProtocol.Anthropic) {
    const kind = anthropicType.length ? anthropicType : anthropicTypeFor(status);
    w.ascii('{"type":"error","error":{"type":').string(kind).ascii(',"message":').string(message).ascii("}}");
  } else {
    w.ascii('{"error":{"message":').string(message).ascii(',"type":').string(type).ascii(',"param":null,"code":').string(code).ascii("}}");
  }
  return w.toBuffer();
}

/** Answers the client with an error and a `ai-proxy.<code>` detail for access logs. */
export function sendError(protocol: ClientProtocol, status: u32, type: string, code: string, message: string, anthropicType: string = ""): void {
  sendLocalReply(status, "ai-proxy." + code, errorBody(protocol, status, type, code, message, anthropicType), ["content-type", "application/json"]);
}

/** An SSE event reporting an error inside a stream (the stream then ends); `code` is OpenAI's only. */
export function errorEvent(protocol: ClientProtocol, type: string, code: string, message: string): ArrayBuffer {
  const w = new JsonWriter(160);
  if (protocol == ClientProtocol.Anthropic) {
    w.ascii("event: error\ndata: ");
    w.ascii('{"type":"error","error":{"type":').string(anthropicEventType(type)).ascii(',"message":').string(message).ascii("}}");
  } else {
    w.ascii("data: ");
    w.ascii('{"error":{"message":').string(message).ascii(',"type":').string(type).ascii(',"param":null,"code":').string(code).ascii("}}");
  }
  w.ascii("\n\n");
  return w.toBuffer();
}

/** The error event that ends a stream the provider broke off (it closed before its end marker). */
export function incompleteStreamEvent(protocol: ClientProtocol): ArrayBuffer {
  return errorEvent(protocol, "upstream_error", "stream_incomplete", "the provider's stream ended before it was complete");
}
