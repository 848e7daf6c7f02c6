// What Envoy knows about a stream beyond its headers: route and cluster names, addresses, timing,
// sizes, response code and details, and filter state (proxy_set_property). Properties are read from it.
import type { HeaderMap } from "../vm/header-map.ts";

export interface Address { address: string; port: number }

export interface StreamInfo {
  routeName: string;
  clusterName: string;
  virtualHostName: string;
  source: Address;
  destination: Address;
  upstream: Address | null;
  protocol: string;
  scheme: string;
  connectionId: number;
  /** Start of the stream, in the host clock's wall time (ms since the epoch, fractional). */
  startTimeMs: number;
  requestHeaders: HeaderMap | null;
  requestTrailers: HeaderMap | null;
  responseHeaders: HeaderMap | null;
  responseTrailers: HeaderMap | null;
  requestBodyBytes: number;
  responseBodyBytes: number;
  responseCode: number | null;
  responseCodeDetails: string | null;
  /** Filter state written by proxy_set_property, by path (Envoy stores it as `wasm.<path>`). */
  filterState: Map<string, Buffer>;
}

let nextConnectionId = 1;

export function newStreamInfo(partial: Partial<StreamInfo> = {}): StreamInfo {
  return {
    routeName: "",
    clusterName: "",
    virtualHostName: "",
    source: { address: "127.0.0.1", port: 50000 },
    destination: { address: "127.0.0.1", port: 10000 },
    upstream: null,
    protocol: "HTTP/1.1",
    scheme: "http",
    connectionId: nextConnectionId++,
    startTimeMs: 0,
    requestHeaders: null,
    requestTrailers: null,
    responseHeaders: null,
    responseTrailers: null,
    requestBodyBytes: 0,
    responseBodyBytes: 0,
    responseCode: null,
    responseCodeDetails: null,
    filterState: new Map(),
    ...partial,
  };
}
