// Upstream clusters by name, as Envoy's cluster manager resolves them for proxy_http_call (and the
// local gateway's router). Requests go over real HTTP(S). Like Envoy's async client, failures to reach
// the upstream become the router's local replies (503 on connect failure/reset, 504 on timeout), not
// transport errors: that is what a plugin's http-call callback sees in Envoy.
import http from "node:http";
import https from "node:https";
import { HeaderMap } from "../vm/header-map.ts";

export interface Endpoint { host: string; port: number }

export interface ClusterSpec {
  endpoints: Endpoint[];
  /** TLS to the upstream; like Envoy, no SNI is sent unless `sni` is given. */
  tls?: { sni?: string; rejectUnauthorized?: boolean; ca?: string };
  connectTimeoutMs?: number;
}

/** Envoy's AsyncClient onFailure(Reset): the upstream broke off a response that had already started. */
export interface UpstreamReset { reset: true }
const RESET: UpstreamReset = { reset: true };

export interface UpstreamResponse {
  status: number;
  headers: HeaderMap; // includes :status
  body: Buffer;
  trailers: HeaderMap;
}

export class ClusterManager {
  private readonly clusters = new Map<string, ClusterSpec>();
  private readonly rr = new Map<string, number>();
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(specs: Record<string, ClusterSpec> = {}) {
    for (const [name, spec] of Object.entries(specs)) this.add(name, spec);
  }

  add(name: string, spec: ClusterSpec): void {
    if (!spec.endpoints.length) throw new Error(`cluster ${name}: no endpoints`);
    this.clusters.set(name, spec);
  }

  has(name: string): boolean {
    return this.clusters.has(name);
  }

  get(name: string): ClusterSpec | undefined {
    return this.clusters.get(name);
  }

  names(): string[] {
    return [...this.clusters.keys()];
  }

  /** Round-robin endpoint choice, as a simple stand-in for Envoy's load balancer. */
  pick(name: string): Endpoint {
    const spec = this.clusters.get(name)!;
    const i = (this.rr.get(name) ?? 0) % spec.endpoints.length;
    this.rr.set(name, i + 1);
    return spec.endpoints[i];
  }

  /** Opens a streaming request to the cluster. The caller writes the body and reads the response. */
  open(name: string, headers: HeaderMap, timeoutMs: number | undefined): http.ClientRequest {
    const spec = this.clusters.get(name)!;
    const ep = this.pick(name);
    const plain: Record<string, string | string[]> = {};
    for (const [k, v] of headers.entries()) {
      if (k.startsWith(":")) continue;
      const prev = plain[k];
      plain[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    plain.host = headers.get(":authority") ?? ep.host;
    const options: https.RequestOptions = {
      host: ep.host,
      port: ep.port,
      method: headers.get(":method") ?? "GET",
      path: headers.get(":path") ?? "/",
      headers: plain,
      timeout: timeoutMs && timeoutMs > 0 ? timeoutMs : undefined,
    };
    if (spec.tls) {
      return https.request({
        ...options,
        agent: this.httpsAgent,
        servername: spec.tls.sni ?? "", // Node sends no SNI for an empty name
        rejectUnauthorized: spec.tls.rejectUnauthorized ?? true,
        ca: spec.tls.ca,
      });
    }
    return http.request({ ...options, agent: this.httpAgent });
  }

  /**
   * A whole request/response exchange, as proxy_http_call makes it. Failures before the response
   * starts become the router's local replies; once it has started the router can only reset, which
   * Envoy's async client reports as a failure (UpstreamReset).
   */
  call(name: string, headers: HeaderMap, body: Buffer, timeoutMs: number): Promise<UpstreamResponse | UpstreamReset> {
    return new Promise((resolve) => {
      let settled = false;
      let responseStarted = false;
      const finish = (r: UpstreamResponse | UpstreamReset) => {
        if (!settled) {
          settled = true;
          resolve(r);
        }
      };
      let req: http.ClientRequest;
      try {
        req = this.open(name, headers, undefined);
      } catch (e) {
        return finish(routerReply(503, `upstream connect error or disconnect/reset before headers. reset reason: ${(e as Error).message}`));
      }
      const timer = timeoutMs > 0 ? setTimeout(() => {
        req.destroy();
        finish(responseStarted ? RESET : routerReply(504, "upstream request timeout"));
      }, timeoutMs) : undefined;
      req.on("response", (res) => {
        responseStarted = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          clearTimeout(timer);
          finish({
            status: res.statusCode ?? 502,
            headers: responseHeaderMap(res.statusCode ?? 502, res.rawHeaders),
            body: Buffer.concat(chunks),
            trailers: HeaderMap.from(pairsOf(res.rawTrailers)),
          });
        });
        res.on("error", () => {
          clearTimeout(timer);
          finish(RESET);
        });
      });
      req.on("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (responseStarted) return finish(RESET);
        const reason = e.code === "ECONNREFUSED"
          ? "remote connection failure, transport failure reason: delayed connect error: Connection refused"
          : `connection failure, transport failure reason: ${e.code ?? e.message}`;
        finish(routerReply(503, `upstream connect error or disconnect/reset before headers. reset reason: ${reason}`));
      });
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function pairsOf(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

export function responseHeaderMap(status: number, rawHeaders: string[]): HeaderMap {
  return HeaderMap.from([[":status", String(status)], ...pairsOf(rawHeaders)]);
}

/** A response like the ones Envoy's router generates itself when the upstream cannot answer. */
export function routerReply(status: number, text: string): UpstreamResponse {
  const body = Buffer.from(text);
  return {
    status,
    headers: HeaderMap.from([[":status", String(status)], ["content-length", String(body.length)], ["content-type", "text/plain"]]),
    body,
    trailers: new HeaderMap(),
  };
}
