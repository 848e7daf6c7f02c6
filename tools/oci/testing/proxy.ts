// An HTTP proxy on 127.0.0.1 in front of the test registry: records every request and lets a test answer
// some itself (inject a failure, demand a Bearer token). Everything else goes to the real registry
// unchanged, Host header included, so the registry's Location URLs point back at the proxy.
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
}

export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface RunningProxy {
  host: string;
  origin: string;
  requests: SeenRequest[];
  stop(): Promise<void>;
}

export async function startProxy(target: string, intercept?: (req: SeenRequest) => CannedResponse | undefined): Promise<RunningProxy> {
  const requests: SeenRequest[] = [];
  const targetUrl = new URL(target);
  const server = createServer((req, res) => {
    const seen: SeenRequest = { method: req.method!, path: req.url!, headers: req.headers };
    requests.push(seen);
    const canned = intercept?.(seen);
    if (canned) {
      req.resume();
      res.writeHead(canned.status, { "content-type": "application/json", ...canned.headers });
      res.end(canned.body ?? "");
      return;
    }
    const upstream = httpRequest(
      { hostname: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode!, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    origin: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
