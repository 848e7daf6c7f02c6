// Stream properties as Envoy serializes them for proxy_get_property: strings as raw bytes, integers as
// 8-byte little-endian, booleans as one byte, timestamps as int64 nanoseconds, maps in the pairs
// encoding. Unknown paths are NotFound. Both `xds.route_name`/`xds.cluster_name` (current Envoy) and the
// top-level `route_name`/`cluster_name` (which Higress's gateway still serves) are answered.
import { WasmResult } from "../abi/constants.ts";
import type { HeaderMap } from "../vm/header-map.ts";
import { encodePairs } from "../vm/pairs.ts";
import type { StreamInfo } from "./stream-info.ts";

function int64(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
}
const bool = (v: boolean) => Buffer.from([v ? 1 : 0]);
const map = (h: HeaderMap | null) => (h ? h.encode() : encodePairs([]));

/** Bytes, or a string standing for its UTF-8 bytes (written into the module without a Buffer). */
type Value = Uint8Array | string | undefined;

// Header values go out as the bytes the map holds (Envoy copies them; no decoding round trip).
const PATH = Buffer.from(":path");
const AUTHORITY = Buffer.from(":authority");
const SCHEME = Buffer.from(":scheme");
const METHOD = Buffer.from(":method");
const REFERER = Buffer.from("referer");
const USER_AGENT = Buffer.from("user-agent");
const REQUEST_ID = Buffer.from("x-request-id");
const QUESTION_MARK = 0x3f;

function requestProperty(info: StreamInfo, field: string): Value {
  const h = info.requestHeaders;
  switch (field) {
    case "path":
    case "url_path":
    case "query": {
      if (!h) return undefined;
      const path = h.getBytes(PATH);
      if (!path) return "";
      if (field === "path") return path;
      const q = path.indexOf(QUESTION_MARK);
      if (field === "url_path") return q < 0 ? path : path.subarray(0, q);
      return q < 0 ? "" : path.subarray(q + 1);
    }
    case "host": return h?.getBytes(AUTHORITY);
    case "scheme": return h?.getBytes(SCHEME) ?? info.scheme;
    case "method": return h?.getBytes(METHOD);
    case "headers": return map(h);
    case "referer": return h?.getBytes(REFERER);
    case "useragent": return h?.getBytes(USER_AGENT);
    case "id": return h?.getBytes(REQUEST_ID);
    case "protocol": return info.protocol;
    case "time": return int64(BigInt(Math.round(info.startTimeMs * 1000)) * 1000n);
    case "size": return h?.has("content-length") ? int64(Number(h.get("content-length"))) : undefined;
    case "total_size": return int64(info.requestBodyBytes + (h?.byteSize ?? 0));
    default: return undefined;
  }
}

function responseProperty(info: StreamInfo, field: string): Value {
  switch (field) {
    case "code": return info.responseCode === null ? undefined : int64(info.responseCode);
    case "code_details": return info.responseCodeDetails ?? undefined;
    case "flags": return int64(0);
    case "headers": return map(info.responseHeaders);
    case "trailers": return map(info.responseTrailers);
    case "size": return int64(info.responseBodyBytes);
    case "total_size": return int64(info.responseBodyBytes + (info.responseHeaders?.byteSize ?? 0));
    default: return undefined;
  }
}

function addressProperty(a: { address: string; port: number } | null, field: string): Value {
  if (!a) return undefined;
  if (field === "address") return `${a.address}:${a.port}`;
  if (field === "port") return int64(a.port);
  return undefined;
}

/** Resolves a NUL-split property path against a stream; a number is a WasmResult error. */
export function streamProperty(info: StreamInfo, path: readonly string[]): Uint8Array | string | number {
  const head = path[0];
  let value: Value;
  if (path.length > 2) {
    // Only header maps go deeper: request.headers.<name>
    if (path.length === 3 && path[1] === "headers") {
      if (head === "request") value = info.requestHeaders?.getBytes(Buffer.from(path[2]));
      else if (head === "response") value = info.responseHeaders?.getBytes(Buffer.from(path[2]));
    }
  } else if (path.length === 1) {
    switch (head) {
      case "route_name": value = info.routeName; break;
      case "cluster_name": value = info.clusterName || undefined; break;
      case "connection_id": value = int64(info.connectionId); break;
      default: value = info.filterState.get(head);
    }
  } else {
    const field = path[1];
    switch (head) {
      case "request": value = requestProperty(info, field); break;
      case "response": value = responseProperty(info, field); break;
      case "source": value = addressProperty(info.source, field); break;
      case "destination": value = addressProperty(info.destination, field); break;
      case "upstream": value = addressProperty(info.upstream, field); break;
      case "connection":
        if (field === "id") value = int64(info.connectionId);
        else if (field === "mtls") value = bool(false);
        break;
      case "xds":
        if (field === "route_name") value = info.routeName;
        else if (field === "cluster_name") value = info.clusterName || undefined;
        else if (field === "virtual_host_name") value = info.virtualHostName;
        break;
      default:
        value = info.filterState.get(path.join("."));
    }
  }
  return value ?? WasmResult.NotFound;
}
