// Host-conformance test plugin (test-only, never shipped). It exercises every host function of
// proxy-wasm ABI 0.2.1 so the tests in test/host/ can check that the TypeScript host answers as Envoy
// does. See README.md for the scenarios and configuration words.
//
// A request picks a scenario with the `x-scenario` header (parameters in other `x-*` headers); the
// scenario makes its host calls and reports the results, in a 200 local reply or in a log line
// (`report <name>` followed by `key=value` lines). The plugin configuration (whitespace-separated
// words) sets per-plugin behaviour for lifecycle and filter-chain tests.
import * as abi from "./abi";
import { DataStatus, HeadersStatus, MapType, StreamType } from "./abi";
import { addHeader, info, now, sendLocalResponse } from "./calls";
import { enc, pairs } from "./mem";
import { param, plugin, stream, streams, trace, Stream } from "./state";
import * as buffers from "./scenarios/buffers";
import * as callouts from "./scenarios/callouts";
import * as control from "./scenarios/control";
import * as headers from "./scenarios/headers";
import { metricCalls } from "./scenarios/metrics";
import { streamProperties } from "./scenarios/properties";
import { configure, vmStart } from "./scenarios/root";
import * as shared from "./scenarios/shared";
import * as wasi from "./scenarios/wasi";

export { malloc } from "./mem";

/** The ABI marker: this module speaks proxy-wasm 0.2.1 (it imports proxy_get_log_level). */
export function proxy_abi_version_0_2_1(): void {}

/** Target of `--use abort=abort_proc_exit`: log the message, then exit (the host logs it; we trap). */
// @ts-ignore: decorator
@global export function abort_proc_exit(message: string | null, fileName: string | null, line: u32, column: u32): void {
  const text = enc(message !== null ? message : "abort");
  abi.proxy_log(abi.LogLevel.Critical, changetype<usize>(text), text.byteLength);
  abi.proc_exit(255);
}

// ---- Root context ----

export function proxy_on_context_create(id: u32, parent: u32): void {
  if (parent == 0) {
    plugin.rootId = id;
    return;
  }
  stream(id);
  plugin.streamsSeen++;
  trace("context_create", id, "root=" + parent.toString());
}

export function proxy_on_vm_start(id: u32, vmConfigSize: u32): u32 {
  info("cb vm_start " + id.toString() + " vm_config=" + vmConfigSize.toString());
  return vmStart(vmConfigSize) ? 1 : 0;
}

export function proxy_on_configure(id: u32, size: u32): u32 {
  info("cb configure " + id.toString() + " size=" + size.toString());
  return configure(size) ? 1 : 0;
}

export function proxy_on_tick(id: u32): void {
  plugin.ticks++;
  info("cb tick " + id.toString() + " n=" + plugin.ticks.toString() + " now=" + now().toString());
  // Resume every stream a `pause` scenario stopped, in both directions it may have stopped.
  const paused = plugin.paused;
  plugin.paused = [];
  for (let i = 0; i < paused.length; i++) {
    abi.proxy_set_effective_context(paused[i]);
    abi.proxy_continue_stream(StreamType.Request);
    abi.proxy_continue_stream(StreamType.Response);
  }
}

export function proxy_on_queue_ready(id: u32, token: u32): void {
  shared.queueReady(id, token);
}

export function proxy_on_http_call_response(id: u32, token: u32, headerCount: u32, bodySize: u32, trailerCount: u32): void {
  callouts.httpCallResponse(id, token, headerCount, bodySize, trailerCount);
}

// ---- Stream context ----

/** Configured behaviour for chain tests: `reply-at=<callback>` answers 403 from that callback. */
function replyHere(callback: string): bool {
  if (plugin.config.get("reply-at") != callback) return false;
  sendLocalResponse(403, "denied_by_" + plugin.name, "denied by " + plugin.name, pairs([], []), -1);
  return true;
}

/** Configured failure for trap tests: `trap-at=<callback>` executes `unreachable` there. */
function trapHere(callback: string): void {
  if (plugin.config.get("trap-at") == callback) unreachable();
}

/** `append-<map>-header=<name>:<value>` in the configuration adds that header in that callback. */
function appendConfiguredHeader(setting: string, map: u32): void {
  const spec = plugin.config.get(setting);
  const colon = spec.indexOf(":");
  if (colon > 0) addHeader(map, spec.substring(0, colon), spec.substring(colon + 1));
}

function flags(size: u32, endOfStream: u32): string {
  return size.toString() + " eos=" + endOfStream.toString();
}

export function proxy_on_request_headers(id: u32, count: u32, endOfStream: u32): u32 {
  trace("request_headers", id, "headers=" + flags(count, endOfStream));
  trapHere("request-headers");
  if (replyHere("request-headers")) return HeadersStatus.Continue;
  appendConfiguredHeader("append-request-header", MapType.RequestHeaders);
  const s = stream(id);
  s.scenario = param("x-scenario");
  if (s.scenario.length == 0) return plugin.config.getInt("request-headers", HeadersStatus.Continue);
  return requestHeadersScenario(s);
}

