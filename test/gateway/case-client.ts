// Sends one shared case's request to a proxy listening on 127.0.0.1 (the local gateway or Envoy) over
// real HTTP/1.1 and reports what the client and the echo upstream saw, in the form the shared
// expectation checker takes.
import http from "node:http";
import type { Case, Observed } from "../support/cases.ts";
import { CLUSTER_HEADER, ROUTE_HEADER } from "./case-bootstrap.ts";
import { joinHeaders, type EchoUpstream } from "./echo-upstream.ts";

const TIMEOUT_MS = 10_000;

function requestHeaders(c: Case): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { host: c.request.authority ?? "example.com" };
  const given = c.request.headers ?? {};
  const pairs: [string, string][] = Array.isArray(given) ? given : Object.entries(given).map(([k, v]) => [k, String(v)]);
  for (const [k, v] of pairs) {
    const key = k.toLowerCase();
    const prev = out[key];
    out[key] = prev === undefined || key === "host" ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  if (c.request.route) out[ROUTE_HEADER] = c.request.route;
  if (c.request.cluster) out[CLUSTER_HEADER] = c.request.cluster;
  return out;
}

export function sendCase(port: number, c: Case, upstream: EchoUpstream): Promise<Observed> {
  upstream.expect(c.upstream);
  const body = c.request.body;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: c.request.method ?? (body !== undefined ? "POST" : "GET"),
        path: c.request.path ?? "/",
        headers: requestHeaders(c),
        agent: false,
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => {
          const seen = upstream.last;
          resolve({
            status: res.statusCode ?? 0,
            headers: joinHeaders(res.rawHeaders),
            body: Buffer.concat(chunks).toString("utf8"),
            upstream: seen && { path: seen.path, headers: seen.headers, body: seen.body },
          });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no response within ${TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
