// Lean host calls for plugins. proxy-runtime's wrappers trap on any non-Ok result (CHECK_RESULT) and
// encode strings on every call; plugins here must never trap on bad input and run on every request, so
// these wrappers return results instead, reuse static out-parameters and take pre-encoded names.
import * as abi from "@solo-io/proxy-runtime/assembly/imports";
import { isLoan, offerLoan, withdrawLoan } from "@solo-io/proxy-runtime/assembly/loan";

export const enum Result {
  Ok = 0,
  NotFound = 1,
  BadArgument = 2,
  Empty = 7,
  CasMismatch = 8,
}

export const enum MapType {
  RequestHeaders = 0,
  RequestTrailers = 1,
  ResponseHeaders = 2,
  ResponseTrailers = 3,
  HttpCallResponseHeaders = 6,
  HttpCallResponseTrailers = 7,
}

export const enum BufferType {
  RequestBody = 0,
  ResponseBody = 1,
  HttpCallResponseBody = 4,
  VmConfiguration = 6,
  PluginConfiguration = 7,
  /** Higress: the raw RESP reply of a Redis call. */
  RedisCallResponse = 9,
}

export const enum StreamType {
  Request = 0,
  Response = 1,
}

// Out-parameters the host writes into: a pointer and a size (or a u32/u64 result). Static, so host calls
// allocate nothing here; the host allocates returned data through the module's malloc.
const OUT = memory.data(16);
const OUT_PTR: usize = OUT;
const OUT_SIZE: usize = OUT + 4;
const OUT_U64: usize = OUT + 8;

export const EMPTY = new ArrayBuffer(0);

/** Takes ownership of the buffer the host just returned (allocated with our malloc, then pinned). */
function takeOut(): ArrayBuffer {
  const size = load<u32>(OUT_SIZE);
  if (size == 0) return EMPTY;
  const ptr = load<u32>(OUT_PTR) as usize;
  const buf = changetype<ArrayBuffer>(ptr);
  // A value kept must not be the loan buffer, which the next loaned read overwrites. Only a host that
  // called back into the module during a loaned read could make that happen; copy rather than trust it.
  if (isLoan(ptr)) return buf.slice(0);
  __unpin(ptr); // malloc pinned it; from here the GC owns it through `buf`
  return buf;
}

/** takeOut for a loaned read: the loan buffer itself, or an allocated value when it was too long. */
function takeLoaned(): ArrayBuffer {
  const size = load<u32>(OUT_SIZE);
  if (size == 0) return EMPTY;
  const ptr = load<u32>(OUT_PTR) as usize;
  if (!isLoan(ptr)) __unpin(ptr);
  return changetype<ArrayBuffer>(ptr);
}

// ---- strings <-> bytes

@inline export function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

@inline export function str(b: ArrayBuffer): string {
  return String.UTF8.decode(b);
}

// ---- header maps

/** The first value of a header, or null when absent (or the map is not available now). */
export function getHeader(map: MapType, name: ArrayBuffer): ArrayBuffer | null {
  const r = abi.proxy_get_header_map_value(map, changetype<usize>(name), name.byteLength, OUT_PTR, OUT_SIZE);
  return r == Result.Ok ? takeOut() : null;
}

/**
 * The first value of a header, on loan: valid only until the next `peek` read, so for a value the
 * caller looks at and drops (compares, hashes, matches). Reads of up to 1 KiB allocate nothing.
 */
export function peekHeader(map: MapType, name: ArrayBuffer): ArrayBuffer | null {
  offerLoan();
  const r = abi.proxy_get_header_map_value(map, changetype<usize>(name), name.byteLength, OUT_PTR, OUT_SIZE);
  withdrawLoan();
  return r == Result.Ok ? takeLoaned() : null;
}

export function getHeaderString(map: MapType, name: ArrayBuffer): string | null {
  const v = getHeader(map, name);
  return v === null ? null : str(v);
}

export function addHeader(map: MapType, name: ArrayBuffer, value: ArrayBuffer): bool {
  return abi.proxy_add_header_map_value(map, changetype<usize>(name), name.byteLength, changetype<usize>(value), value.byteLength) == Result.Ok;
}

export function replaceHeader(map: MapType, name: ArrayBuffer, value: ArrayBuffer): bool {
  return abi.proxy_replace_header_map_value(map, changetype<usize>(name), name.byteLength, changetype<usize>(value), value.byteLength) == Result.Ok;
}

export function removeHeader(map: MapType, name: ArrayBuffer): bool {
  return abi.proxy_remove_header_map_value(map, changetype<usize>(name), name.byteLength) == Result.Ok;
}

/** The whole map in the proxy-wasm pairs encoding (see Pairs to read it). */
export function getHeaderPairs(map: MapType): ArrayBuffer {
  const r = abi.proxy_get_header_map_pairs(map, OUT_PTR, OUT_SIZE);
  return r == Result.Ok ? takeOut() : EMPTY;
}

