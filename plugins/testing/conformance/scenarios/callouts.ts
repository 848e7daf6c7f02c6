// Calls out of the VM: proxy_http_call (answered on the root context, then the stream is resumed with
// proxy_set_effective_context + proxy_continue_stream), proxy_get_status, the gRPC entry points and
// proxy_call_foreign_function.
import { BAD_PTR, BufferType, HeadersStatus, MapType, StreamType } from "../abi";
import * as abi from "../abi";
import { addHeader, getBuffer, getHeader, getPairs, httpCall, setBuffer, status } from "../calls";
import { OUT_PTR, OUT_SIZE, OUT_U32, enc, len, pairCount, pairs, ptr } from "../mem";
import { Report } from "../report";
import { param, plugin } from "../state";

/**
 * `http-call`, in on_request_headers: calls cluster `x-cluster` with `:path` `x-path` (omitted when
 * `x-path` is absent) and timeout `x-timeout` ms, then waits for the answer. A call the host refuses
 * is reported at once in a local reply.
 */
export function startHttpCall(contextId: u32): u32 {
  const keys: string[] = [":method", ":authority", "x-from"];
  const values: string[] = ["POST", "callout.local", "conformance"];
  const p = param("x-path");
  if (p.length) {
    keys.push(":path");
    values.push(p);
  }
  const timeout = param("x-timeout");
  const got = httpCall(param("x-cluster"), pairs(keys, values), "ping", pairs([], []), timeout.length ? <u32>U64.parseInt(timeout) : 5000);
  if (!got.ok) {
    const r = new Report("http-call");
    r.code("call", got.result);
    r.set("call.token", got.num.toString());
    r.reply();
    return HeadersStatus.Continue;
  }
  plugin.callers.set(<u32>got.num, contextId);
  return HeadersStatus.StopIteration;
}

/** `http-call-memory`, in on_request_headers: proxy_http_call with pointers outside memory. */
export function httpCallBadMemory(): void {
  const c = enc("any");
  const h = pairs([":path", ":method", ":authority"], ["/", "GET", "x"]);
  const r = new Report("http-call-memory");
  r.code("bad_headers_ptr", abi.proxy_http_call(ptr(c), len(c), BAD_PTR, 16, 0, 0, 0, 0, 1000, OUT_U32));
  r.code("bad_token_ptr", abi.proxy_http_call(ptr(c), len(c), ptr(h), len(h), 0, 0, 0, 0, 1000, BAD_PTR));
  r.reply();
}

/**
 * proxy_on_http_call_response, on the root context: reads what arrived, then resumes the stream that
 * made the call with the callout's status and body added to its request headers.
 */
export function httpCallResponse(rootId: u32, token: u32, headers: u32, bodySize: u32, trailers: u32): void {
  const r = new Report("http-call-response");
  r.set("root", rootId.toString());
  r.set("token", token.toString());
  r.set("headers", headers.toString());
  r.set("body_size", bodySize.toString());
  r.set("trailers", trailers.toString());
  const st = getHeader(MapType.HttpCallResponseHeaders, ":status");
  r.text("status_header", st);
  r.set("pairs.count", pairCount(getPairs(MapType.HttpCallResponseHeaders).bytes).toString());
  r.text("trailer", getHeader(MapType.HttpCallResponseTrailers, "x-trailer"));
  const body = getBuffer(BufferType.HttpCallResponseBody, 0, bodySize);
  r.text("body", body);
  r.code("set_body", setBuffer(BufferType.HttpCallResponseBody, 0, 0, "x"));
  const s = status();
  r.code("get_status", s.result);
  r.set("get_status.code", s.num.toString());
  r.set("get_status.message", s.str());
  r.code("request_headers_before_switch", addHeader(MapType.RequestHeaders, "x-too-early", "1"));

  const caller = plugin.callers.has(token) ? plugin.callers.get(token) : 0;
  plugin.callers.delete(token);
  r.code("set_effective_context.unknown", abi.proxy_set_effective_context(0x7fffff));
  r.code("set_effective_context", abi.proxy_set_effective_context(caller));
  r.code("add_header", addHeader(MapType.RequestHeaders, "x-callout-status", st.ok ? st.str() : "none"));
  addHeader(MapType.RequestHeaders, "x-callout-body", body.ok ? body.str() : "none");
  r.code("continue", abi.proxy_continue_stream(StreamType.Request));
  r.log();
}

/** `grpc`: the gRPC entry points (answered without a gRPC client here) and foreign functions. */
export function grpcAndForeign(): void {
  const s = enc("service");
  const m = enc("method");
  const md = pairs([], []);
  const msg = enc("message");
  const r = new Report("grpc");
  r.code("grpc_call", abi.proxy_grpc_call(ptr(s), len(s), ptr(s), len(s), ptr(m), len(m), ptr(md), len(md), ptr(msg), len(msg), 1000, OUT_U32));
  r.code("grpc_stream", abi.proxy_grpc_stream(ptr(s), len(s), ptr(s), len(s), ptr(m), len(m), ptr(md), len(md), OUT_U32));
  r.code("grpc_send", abi.proxy_grpc_send(1, ptr(msg), len(msg), 0));
  r.code("grpc_close", abi.proxy_grpc_close(1));
  r.code("grpc_cancel", abi.proxy_grpc_cancel(1));
  const f = enc("compress");
  r.code("foreign.unknown", abi.proxy_call_foreign_function(ptr(f), len(f), ptr(msg), len(msg), OUT_PTR, OUT_SIZE));
  r.code("foreign.bad_name_ptr", abi.proxy_call_foreign_function(BAD_PTR, 4, ptr(msg), len(msg), OUT_PTR, OUT_SIZE));
  r.reply();
}
