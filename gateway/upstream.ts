// One request to an upstream cluster, streamed both ways: the body goes out chunk by chunk as the
// filters release it, the response comes back chunk by chunk (an SSE stream is never gathered).
// Failures are reported with the reason Envoy's router would give them: connect failure or reset
// before the response headers, reset after them, or the cluster's connect timeout.
import type { ClientRequest, IncomingMessage } from "node:http";
import { HeaderMap, type ClusterManager } from "../host/index.ts";

export interface UpstreamEvents {
  onHeaders(status: number, headers: HeaderMap, endStream: boolean): void;
  onData(chunk: Buffer): void;
  onEnd(trailers: HeaderMap | null): void;
  /** `headersReceived` tells whether the client may already have part of the response. */
  onFailure(reason: string, headersReceived: boolean): void;
}

/** Connection-specific headers: they describe one hop and are not forwarded (RFC 9110 7.6.1). */
export const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

export function responseHeaders(status: number, raw: string[]): HeaderMap {
  const h = new HeaderMap();
  h.add(Buffer.from(":status"), Buffer.from(String(status)));
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (HOP_BY_HOP.has(raw[i].toLowerCase())) continue;
    h.add(Buffer.from(raw[i]), Buffer.from(raw[i + 1]));
  }
  return h;
}

function errorReason(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case "ECONNREFUSED": return "remote connection failure, transport failure reason: delayed connect error: Connection refused";
    case "ECONNRESET": return "connection termination";
    case "ETIMEDOUT": return "connection timeout";
    case "ENOTFOUND":
    case "EAI_AGAIN": return `remote connection failure, transport failure reason: DNS resolution failed for ${(e as any).hostname ?? "the endpoint"}`;
    default: return `connection failure, transport failure reason: ${e.code ?? e.message}`;
  }
}

export class UpstreamCall {
  private readonly req: ClientRequest;
  private res: IncomingMessage | null = null;
  private done = false;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(clusters: ClusterManager, cluster: string, headers: HeaderMap, connectTimeoutMs: number, private readonly events: UpstreamEvents) {
    this.req = clusters.open(cluster, headers, undefined);
    // Envoy sets TCP_NODELAY upstream; with Nagle on, a body written in pieces waits for delayed ACKs.
    this.req.setNoDelay(true);
    const method = headers.get(":method") ?? "GET";
    this.req.on("socket", (socket) => {
      // A pooled keep-alive socket is already connected; a new one gets the cluster's connect_timeout.
      if (!socket.connecting) return;
      this.connectTimer = setTimeout(() => this.fail("connection timeout", false), connectTimeoutMs);
      socket.once("connect", () => clearTimeout(this.connectTimer));
    });
    this.req.on("response", (res) => {
      this.res = res;
      const status = res.statusCode ?? 502;
      const bodyless = method === "HEAD" || status === 204 || status === 304 || res.headers["content-length"] === "0";
      this.events.onHeaders(status, responseHeaders(status, res.rawHeaders), bodyless);
      res.on("data", (chunk: Buffer) => {
        if (!this.done) this.events.onData(chunk);
      });
      res.on("end", () => {
        if (this.done) return;
        this.done = true;
        const trailers = res.rawTrailers.length ? HeaderMap.from(pairs(res.rawTrailers)) : null;
        if (bodyless && !trailers) return;
        this.events.onEnd(trailers);
      });
      res.on("error", (e: NodeJS.ErrnoException) => this.fail(errorReason(e), true));
      // The connection closed before the whole response arrived.
      res.on("close", () => {
        if (!res.complete) this.fail("connection termination", true);
      });
    });
    this.req.on("error", (e: NodeJS.ErrnoException) => this.fail(errorReason(e), this.res !== null));
  }

  write(chunk: Buffer): boolean {
    return this.done ? true : this.req.write(chunk);
  }

  /** Ends the request, with its last piece of body (sent in the same write) or its trailers. */
  end(last?: Buffer, trailers?: HeaderMap | null): void {
    if (this.done) return;
    if (trailers && trailers.size) this.req.addTrailers(Object.fromEntries(trailers.entries()));
    if (last && last.length) this.req.end(last);
    else this.req.end();
  }

  /** Calls `fn` once the request body written so far has been handed to the socket. */
  onDrain(fn: () => void): void {
    this.req.once("drain", fn);
  }

  /** Flow control: stop reading the upstream response while the client is not keeping up. */
  pause(): void {
    this.res?.pause();
  }
  resume(): void {
    this.res?.resume();
  }

  /** Drops the request (the downstream went away, or a timeout fired). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.connectTimer);
    this.req.destroy();
  }

  private fail(reason: string, headersReceived: boolean): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.connectTimer);
    this.req.destroy();
    this.events.onFailure(reason, headersReceived);
  }
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}
