// What happens to request headers outside the plugins, in Envoy's order: the HTTP connection manager
// turns an HTTP/1.1 request into a header map (pseudo-headers, hop-by-hop headers dropped,
// x-forwarded-proto set, x-request-id generated); after the filters, the router applies the matched
// route's header removals and rewrites and tells the upstream its timeout.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HeaderMap } from "../host/index.ts";
import type { RouteEntry, RouteTable, VirtualHostEntry } from "./bootstrap/model.ts";
import { HOP_BY_HOP } from "./upstream.ts";

export function downstreamRequestHeaders(req: IncomingMessage, opts: { generateRequestId: boolean }): HeaderMap {
  const h = new HeaderMap();
  const raw = req.rawHeaders;
  let authority = "";
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length === 4 && raw[i].toLowerCase() === "host") authority = raw[i + 1];
  }
  h.add(Buffer.from(":authority"), Buffer.from(authority));
  h.add(Buffer.from(":path"), Buffer.from(req.url ?? "/"));
  h.add(Buffer.from(":method"), Buffer.from(req.method ?? "GET"));
  h.add(Buffer.from(":scheme"), Buffer.from("http"));
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name === "host" || name === "x-forwarded-proto" || HOP_BY_HOP.has(name)) continue;
    h.add(Buffer.from(name), Buffer.from(raw[i + 1]));
  }
  // Envoy sets x-forwarded-proto to the scheme the client used, whatever the client sent.
  h.add(Buffer.from("x-forwarded-proto"), Buffer.from("http"));
  if (opts.generateRequestId && !h.has("x-request-id")) h.add(Buffer.from("x-request-id"), Buffer.from(randomUUID()));
  return h;
}

/** True when the request carries a body (Envoy's HTTP/1 codec ends the stream at the headers otherwise). */
export function hasRequestBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  if (req.headers["transfer-encoding"] !== undefined) return true;
  return length !== undefined && length !== "0";
}

/** The router's changes to the request it sends upstream. */
export function applyRouteToRequest(
  headers: HeaderMap,
  table: RouteTable,
  vhost: VirtualHostEntry,
  route: RouteEntry,
  suppressEnvoyHeaders: boolean,
): void {
  for (const name of [...route.requestHeadersToRemove, ...vhost.requestHeadersToRemove, ...table.requestHeadersToRemove]) headers.delete(name);
  if (route.action.kind !== "cluster") return;
  const action = route.action;
  if (action.prefixRewrite !== undefined) {
    const path = headers.get(":path") ?? "/";
    const matched = route.match.prefix ?? route.match.path ?? "";
    const rewritten = action.prefixRewrite + path.slice(matched.length);
    if (!suppressEnvoyHeaders) headers.set("x-envoy-original-path", path);
    headers.set(":path", rewritten);
  }
  if (action.hostRewrite !== undefined) headers.set(":authority", action.hostRewrite);
  if (!suppressEnvoyHeaders && action.timeoutMs > 0) headers.set("x-envoy-expected-rq-timeout-ms", String(Math.round(action.timeoutMs)));
}