/** The whole map in the pairs encoding, on loan (as `peekHeader`): for a map searched and dropped. */
export function peekHeaderPairs(map: MapType): ArrayBuffer {
  offerLoan();
  const r = abi.proxy_get_header_map_pairs(map, OUT_PTR, OUT_SIZE);
  withdrawLoan();
  return r == Result.Ok ? takeLoaned() : EMPTY;
}

/** Read-only view over a pairs-encoded buffer: count, then (key, value) byte ranges. */
export class Pairs {
  readonly count: i32;
  private readonly base: usize;
  private readonly end: usize;
  private cursor: usize;
  private index: i32 = 0;
  keyPtr: usize = 0;
  keyLen: i32 = 0;
  valuePtr: usize = 0;
  valueLen: i32 = 0;

  constructor(readonly data: ArrayBuffer) {
    this.base = changetype<usize>(data);
    this.end = this.base + <usize>data.byteLength;
    const n = data.byteLength >= 4 ? <i32>load<u32>(this.base) : 0;
    this.count = n >= 0 && <usize>n * 8 + 4 <= <usize>data.byteLength ? n : 0;
    this.cursor = this.base + 4 + <usize>this.count * 8;
  }

  /** Advances to the next pair; false when done (or the encoding is malformed). */
  next(): bool {
    if (this.index >= this.count) return false;
    const sizes = this.base + 4 + <usize>this.index * 8;
    const kl = load<u32>(sizes);
    const vl = load<u32>(sizes + 4);
    if (this.cursor + <usize>kl + <usize>vl + 2 > this.end) return false;
    this.keyPtr = this.cursor;
    this.keyLen = <i32>kl;
    this.valuePtr = this.cursor + kl + 1;
    this.valueLen = <i32>vl;
    this.cursor += <usize>kl + <usize>vl + 2;
    this.index++;
    return true;
  }

  keyEquals(name: ArrayBuffer): bool {
    return this.keyLen == name.byteLength && memory.compare(this.keyPtr, changetype<usize>(name), this.keyLen) == 0;
  }

  key(): string {
    return String.UTF8.decodeUnsafe(this.keyPtr, this.keyLen);
  }

  value(): string {
    return String.UTF8.decodeUnsafe(this.valuePtr, this.valueLen);
  }
}

/** Encodes (name, value) string pairs for local replies and http calls. */
export function encodePairs(pairs: string[]): ArrayBuffer {
  const n = pairs.length >> 1;
  let size = 4 + n * 8;
  const encoded = new Array<ArrayBuffer>(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    encoded[i] = String.UTF8.encode(pairs[i]);
    size += encoded[i].byteLength + 1;
  }
  const out = new ArrayBuffer(size);
  const base = changetype<usize>(out);
  store<u32>(base, n);
  let at = base + 4 + <usize>n * 8;
  for (let i = 0; i < n; i++) {
    const k = encoded[2 * i];
    const v = encoded[2 * i + 1];
    store<u32>(base + 4 + <usize>i * 8, k.byteLength);
    store<u32>(base + 8 + <usize>i * 8, v.byteLength);
    memory.copy(at, changetype<usize>(k), k.byteLength);
    at += k.byteLength + 1; // NUL already there: new ArrayBuffer is zeroed
    memory.copy(at, changetype<usize>(v), v.byteLength);
    at += v.byteLength + 1;
  }
  return out;
}

// ---- bodies and other buffers

export function getBufferBytes(type: BufferType, start: u32, length: u32): ArrayBuffer {
  const r = abi.proxy_get_buffer_bytes(type, start, length, OUT_PTR, OUT_SIZE);
  return r == Result.Ok ? takeOut() : EMPTY;
}

/** Envoy's rules: (0, 0) prepends, (0, >= size) replaces, (>= size, _) appends. */
export function setBufferBytes(type: BufferType, start: u32, length: u32, data: ArrayBuffer): bool {
  return setBufferFrom(type, start, length, changetype<usize>(data), data.byteLength);
}

/**
 * setBufferBytes with `size` bytes at `data`: the written part of a larger buffer is handed over in
 * place (the host copies it), with no exact-size copy made first.
 */
@inline export function setBufferFrom(type: BufferType, start: u32, length: u32, data: usize, size: u32): bool {
  return abi.proxy_set_buffer_status(type, start, length, data, size) == Result.Ok;
}

// ---- properties

/** Reads a property; the path is NUL-separated segments, e.g. "xds\0route_name". */
export function getProperty(path: ArrayBuffer): ArrayBuffer | null {
  const r = abi.proxy_get_property(changetype<usize>(path), path.byteLength, OUT_PTR, OUT_SIZE);
  return r == Result.Ok ? takeOut() : null;
}

