// One request through a TestGateway's chain with the clock moved by the test between the phases, so
// durations the plugin records are known exactly: the provider's first byte comes `firstByteMs` after the
// request, and each further response chunk `gapMs` after the one before.
import { HeaderMap, type ManualClock } from "../../../../host/index.ts";
import type { TestGateway } from "../../../../host/testing/index.ts";
import type { StreamInfo } from "../../../../host/stream/stream-info.ts";

export interface TimedRequest {
  path: string;
  headers?: Record<string, string>;
  body?: string;
  route?: string;
  upstream: { status?: number; headers: Record<string, string>; chunks: string[] };
  firstByteMs: number;
  gapMs?: number;
}

export interface TimedExchange {
  status: number;
  body: string;
  info: StreamInfo;
}

export function timedExchange(gw: TestGateway, clock: ManualClock, req: TimedRequest): Promise<TimedExchange> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const body: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error("no response within 5 s")), 5000);
    const answer = () =>
      setImmediate(() => {
        clock.advance(req.firstByteMs);
        const { chunks } = req.upstream;
        const h = HeaderMap.from([[":status", String(req.upstream.status ?? 200)], ...Object.entries(req.upstream.headers)]);
        stream.sendResponseHeaders(h, chunks.length === 0);
        chunks.forEach((c, i) => {
          if (i > 0) clock.advance(req.gapMs ?? 0);
          stream.sendResponseData(Buffer.from(c), i === chunks.length - 1);
        });
      });
    const stream = gw.chain.newStream(
      {
        upstreamHeaders: (_h, end) => end && answer(),
        upstreamData: (_d, end) => end && answer(),
        upstreamTrailers: () => answer(),
        downstreamHeaders: (h) => void (status = Number(h.get(":status"))),
        downstreamData: (d) => void body.push(Buffer.from(d)),
        downstreamTrailers: () => {},
        reset: () => {},
        finished: () => {
          clearTimeout(timer);
          resolve({ status, body: Buffer.concat(body).toString("utf8"), info: stream.info });
        },
      },
      { info: { routeName: req.route ?? "" } },
    );
    const h = HeaderMap.from([
      [":method", "POST"], [":path", req.path], [":authority", "gateway.example.com"], [":scheme", "https"],
      ...Object.entries(req.headers ?? {}),
    ]);
    const hasBody = req.body !== undefined && req.body.length > 0;
    stream.sendRequestHeaders(h, !hasBody);
    if (hasBody) stream.sendRequestData(Buffer.from(req.body!), true);
  });
}
