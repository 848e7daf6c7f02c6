// Thin wrappers over the raw host functions: each makes exactly one host call and returns the
// WasmResult together with whatever the host wrote back, so scenarios can report both.
import * as abi from "./abi";
import { OUT_PTR, OUT_SIZE, OUT_U32, OUT_U64, clearOut, enc, len, ptr, takeOut } from "./mem";

/** A host call's result code plus what it returned: bytes, or a number (u32/u64 out-parameter). */
export class Got {
  constructor(public result: u32, public bytes: ArrayBuffer = new ArrayBuffer(0), public num: u64 = 0) {}
  get ok(): bool {
    return this.result == abi.Result.Ok;
  }
  str(): string {
    return String.UTF8.decode(this.bytes);
  }
}

/** Bytes returned through (OUT_PTR, OUT_SIZE), taken only when the call succeeded. */
function gotBytes(result: u32): Got {
  return result == abi.Result.Ok ? new Got(result, takeOut()) : new Got(result);
}

export function log(level: u32, message: string): u32 {
  const m = enc(message);
  return abi.proxy_log(level, ptr(m), len(m));
}

export function info(message: string): void {
  log(abi.LogLevel.Info, message);
}

// Header maps.

export function getHeader(map: u32, key: string): Got {
  const k = enc(key);
  clearOut();
  return gotBytes(abi.proxy_get_header_map_value(map, ptr(k), len(k), OUT_PTR, OUT_SIZE));
}

export function addHeader(map: u32, key: string, value: string): u32 {
  const k = enc(key);
  const v = enc(value);
  return abi.proxy_add_header_map_value(map, ptr(k), len(k), ptr(v), len(v));
}

export function replaceHeader(map: u32, key: string, value: string): u32 {
  const k = enc(key);
  const v = enc(value);
  return abi.proxy_replace_header_map_value(map, ptr(k), len(k), ptr(v), len(v));
}

export function removeHeader(map: u32, key: string): u32 {
  const k = enc(key);
  return abi.proxy_remove_header_map_value(map, ptr(k), len(k));
}

/** proxy_get_header_map_pairs; `num` is the pointer the host returned (0 for an empty map). */
export function getPairs(map: u32): Got {
  clearOut();
  const result = abi.proxy_get_header_map_pairs(map, OUT_PTR, OUT_SIZE);
  if (result != abi.Result.Ok) return new Got(result);
  const returnedPtr = load<u32>(OUT_PTR);
  return new Got(result, takeOut(), returnedPtr);
}

export function setPairs(map: u32, serialized: ArrayBuffer): u32 {
  return abi.proxy_set_header_map_pairs(map, ptr(serialized), len(serialized));
}

export function headerMapSize(map: u32): Got {
  clearOut();
  const result = abi.proxy_get_header_map_size(map, OUT_U32);
  return new Got(result, new ArrayBuffer(0), result == abi.Result.Ok ? load<u32>(OUT_U32) : 0);
}

// Buffers.

export function bufferStatus(type: u32): Got {
  clearOut();
  const result = abi.proxy_get_buffer_status(type, OUT_U32, OUT_SIZE);
  return new Got(result, new ArrayBuffer(0), result == abi.Result.Ok ? load<u32>(OUT_U32) : 0);
}

/** proxy_get_buffer_bytes; `num` is the pointer the host returned (0 when nothing was copied). */
export function getBuffer(type: u32, start: u32, length: u32): Got {
  clearOut();
  const result = abi.proxy_get_buffer_bytes(type, start, length, OUT_PTR, OUT_SIZE);
  if (result != abi.Result.Ok) return new Got(result);
  const returnedPtr = load<u32>(OUT_PTR);
  return new Got(result, takeOut(), returnedPtr);
}

export function setBuffer(type: u32, start: u32, length: u32, data: string): u32 {
  const d = enc(data);
  return abi.proxy_set_buffer_bytes(type, start, length, ptr(d), len(d));
}

// Properties. Paths are NUL-separated segments.

export function path(segments: string[]): string {
  return segments.join(String.fromCharCode(0));
}

