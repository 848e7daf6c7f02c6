// A test's view of the host: send one request through a chain and get back what the client saw, what
// reached the upstream, and what the plugins logged. The upstream is a function (or a canned answer)
// called once the request has fully reached it, like a real server answering after reading the body.
import { HeaderMap, type HeaderInput } from "../vm/header-map.ts";
import type { FilterChain } from "../host.ts";
import type { StreamInfo } from "../stream/stream-info.ts";

export interface UpstreamRequest {
  headers: HeaderMap;
  body: Buffer;
  trailers: HeaderMap | null;
  /** The body as the upstream received it, chunk by chunk. */
  chunks: Buffer[];
}

export interface UpstreamReply {
  status?: number;
  headers?: HeaderInput;
  /** Whole body, or `chunks` for a body delivered in pieces (e.g. SSE). */
  body?: string | Uint8Array;
  chunks?: (string | Uint8Array)[];
  trailers?: HeaderInput;
}

/** Bytes sent as given; a string is sent as its UTF-8. */
export type Bytes = string | Uint8Array;

/** Header names and values as bytes, for requests `HeaderInput`'s strings cannot spell (bytes that are not UTF-8). */
export type RawHeaders = Iterable<readonly [Bytes, Bytes]>;

export type Upstream = UpstreamReply | ((req: UpstreamRequest) => UpstreamReply | Promise<UpstreamReply>);

export interface RequestSpec {
  method?: string;
  path?: Bytes;
  authority?: string;
  scheme?: string;
  /** Request headers besides the pseudo-headers, in order. */
  headers?: HeaderInput | RawHeaders;
  /** Whole body, or `chunks` to deliver it in pieces. */
  body?: string | Uint8Array;
  chunks?: (string | Uint8Array)[];
  trailers?: HeaderInput;
  /** Route and cluster the request matched (the route_name / cluster_name properties). */
  route?: string;
  cluster?: string;
  /** Which worker (VM) serves the stream; round-robin by default. */
  worker?: number;
  info?: Partial<StreamInfo>;
  upstream?: Upstream;
  /** Give up waiting for the response after this long (a plugin that never continues). Default 5 s. */
  timeoutMs?: number;
}

export interface Exchange {
  status: number;
  headers: HeaderMap;
  body: Buffer;
  /** The response body as the client received it, chunk by chunk. */
  chunks: Buffer[];
  trailers: HeaderMap | null;
  /** What reached the upstream; null when a plugin answered (or reset) before the request got there. */
  upstream: UpstreamRequest | null;
  /** Envoy's response code details: `via_upstream` for an upstream response, else a local reply's reason (`wasm_fail_stream`, …). */
  details: string | null;
  /** Set when the stream was reset instead of completing. */
  reset: string | null;
  info: StreamInfo;
  text(): string;
  json(): any;
}

export function buildRequestHeaders(spec: RequestSpec): HeaderMap {
  const headers = new HeaderMap();
  const add = (name: Bytes, value: Bytes) => headers.add(Buffer.from(name), Buffer.from(value));
  add(":method", spec.method ?? (spec.body !== undefined || spec.chunks ? "POST" : "GET"));
  add(":path", spec.path ?? "/");
  add(":authority", spec.authority ?? "example.com");
  add(":scheme", spec.scheme ?? "http");
  const extra = spec.headers ?? [];
  const pairs = Symbol.iterator in Object(extra) ? (extra as RawHeaders) : HeaderMap.from(extra as HeaderInput).entries();
  for (const [name, value] of pairs) add(name, value);
  return headers;
}

const echo = (req: UpstreamRequest): UpstreamReply => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ headers: req.headers.toObject(), body: req.body.toString("utf8") }),
});

/** Sends one request through `chain` and resolves when the client has the whole response. */
export function exchange(chain: FilterChain, spec: RequestSpec): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const upstreamSpec = spec.upstream ?? echo;
    let upstream: UpstreamRequest | null = null;
    let status = 0;
    let respHeaders = new HeaderMap();
    const respChunks: Buffer[] = [];
    let respTrailers: HeaderMap | null = null;
    let resetReason: string | null = null;
    let settled = false;

    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      reject(new Error(`no complete response within ${spec.timeoutMs ?? 5000} ms (upstream reached: ${upstream !== null}, response status: ${status || "none"})`));
    }, spec.timeoutMs ?? 5000);

    const answer = async () => {
      const req = upstream!;
      let reply: UpstreamReply;
      try {
        reply = typeof upstreamSpec === "function" ? await upstreamSpec(req) : upstreamSpec;
      } catch (e) {
        settled = true;
        clearTimeout(timer);
        return reject(e);
      }
      const chunks = reply.chunks ?? (reply.body !== undefined && String(reply.body).length ? [reply.body] : []);
      const headers = HeaderMap.from([[":status", String(reply.status ?? 200)]]);
      for (const [k, v] of HeaderMap.from(reply.headers).entries()) headers.add(Buffer.from(k), Buffer.from(v));
      const trailers = reply.trailers ? HeaderMap.from(reply.trailers) : null;
      stream.sendResponseHeaders(headers, chunks.length === 0 && !trailers);
      chunks.forEach((c, i) => stream.sendResponseData(Buffer.from(c), i === chunks.length - 1 && !trailers));
      if (trailers) stream.sendResponseTrailers(trailers);
    };

    const stream = chain.newStream(
      {
        upstreamHeaders(headers, endStream) {
          upstream = { headers: headers.clone(), body: Buffer.alloc(0), trailers: null, chunks: [] };
          if (endStream) void answer();
        },
        upstreamData(data, endStream) {
          upstream!.chunks.push(Buffer.from(data));
          upstream!.body = Buffer.concat([upstream!.body, data]);
          if (endStream) void answer();
        },
        upstreamTrailers(trailers) {
          upstream!.trailers = trailers.clone();
          void answer();
        },
        downstreamHeaders(headers) {
          status = Number(headers.get(":status"));
          respHeaders = headers.clone();
        },
        downstreamData(data) {
          respChunks.push(Buffer.from(data));
        },
        downstreamTrailers(trailers) {
          respTrailers = trailers.clone();
        },
        reset(reason) {
          resetReason = reason;
        },
        finished() {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const body = Buffer.concat(respChunks);
          resolve({
            status,
            headers: respHeaders,
            body,
            chunks: respChunks,
            trailers: respTrailers,
            upstream,
            details: stream.info.responseCodeDetails,
            reset: resetReason,
            info: stream.info,
            text: () => body.toString("utf8"),
            json: () => JSON.parse(body.toString("utf8")),
          });
        },
      },
      {
        worker: spec.worker,
        info: { routeName: spec.route ?? "", clusterName: spec.cluster ?? "", ...spec.info },
      },
    );

    const chunks = spec.chunks ?? (spec.body !== undefined && String(spec.body).length ? [spec.body] : []);
    const trailers = spec.trailers ? HeaderMap.from(spec.trailers) : null;
    stream.sendRequestHeaders(buildRequestHeaders(spec), chunks.length === 0 && !trailers);
    chunks.forEach((c, i) => stream.sendRequestData(Buffer.from(c), i === chunks.length - 1 && !trailers));
    if (trailers) stream.sendRequestTrailers(trailers);
  });
}
