// One request through a TestGateway's chain with every byte given exactly: :path and header values that
// are not UTF-8, a body in chunks, and an upstream answer (status, headers, body chunks) that may be
// anything at all. host/testing's `request` takes strings, which cannot carry invalid UTF-8.
import { HeaderMap } from "../../../../host/index.ts";
import type { TestGateway } from "../../../../host/testing/index.ts";

export interface RawUpstream {
  status: number;
  headers: [string, string][];
  chunks: Buffer[];
}

export interface RawRequest {
  method: string;
  path: Buffer;
  headers: [Buffer, Buffer][];
  /** No chunks: a request without a body. */
  body: Buffer[];
  upstream: RawUpstream;
  cluster?: string;
}

export interface RawExchange {
  status: number;
  headers: HeaderMap;
  body: Buffer;
  details: string | null;
  /** Set when the stream was reset rather than answered. */
  reset: string | null;
  reachedUpstream: boolean;
}

export function rawExchange(gw: TestGateway, req: RawRequest, timeoutMs = 5000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers = new HeaderMap();
    let reset: string | null = null;
    let reachedUpstream = false;
    const body: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    const answer = () => {
      const h = HeaderMap.from([[":status", String(req.upstream.status)], ...req.upstream.headers]);
      const chunks = req.upstream.chunks;
      stream.sendResponseHeaders(h, chunks.length === 0);
      chunks.forEach((c, i) => stream.sendResponseData(c, i === chunks.length - 1));
    };
    const stream = gw.chain.newStream(
      {
        upstreamHeaders(_h, end) {
          reachedUpstream = true;
          if (end) answer();
        },
        upstreamData(_d, end) {
          if (end) answer();
        },
        upstreamTrailers() {
          answer();
        },
        downstreamHeaders(h) {
          status = Number(h.get(":status"));
          headers = h.clone();
        },
        downstreamData(d) {
          body.push(Buffer.from(d));
        },
        downstreamTrailers() {},
        reset(reason) {
          reset = reason;
        },
        finished() {
          clearTimeout(timer);
          resolve({ status, headers, body: Buffer.concat(body), details: stream.info.responseCodeDetails, reset, reachedUpstream });
        },
      },
      { info: { clusterName: req.cluster ?? "" } },
    );
    const h = new HeaderMap();
    h.add(Buffer.from(":method"), Buffer.from(req.method));
    h.add(Buffer.from(":path"), req.path);
    h.add(Buffer.from(":authority"), Buffer.from("gateway.example.com"));
    h.add(Buffer.from(":scheme"), Buffer.from("http"));
    for (const [k, v] of req.headers) h.add(k, v);
    stream.sendRequestHeaders(h, req.body.length === 0);
    req.body.forEach((c, i) => stream.sendRequestData(c, i === req.body.length - 1));
  });
}
