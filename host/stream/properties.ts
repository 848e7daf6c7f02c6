// Stream properties as Envoy serializes them for proxy_get_property: strings as raw bytes, integers as
// 8-byte little-endian, booleans as one byte, timestamps as int64 nanoseconds, maps in the pairs
// encoding. Unknown paths are NotFound. Both `xds.route_name`/`xds.cluster_name` (current Envoy) and the
// top-level `route_name`/`cluster_name` (which Higress's gateway still serves) are answered.
import { WasmResult } from "../abi/constants.ts";
import type { HeaderMap } from "../vm/header-map.ts";
import { encodePairs } from "../vm/pairs.ts";
import type { StreamInfo } from "./stream-info.ts";

const str = (s: string) => Buffer.from(s);
function int64(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
}
const bool = (v: boolean) => Buffer.from([v ? 1 : 0]);
const map = (h: HeaderMap | null) => (h ? h.encode() : encodePairs([]));

type Value = Buffer | undefined;

function requestProperty(info: StreamInfo, field: string): Value {
  const h = info.requestHeaders;
  const path = h?.get(":path") ?? "";
  const q = path.indexOf("?");
  switch (field) {
    case "path": return h ? str(path) : undefined;
    case "url_path": return h ? str(q < 0 ? path : path.slice(0, q)) : undefined;
    case "query": return h ? str(q < 0 ? "" : path.slice(q + 1)) : undefined;
    case "host": return h?.has(":authority") ? str(h.get(":authority")!) : undefined;
    case "scheme": return str(h?.get(":scheme") ?? info.scheme);
    case "method": return h?.has(":method") ? str(h.get(":method")!) : undefined;
    case "headers": return map(h);
    case "referer": return h?.has("referer") ? str(h.get("referer")!) : undefined;
    case "useragent": return h?.has("user-agent") ? str(h.get("user-agent")!) : undefined;
    case "id": return h?.has("x-request-id") ? str(h.get("x-request-id")!) : undefined;
    case "protocol": return str(info.protocol);
    case "time": return int64(BigInt(Math.round(info.startTimeMs * 1000)) * 1000n);
    case "size": return h?.has("content-length") ? int64(Number(h.get("content-length"))) : undefined;
    case "total_size": return int64(info.requestBodyBytes + (h?.byteSize ?? 0));
    default: return undefined;
  }
}

function responseProperty(info: StreamInfo, field: string): Value {
  switch (field) {
    case "code": return info.responseCode === null ? undefined : int64(info.responseCode);
    case "code_details": return info.responseCodeDetails === null ? undefined : str(info.responseCodeDetails);
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
  if (field === "address") return str(`${a.address}:${a.port}`);
  if (field === "port") return int64(a.port);
  return undefined;
}

/** Resolves a NUL-split property path against a stream; a number is a WasmResult error. */
export function streamProperty(info: StreamInfo, path: string[]): Buffer | number {
  const [head, field, ...rest] = path;
  let value: Value;
  if (rest.length > 0) {
    // Only header maps go deeper: request.headers.<name>
    if (head === "request" && field === "headers" && rest.length === 1) {
      const v = info.requestHeaders?.get(rest[0]);
      value = v === undefined ? undefined : str(v);
    } else if (head === "response" && field === "headers" && rest.length === 1) {
      const v = info.responseHeaders?.get(rest[0]);
      value = v === undefined ? undefined : str(v);
    }
  } else if (field === undefined) {
    switch (head) {
      case "route_name": value = str(info.routeName); break;
      case "cluster_name": value = info.clusterName ? str(info.clusterName) : undefined; break;
      case "connection_id": value = int64(info.connectionId); break;
      default: {
        const state = info.filterState.get(head);
        value = state;
      }
    }
  } else {
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
        if (field === "route_name") value = str(info.routeName);
        else if (field === "cluster_name") value = info.clusterName ? str(info.clusterName) : undefined;
        else if (field === "virtual_host_name") value = str(info.virtualHostName);
        break;
      default:
        value = info.filterState.get(path.join("."));
    }
  }
  return value ?? WasmResult.NotFound;
}