function requestHeadersScenario(s: Stream): u32 {
  const name = s.scenario;
  if (name == "headers") headers.headerCalls();
  else if (name == "set-pairs") headers.setPairsCall();
  else if (name == "buffer-checks") buffers.buffersBeforeBody();
  else if (name == "body-edit" || name == "response-body-edit") s.op = param("x-op");
  else if (name == "properties") streamProperties();
  else if (name == "shared") shared.sharedDataOp();
  else if (name == "shared-memory") shared.sharedDataBadMemory();
  else if (name == "queue-ops") shared.queueOps();
  else if (name == "enqueue") shared.enqueueOnly();
  else if (name == "metrics") metricCalls();
  else if (name == "http-call") return callouts.startHttpCall(s.id);
  else if (name == "http-call-memory") callouts.httpCallBadMemory();
  else if (name == "grpc") callouts.grpcAndForeign();
  else if (name == "wasi") wasi.wasiCalls();
  else if (name == "proc-exit") wasi.procExit();
  else if (name == "log") control.logCalls();
  else if (name == "control") control.controlCalls(s.id);
  else if (name == "local-reply") control.localReply(param("x-grpc").length ? I32.parseInt(param("x-grpc")) : -1);
  else if (name == "close") control.closeStream();
  else if (name == "trap") control.trap();
  else if (name == "tick-stop") control.stopTick();
  else if (name == "pause") {
    plugin.paused.push(s.id);
    return HeadersStatus.StopIteration;
  }
  return HeadersStatus.Continue;
}

export function proxy_on_request_body(id: u32, size: u32, endOfStream: u32): u32 {
  trace("request_body", id, "size=" + flags(size, endOfStream));
  trapHere("request-body");
  if (replyHere("request-body")) return DataStatus.Continue;
  const s = stream(id);
  const end = endOfStream != 0;
  if (s.scenario == "buffer") return buffers.bufferUntilEnd("buffer", abi.BufferType.RequestBody, size, end);
  if (end) {
    if (s.scenario == "stale-map") headers.staleMapInRequestBody();
    else if (s.scenario == "buffer-checks") buffers.buffersWithBody(size);
    else if (s.scenario == "body-edit") buffers.editBody(abi.BufferType.RequestBody, size, s.op);
  }
  return plugin.config.getInt("request-body", DataStatus.Continue);
}

export function proxy_on_request_trailers(id: u32, count: u32): u32 {
  trace("request_trailers", id, "trailers=" + count.toString());
  const s = stream(id);
  if (s.scenario == "trailers") headers.requestTrailers();
  else if (s.scenario == "malformed-trailers") headers.malformedTrailers();
  return 0;
}

export function proxy_on_response_headers(id: u32, count: u32, endOfStream: u32): u32 {
  trace("response_headers", id, "headers=" + flags(count, endOfStream));
  trapHere("response-headers");
  if (replyHere("response-headers")) return HeadersStatus.Continue;
  appendConfiguredHeader("append-response-header", MapType.ResponseHeaders);
  const s = stream(id);
  if (s.scenario == "stale-map") headers.staleMapInResponseHeaders();
  else if (s.scenario == "pause-response") {
    plugin.paused.push(id);
    return HeadersStatus.StopIteration;
  }
  return plugin.config.getInt("response-headers", HeadersStatus.Continue);
}

export function proxy_on_response_body(id: u32, size: u32, endOfStream: u32): u32 {
  trace("response_body", id, "size=" + flags(size, endOfStream));
  trapHere("response-body");
  const s = stream(id);
  const end = endOfStream != 0;
  if (s.scenario == "buffer-response") return buffers.bufferUntilEnd("buffer-response", abi.BufferType.ResponseBody, size, end);
  if (end) {
    if (s.scenario == "stale-map") headers.staleMapInResponseBody();
    else if (s.scenario == "response-body-edit") buffers.editBody(abi.BufferType.ResponseBody, size, s.op);
  }
  return DataStatus.Continue;
}

export function proxy_on_response_trailers(id: u32, count: u32): u32 {
  trace("response_trailers", id, "trailers=" + count.toString());
  if (stream(id).scenario == "trailers") headers.responseTrailers();
  return 0;
}

export function proxy_on_log(id: u32): void {
  trace("log", id);
  if (stream(id).scenario == "log-maps") headers.mapsInLog();
}

export function proxy_on_done(id: u32): u32 {
  trace("done", id);
  return 1;
}

export function proxy_on_delete(id: u32): void {
  trace("delete", id);
  streams.delete(id);
}
