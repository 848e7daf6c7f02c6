// Stream properties as Envoy serializes them for proxy_get_property: strings as raw bytes, integers as
// 8-byte little-endian, booleans as one byte, timestamps as int64 nanoseconds, maps in the pairs
// encoding. Unknown paths are NotFound. Both `xds.route_name`/`xds.cluster_name` (current Envoy) and the
// top-level `route_name`/`cluster_name` (which Higress's gateway still serves) are answered.
import type { HeaderMap } from "../vm/header-map.ts";
import { encodePairs } from "../vm/pairs.ts";
import type { PropertyBytes } from "../vm/property-path.ts";
import type { Address, StreamInfo } from "./stream-info.ts";

function int64(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
}
const bool = (v: boolean) => Buffer.from([v ? 1 : 0]);
const map = (h: HeaderMap | null) => (h ? h.encode() : encodePairs([]));

type Value = PropertyBytes;

// Header values go out as the bytes the map holds (Envoy copies them; no decoding round trip).
const PATH = Buffer.from(":path");
const AUTHORITY = Buffer.from(":authority");
const SCHEME = Buffer.from(":scheme");
const METHOD = Buffer.from(":method");
const REFERER = Buffer.from("referer");
const USER_AGENT = Buffer.from("user-agent");
const REQUEST_ID = Buffer.from("x-request-id");
const QUESTION_MARK = 0x3f;

type Getter = (info: StreamInfo) => Value;

function pathPart(info: StreamInfo, part: "path" | "url_path" | "query"): Value {
  const h = info.requestHeaders;
  if (!h) return undefined;
  const path = h.getBytes(PATH);
  if (!path) return "";
  if (part === "path") return path;
  const q = path.indexOf(QUESTION_MARK);
  if (part === "url_path") return q < 0 ? path : path.subarray(0, q);
  return q < 0 ? "" : path.subarray(q + 1);
}

function address(pick: (info: StreamInfo) => Address | null): [Getter, Getter] {
  return [
    (info) => {
      const a = pick(info);
      return a ? `${a.address}:${a.port}` : undefined;
    },
    (info) => {
      const a = pick(info);
      return a ? int64(a.port) : undefined;
    },
  ];
}

const [sourceAddress, sourcePort] = address((i) => i.source);
const [destinationAddress, destinationPort] = address((i) => i.destination);
const [upstreamAddress, upstreamPort] = address((i) => i.upstream);
const routeName: Getter = (info) => info.routeName;
const clusterName: Getter = (info) => info.clusterName || undefined;
const connectionId: Getter = (info) => int64(info.connectionId);

/** Every fixed stream property, by its NUL-joined path. */
const STREAM_PROPERTIES = new Map<string, Getter>([
  ["request\0path", (info) => pathPart(info, "path")],
  ["request\0url_path", (info) => pathPart(info, "url_path")],
  ["request\0query", (info) => pathPart(info, "query")],
  ["request\0host", (info) => info.requestHeaders?.getBytes(AUTHORITY)],
  ["request\0scheme", (info) => info.requestHeaders?.getBytes(SCHEME) ?? info.scheme],
  ["request\0method", (info) => info.requestHeaders?.getBytes(METHOD)],
  ["request\0headers", (info) => map(info.requestHeaders)],
  ["request\0referer", (info) => info.requestHeaders?.getBytes(REFERER)],
  ["request\0useragent", (info) => info.requestHeaders?.getBytes(USER_AGENT)],
  ["request\0id", (info) => info.requestHeaders?.getBytes(REQUEST_ID)],
  ["request\0protocol", (info) => info.protocol],
  ["request\0time", (info) => int64(BigInt(Math.round(info.startTimeMs * 1000)) * 1000n)],
  ["request\0size", (info) => (info.requestHeaders?.has("content-length") ? int64(Number(info.requestHeaders.get("content-length"))) : undefined)],
  ["request\0total_size", (info) => int64(info.requestBodyBytes + (info.requestHeaders?.byteSize ?? 0))],
  ["response\0code", (info) => (info.responseCode === null ? undefined : int64(info.responseCode))],
  ["response\0code_details", (info) => info.responseCodeDetails ?? undefined],
  ["response\0flags", () => int64(0)],
  ["response\0headers", (info) => map(info.responseHeaders)],
  ["response\0trailers", (info) => map(info.responseTrailers)],
  ["response\0size", (info) => int64(info.responseBodyBytes)],
  ["response\0total_size", (info) => int64(info.responseBodyBytes + (info.responseHeaders?.byteSize ?? 0))],
  ["source\0address", sourceAddress],
  ["source\0port", sourcePort],
  ["destination\0address", destinationAddress],
  ["destination\0port", destinationPort],
  ["upstream\0address", upstreamAddress],
  ["upstream\0port", upstreamPort],
  ["connection\0id", connectionId],
  ["connection\0mtls", () => bool(false)],
  ["route_name", routeName],
  ["cluster_name", clusterName],
  ["connection_id", connectionId],
  ["xds\0route_name", routeName],
  ["xds\0cluster_name", clusterName],
  ["xds\0virtual_host_name", (info) => info.virtualHostName],
]);

/** Heads whose paths are all listed above (or header lookups): anything else under them is NotFound. */
const KNOWN_HEADS = new Set([...STREAM_PROPERTIES.keys()].filter((k) => k.includes("\0")).map((k) => k.split("\0")[0]));

const notFound: Getter = () => undefined;

/** What `parts` names on a stream: a fixed property, a header, or filter state (proxy_set_property). */
export function streamGetter(parts: readonly string[]): Getter {
  const fixed = STREAM_PROPERTIES.get(parts.join("\0"));
  if (fixed) return fixed;
  const head = parts[0];
  if (parts.length > 2) {
    // Only header maps go deeper: request.headers.<name>
    if (parts.length === 3 && parts[1] === "headers") {
      const name = Buffer.from(parts[2]);
      if (head === "request") return (info) => info.requestHeaders?.getBytes(name);
      if (head === "response") return (info) => info.responseHeaders?.getBytes(name);
    }
    return notFound;
  }
  if (parts.length === 2 && KNOWN_HEADS.has(head)) return notFound;
  // Filter state written by proxy_set_property, under the dotted form of the path.
  const key = parts.length === 1 ? head : parts.join(".");
  return (info) => info.filterState.get(key);
}