export function getProperty(p: string): Got {
  const b = enc(p);
  clearOut();
  return gotBytes(abi.proxy_get_property(ptr(b), len(b), OUT_PTR, OUT_SIZE));
}

export function setProperty(p: string, value: string): u32 {
  const b = enc(p);
  const v = enc(value);
  return abi.proxy_set_property(ptr(b), len(b), ptr(v), len(v));
}

// Shared data and queues.

export function getShared(key: string): Got {
  const k = enc(key);
  clearOut();
  const result = abi.proxy_get_shared_data(ptr(k), len(k), OUT_PTR, OUT_SIZE, OUT_U32);
  if (result != abi.Result.Ok) return new Got(result);
  const cas = load<u32>(OUT_U32);
  return new Got(result, takeOut(), cas);
}

export function setShared(key: string, value: string, cas: u32): u32 {
  const k = enc(key);
  const v = enc(value);
  return abi.proxy_set_shared_data(ptr(k), len(k), ptr(v), len(v), cas);
}

export function registerQueue(name: string): Got {
  const n = enc(name);
  clearOut();
  const result = abi.proxy_register_shared_queue(ptr(n), len(n), OUT_U32);
  return new Got(result, new ArrayBuffer(0), result == abi.Result.Ok ? load<u32>(OUT_U32) : 0);
}

export function resolveQueue(vmId: string, name: string): Got {
  const v = enc(vmId);
  const n = enc(name);
  clearOut();
  const result = abi.proxy_resolve_shared_queue(ptr(v), len(v), ptr(n), len(n), OUT_U32);
  return new Got(result, new ArrayBuffer(0), result == abi.Result.Ok ? load<u32>(OUT_U32) : 0);
}

export function enqueue(token: u32, data: string): u32 {
  const d = enc(data);
  return abi.proxy_enqueue_shared_queue(token, ptr(d), len(d));
}

export function dequeue(token: u32): Got {
  clearOut();
  return gotBytes(abi.proxy_dequeue_shared_queue(token, OUT_PTR, OUT_SIZE));
}

// Metrics.

export function defineMetric(type: u32, name: string): Got {
  const n = enc(name);
  clearOut();
  const result = abi.proxy_define_metric(type, ptr(n), len(n), OUT_U32);
  return new Got(result, new ArrayBuffer(0), result == abi.Result.Ok ? load<u32>(OUT_U32) : 0);
}

export function getMetric(id: u32): Got {
  clearOut();
  const result = abi.proxy_get_metric(id, OUT_U64);
  return new Got(result, new ArrayBuffer(0), result == abi.Result.Ok ? load<u64>(OUT_U64) : 0);
}

// Time and status.

export function now(): u64 {
  abi.proxy_get_current_time_nanoseconds(OUT_U64);
  return load<u64>(OUT_U64);
}

/** proxy_get_status: `num` is the status code, the bytes its message. */
export function status(): Got {
  clearOut();
  const result = abi.proxy_get_status(OUT_U32, OUT_PTR, OUT_SIZE);
  if (result != abi.Result.Ok) return new Got(result);
  const code = load<u32>(OUT_U32);
  return new Got(result, takeOut(), code);
}

// Stream actions and callouts.

export function sendLocalResponse(code: u32, details: string, body: string, headers: ArrayBuffer, grpcStatus: i32): u32 {
  const d = enc(details);
  const b = enc(body);
  return abi.proxy_send_local_response(code, ptr(d), len(d), ptr(b), len(b), ptr(headers), len(headers), grpcStatus);
}

/** proxy_http_call; `num` is the token the host wrote (it writes 0 before anything can fail). */
export function httpCall(cluster: string, headers: ArrayBuffer, body: string, trailers: ArrayBuffer, timeoutMs: u32): Got {
  const c = enc(cluster);
  const b = enc(body);
  clearOut();
  const result = abi.proxy_http_call(ptr(c), len(c), ptr(headers), len(headers), ptr(b), len(b), ptr(trailers), len(trailers), timeoutMs, OUT_U32);
  return new Got(result, new ArrayBuffer(0), load<u32>(OUT_U32));
}
