// Errors in the format the client expects: OpenAI's {"error": {message, type, param, code}} for OpenAI
// clients, Anthropic's {"type": "error", "error": {type, message}} for Anthropic clients (/v1/messages,
// and /models with anthropic-version) — as a whole response, or as one SSE event when a stream breaks
// after it started.
import { JsonWriter } from "../common/json-writer";
import { sendLocalReply } from "../common/host";
import { ClientProtocol } from "./api";

/** OpenAI error `type` → Anthropic error `type`. */
function anthropicType(openAiType: string, status: u32): string {
  if (status == 401) return "authentication_error";
  if (status == 403) return "permission_error";
  if (status == 404) return "not_found_error";
  if (status == 413) return "request_too_large";
  if (status == 429) return "rate_limit_error";
  if (status == 529) return "overloaded_error";
  if (status >= 500) return "api_error";
  if (openAiType == "invalid_request_error") return "invalid_request_error";
  return "api_error";
}

/** Anthropic's error types: an error already named with one keeps it. */
const ANTHROPIC_TYPES = ["invalid_request_error", "authentication_error", "permission_error", "not_found_error", "request_too_large", "rate_limit_error", "api_error", "overloaded_error"];

/** Anthropic's type for an error inside a stream (no status to go by): its own names kept, else api_error. */
function anthropicEventType(type: string): string {
  return ANTHROPIC_TYPES.includes(type) ? type : "api_error";
}

export function errorBody(protocol: ClientProtocol, status: u32, type: string, code: string, message: string): ArrayBuffer {
  const w = new JsonWriter(128);
  if (protocol == ClientProtocol.Anthropic) {
    w.ascii('{"type":"error","error":{"type":').string(anthropicType(type, status)).ascii(',"message":').string(message).ascii("}}");
  } else {
    w.ascii('{"error":{"message":').string(message).ascii(',"type":').string(type).ascii(',"param":null,"code":').string(code).ascii("}}");
  }
  return w.toBuffer();
}

/** Answers the client with an error and a `ai-proxy.<code>` detail for access logs. */
export function sendError(protocol: ClientProtocol, status: u32, type: string, code: string, message: string): void {
  sendLocalReply(status, "ai-proxy." + code, errorBody(protocol, status, type, code, message), ["content-type", "application/json"]);
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
