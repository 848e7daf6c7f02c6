// One client request through a listener: the HTTP/1.1 exchange on one side, the host's HttpStream (the
// Wasm filter chain) in the middle, the router and the upstream cluster on the other side. This class is
// the stream's sink: it receives what the filters release towards the upstream and towards the client.
import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ClusterManager, type FilterChain, type HttpStream, type StreamSink } from "../host/index.ts";
import type { AccessLog } from "./access-log.ts";
import type { ClusterEntry, ListenerEntry } from "./bootstrap/model.ts";
import { applyRouteToRequest, downstreamRequestHeaders, hasRequestBody } from "./request-headers.ts";
import type { Router } from "./router.ts";
import { codeClass, type GatewayStats } from "./stats.ts";
import { HOP_BY_HOP, UpstreamCall } from "./upstream.ts";
import { UsageMeter } from "./usage.ts";

/** Everything a listener's streams share. */
export interface ListenerRuntime {
  entry: ListenerEntry;
  router: Router;
  chain: FilterChain;
  clusters: ClusterManager;
  clusterEntries: Map<string, ClusterEntry>;
  stats: GatewayStats;
  accessLog: AccessLog | null;
}

const EMPTY = Buffer.alloc(0);

export class ProxiedStream implements StreamSink {
  private readonly stream: HttpStream;
  private readonly startMs = Date.now();
  private readonly start = performance.now();
  private firstByte: number | null = null;
  private upstream: UpstreamCall | null = null;
  private upstreamHeadersReceived = false;
  private responseComplete = false;
  private routeTimeoutMs = 0;
  private routeTimer: NodeJS.Timeout | undefined;
  /** Flow control in either direction: waiting for the other side to drain. */
  private clientPaused = false;
  private upstreamPaused = false;
  private clusterName = "";
  private readonly requestMeter: UsageMeter;
  private responseMeter: UsageMeter | null = null;
  private readonly method: string;
  private readonly path: string;

  constructor(private readonly rt: ListenerRuntime, private readonly req: IncomingMessage, private readonly res: ServerResponse) {
    const headers = downstreamRequestHeaders(req, { generateRequestId: rt.entry.generateRequestId });
    this.method = req.method ?? "GET";
    this.path = req.url ?? "/";
    this.requestMeter = new UsageMeter(headers.get("content-type"));
    const match = rt.router.match(headers);
    if (match?.route.action.kind === "cluster") this.clusterName = match.route.action.cluster;
    const prefix = `http.${rt.entry.statPrefix}`;
    rt.stats.add(`${prefix}.downstream_rq_total`);
    rt.stats.add(`${prefix}.downstream_rq_active`, 1, "gauge");

    this.stream = rt.chain.newStream(this, {
      info: {
        routeName: match?.route.name ?? "",
        clusterName: this.clusterName,
        virtualHostName: match?.virtualHost.name ?? "",
        source: { address: req.socket.remoteAddress ?? "127.0.0.1", port: req.socket.remotePort ?? 0 },
        destination: { address: req.socket.localAddress ?? "127.0.0.1", port: req.socket.localPort ?? 0 },
        protocol: `HTTP/${req.httpVersion}`,
        scheme: "http",
      },
    });

    // The client went away before the response was complete: Envoy resets the stream.
    res.on("close", () => {
      if (!this.stream.isFinished) this.stream.reset("downstream_remote_disconnect");
    });

    const withBody = hasRequestBody(req);
    this.stream.sendRequestHeaders(headers, !withBody);
    if (!withBody) {
      req.resume();
      return;
    }
    req.on("data", (chunk: Buffer) => {
      if (!this.requestClosed) this.stream.sendRequestData(chunk, false);
    });
    req.on("end", () => {
      if (this.requestClosed) return;
      if (req.rawTrailers.length) this.stream.sendRequestTrailers(HeaderMap.from(pairs(req.rawTrailers)));
      else this.stream.sendRequestData(EMPTY, true);
    });
  }

  /** Nothing more of the request matters once a local reply (or reset) has ended it. */
  private get requestClosed(): boolean {
    return this.stream.isFinished || this.stream.localComplete;
  }

  // ---- towards the upstream (the router)

  upstreamHeaders(headers: HeaderMap, endStream: boolean): void {
    // Filters may have changed the headers (ai-proxy rewrites :path and :authority); Envoy then clears
    // the route cache, so the router matches again on what the filters let through.
    const match = this.rt.router.match(headers);
    if (!match) {
      this.stream.sendLocalReply(404, EMPTY, [], "route_not_found", -1);
      return;
    }
    const action = match.route.action;
    if (action.kind === "direct") {
      this.stream.sendLocalReply(action.status, Buffer.from(action.body), [], "direct_response", -1);
      return;
    }
    this.clusterName = action.cluster;
    this.stream.info.clusterName = action.cluster;
    applyRouteToRequest(headers, this.rt.router.table, match.virtualHost, match.route, this.rt.entry.suppressEnvoyHeaders);
    this.rt.stats.add(`cluster.${action.cluster}.upstream_rq_total`);
    const cluster = this.rt.clusterEntries.get(action.cluster)!;
    const sentAt = performance.now();
    this.upstream = new UpstreamCall(this.rt.clusters, action.cluster, headers, cluster.connectTimeoutMs, {
      onHeaders: (status, h, end) => {
        this.upstreamHeadersReceived = true;
        this.rt.stats.add(`cluster.${action.cluster}.upstream_rq_${codeClass(status)}xx`);
        if (!this.rt.entry.suppressEnvoyHeaders) h.set("x-envoy-upstream-service-time", String(Math.round(performance.now() - sentAt)));
        this.responseMeter = new UsageMeter(h.get("content-type"));
        if (end) this.responseDone();
        this.stream.sendResponseHeaders(h, end);
      },
      onData: (chunk) => this.stream.sendResponseData(chunk, false),
      onEnd: (trailers) => {
        this.responseDone();
        if (trailers) this.stream.sendResponseTrailers(trailers);
        else this.stream.sendResponseData(EMPTY, true);
      },
      onFailure: (reason, headersReceived) => {
        this.responseDone();
        if (!headersReceived) {
          this.rt.stats.add(`cluster.${action.cluster}.upstream_cx_connect_fail`);
          const body = `upstream connect error or disconnect/reset before headers. reset reason: ${reason}`;
          this.stream.sendLocalReply(503, Buffer.from(body), [], "upstream_reset_before_response_started", -1);
        } else {
          this.stream.reset("upstream_reset_after_response_started");
        }
      },
    });
    this.routeTimeoutMs = action.timeoutMs;
    if (endStream) {
      this.upstream.end();
      this.requestComplete();
    }
  }