/** A property on loan, as `peekHeader`: valid only until the next `peek` read. */
export function peekProperty(path: ArrayBuffer): ArrayBuffer | null {
  offerLoan();
  const r = abi.proxy_get_property(changetype<usize>(path), path.byteLength, OUT_PTR, OUT_SIZE);
  withdrawLoan();
  return r == Result.Ok ? takeLoaned() : null;
}

export function setProperty(path: ArrayBuffer, value: ArrayBuffer): bool {
  return abi.proxy_set_property(changetype<usize>(path), path.byteLength, changetype<usize>(value), value.byteLength) == Result.Ok;
}

// ---- stream control

export function continueStream(type: StreamType): void {
  abi.proxy_continue_stream(type);
}

export function setEffectiveContext(contextId: u32): bool {
  return abi.proxy_set_effective_context(contextId) == Result.Ok;
}

/** Sends a local reply. `headers` is a flat list of name, value, name, value... */
export function sendLocalReply(status: u32, details: string, body: ArrayBuffer, headers: string[]): void {
  sendEncodedReply(status, String.UTF8.encode(details), body, encodePairs(headers));
}

/** sendLocalReply with the details (UTF-8) and the headers (pairs encoding) already encoded. */
export function sendEncodedReply(status: u32, details: ArrayBuffer, body: ArrayBuffer, headers: ArrayBuffer): void {
  // grpc_status -1: not a gRPC reply (Envoy then sends no grpc-status).
  abi.proxy_send_local_response(status, changetype<usize>(details), details.byteLength, changetype<usize>(body), body.byteLength, changetype<usize>(headers), headers.byteLength, -1);
}

// ---- shared data

export class SharedValue {
  constructor(public value: ArrayBuffer, public cas: u32) {}
}

export function getSharedData(key: ArrayBuffer): SharedValue | null {
  const r = abi.proxy_get_shared_data(changetype<usize>(key), key.byteLength, OUT_PTR, OUT_SIZE, OUT_U64);
  if (r != Result.Ok) return null;
  const cas = load<u32>(OUT_U64);
  return new SharedValue(takeOut(), cas);
}

const PEEKED = new SharedValue(EMPTY, 0);

/**
 * getSharedData on loan, for an entry read only to be decoded (a counter): the value is valid only
 * until the next `peek` read, and the object returned is the same one every time. Allocates nothing
 * for values up to 1 KiB.
 */
export function peekSharedData(key: ArrayBuffer): SharedValue | null {
  offerLoan();
  const r = abi.proxy_get_shared_data(changetype<usize>(key), key.byteLength, OUT_PTR, OUT_SIZE, OUT_U64);
  withdrawLoan();
  if (r != Result.Ok) return null;
  PEEKED.cas = load<u32>(OUT_U64);
  PEEKED.value = takeLoaned();
  return PEEKED;
}

/** Result.Ok, or Result.CasMismatch when someone else wrote since `cas` was read. */
export function setSharedData(key: ArrayBuffer, value: ArrayBuffer, cas: u32): i32 {
  return abi.proxy_set_shared_data(changetype<usize>(key), key.byteLength, changetype<usize>(value), value.byteLength, cas);
}

// ---- time and metrics

export function nowNanos(): u64 {
  abi.proxy_get_current_time_nanoseconds(OUT_U64);
  return load<u64>(OUT_U64);
}

/** Asks for onTick every `ms` milliseconds; 0 stops the ticks. */
export function setTickPeriod(ms: u32): void {
  abi.proxy_set_tick_period_milliseconds(ms);
}

export const enum MetricType {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

/** Defines a metric; 0 when the host refused (metrics then become no-ops). */
export function defineMetric(type: MetricType, name: string): u32 {
  const n = String.UTF8.encode(name);
  return abi.proxy_define_metric(type, changetype<usize>(n), n.byteLength, OUT_PTR) == Result.Ok ? load<u32>(OUT_PTR) : 0;
}

export function incrementMetric(id: u32, delta: i64): void {
  if (id != 0) abi.proxy_increment_metric(id, delta);
}

export function recordMetric(id: u32, value: u64): void {
  if (id != 0) abi.proxy_record_metric(id, value);
}

// ---- outbound HTTP calls

/** Starts an HTTP call to an Envoy cluster; returns the token, or 0 if the host refused. */
export function httpCall(cluster: string, headers: string[], body: ArrayBuffer, timeoutMs: u32): u32 {
  const c = String.UTF8.encode(cluster);
  const h = encodePairs(headers);
  const t = encodePairs([]);
  const r = abi.proxy_http_call(changetype<usize>(c), c.byteLength, changetype<usize>(h), h.byteLength, changetype<usize>(body), body.byteLength, changetype<usize>(t), t.byteLength, timeoutMs, OUT_PTR);
  return r == Result.Ok ? load<u32>(OUT_PTR) : 0;
}
