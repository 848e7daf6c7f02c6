// Helpers for request-block's tests: a gateway running build/request-block.wasm, the plugin's
// configuration errors and warnings as text, and requests whose :path, header and body bytes are sent
// exactly as given, body in the given chunks, optionally followed by trailers (host/testing's `request`
// takes strings for the path and headers, so it cannot send bytes that are not UTF-8).
import { HeaderMap } from "../../host/index.ts";
import { TestGateway } from "../../host/testing/index.ts";
import { refusalLine, warningLines } from "../../host/testing/config-check.ts";

export const PREFIX = "request-block: invalid configuration: ";

export function requestBlock(config: unknown, opts: { workers?: number; bufferLimitBytes?: number } = {}): TestGateway {
  return new TestGateway({ ...opts, plugins: [{ name: "request-block", config }] });
}

/** The line request-block logged when it refused `config`; fails the test if the config was accepted. */
export function configError(config: unknown): string {
  return refusalLine(() => requestBlock(config), config);
}

/** Warnings request-block logged while accepting `config`. */
export function configWarnings(config: unknown): string[] {
  return warningLines(() => requestBlock(config));
}

export type Bytes = string | Uint8Array;

export interface RawRequest {
  method?: string;
  path?: Bytes;
  authority?: string;
  /** Request headers besides the pseudo-headers, in order; names and values as bytes. */
  headers?: [Bytes, Bytes][];
  /** The body, in the pieces the client sends it (none: a request without a body). */
  chunks?: Bytes[];
  trailers?: [string, string][];
  route?: string;
}

export interface RawExchange {
  status: number;
  details: string | null;
  responseHeaders: HeaderMap;
  body: Buffer;
  /** What reached the upstream; null when nothing did. The body is complete only on status 200. */
  upstream: { headers: HeaderMap; body: Buffer; trailers: HeaderMap | null } | null;
  /** Filter state the plugin set during the request (proxy_set_property). */
  filterState: Map<string, Buffer>;
}

const toBuffer = (b: Bytes) => Buffer.from(b);

/** Sends one request; the upstream answers 200 with an empty body once it has the whole request. */
export function rawRequest(gw: TestGateway, req: RawRequest): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let responseHeaders = new HeaderMap();
    let upstream: RawExchange["upstream"] = null;
    const body: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error("no response within 5 s")), 5000);
    const answer = () => stream.sendResponseHeaders(HeaderMap.from([[":status", "200"]]), true);
    const stream = gw.chain.newStream(
      {
        upstreamHeaders(headers, end) {
          upstream = { headers: headers.clone(), body: Buffer.alloc(0), trailers: null };
          if (end) answer();
        },
        upstreamData(data, end) {
          upstream!.body = Buffer.concat([upstream!.body, data]);
          if (end) answer();
        },
        upstreamTrailers(trailers) {
          upstream!.trailers = trailers.clone();
          answer();
        },
        downstreamHeaders(headers) {
          status = Number(headers.get(":status"));
          responseHeaders = headers.clone();
        },
        downstreamData(data) {
          body.push(Buffer.from(data));
        },
        downstreamTrailers() {},
        reset(reason) {
          clearTimeout(timer);
          reject(new Error(`stream reset: ${reason}`));
        },
        finished() {
          clearTimeout(timer);
          resolve({
            status,
            details: stream.info.responseCodeDetails,
            responseHeaders,
            body: Buffer.concat(body),
            upstream,
            filterState: new Map(stream.info.filterState),
          });
        },
      },
      { info: { routeName: req.route ?? "" } },
    );
    const chunks = req.chunks ?? [];
    const trailers = req.trailers ? HeaderMap.from(req.trailers) : null;
    const headers = new HeaderMap();
    headers.add(toBuffer(":method"), toBuffer(req.method ?? (chunks.length ? "POST" : "GET")));
    headers.add(toBuffer(":path"), toBuffer(req.path ?? "/"));
    headers.add(toBuffer(":authority"), toBuffer(req.authority ?? "example.com"));
    headers.add(toBuffer(":scheme"), toBuffer("http"));
    for (const [k, v] of req.headers ?? []) headers.add(toBuffer(k), toBuffer(v));
    stream.sendRequestHeaders(headers, chunks.length === 0 && trailers === null);
    chunks.forEach((c, i) => stream.sendRequestData(toBuffer(c), i === chunks.length - 1 && trailers === null));
    if (trailers) stream.sendRequestTrailers(trailers);
  });
}