  upstreamData(data: Buffer, endStream: boolean): void {
    if (!this.upstream) return;
    this.requestMeter.push(data);
    if (endStream) {
      this.upstream.end(data);
      this.requestComplete();
      return;
    }
    if (!this.upstream.write(data) && !this.clientPaused) {
      // The upstream takes the body slower than the client sends it: stop reading the client meanwhile.
      this.clientPaused = true;
      this.req.pause();
      this.upstream.onDrain(() => {
        this.clientPaused = false;
        this.req.resume();
      });
    }
  }

  upstreamTrailers(trailers: HeaderMap): void {
    if (!this.upstream) return;
    this.upstream.end(undefined, trailers);
    this.requestComplete();
  }

  /** The route timeout runs from the end of the request to the end of the response, as in Envoy. */
  private requestComplete(): void {
    if (this.routeTimeoutMs <= 0 || this.responseComplete) return;
    this.routeTimer = setTimeout(() => this.onRouteTimeout(), this.routeTimeoutMs);
  }

  private responseDone(): void {
    this.responseComplete = true;
    this.clearRouteTimer();
  }

  private onRouteTimeout(): void {
    this.upstream?.abort();
    this.rt.stats.add(`cluster.${this.clusterName}.upstream_rq_timeout`);
    if (!this.upstreamHeadersReceived) this.stream.sendLocalReply(504, Buffer.from("upstream request timeout"), [], "upstream_response_timeout", -1);
    else this.stream.reset("upstream_response_timeout");
  }

  private clearRouteTimer(): void {
    clearTimeout(this.routeTimer);
    this.routeTimer = undefined;
  }

  // ---- towards the client

  downstreamHeaders(headers: HeaderMap, endStream: boolean): void {
    const status = Number(headers.get(":status") ?? 502);
    const flat: string[] = [];
    for (const [k, v] of headers.entries()) {
      if (k.startsWith(":") || HOP_BY_HOP.has(k)) continue;
      flat.push(k, v);
    }
    if (!this.responseMeter) this.responseMeter = new UsageMeter(headers.get("content-type"));
    this.res.writeHead(status, flat);
    if (endStream) this.res.end();
    else this.res.flushHeaders();
  }

  downstreamData(data: Buffer, endStream: boolean): void {
    if (data.length) {
      this.firstByte ??= performance.now();
      this.responseMeter?.push(data);
      if (!this.res.write(data) && !endStream && !this.upstreamPaused) {
        // The client reads slower than the upstream sends: hold the upstream until it catches up.
        this.upstreamPaused = true;
        this.upstream?.pause();
        this.res.once("drain", () => {
          this.upstreamPaused = false;
          this.upstream?.resume();
        });
      }
    }
    if (endStream) this.res.end();
  }

  downstreamTrailers(trailers: HeaderMap): void {
    this.res.addTrailers(Object.fromEntries(trailers.entries()));
    this.res.end();
  }

  reset(_reason: string): void {
    this.clearRouteTimer();
    this.upstream?.abort();
    this.res.destroy();
  }

  finished(): void {
    this.clearRouteTimer();
    const status = this.stream.info.responseCode ?? 0;
    const prefix = `http.${this.rt.entry.statPrefix}`;
    this.rt.stats.add(`${prefix}.downstream_rq_active`, -1, "gauge");
    if (codeClass(status)) this.rt.stats.add(`${prefix}.downstream_rq_${codeClass(status)}xx`);
    if (!this.rt.accessLog) return;
    const usage = this.responseMeter?.end() ?? {};
    if (!usage.model) usage.model = this.requestMeter.end().model;
    const reqHeaders = this.stream.info.requestHeaders;
    this.rt.accessLog.write({
      startMs: this.startMs,
      method: this.method,
      path: this.path,
      protocol: `HTTP/${this.req.httpVersion}`,
      status: this.stream.info.responseCode ?? 0,
      details: this.stream.info.responseCodeDetails ?? null,
      route: this.stream.info.routeName,
      cluster: this.clusterName,
      consumer: reqHeaders?.get("x-mse-consumer"),
      usage,
      latencyMs: performance.now() - this.start,
      ttfbMs: this.firstByte === null ? null : this.firstByte - this.start,
    });
  }
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}
