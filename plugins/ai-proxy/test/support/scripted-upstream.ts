// A provider on 127.0.0.1 that answers what the test scripts: status, headers, body chunks written with a
// pause between them, and how the answer ends — cleanly, or with the connection torn down mid-body (what a
// crashed provider or a cut network looks like to the gateway). Every request is recorded.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Script {
  status?: number;
  headers?: Record<string, string>;
  chunks?: (string | Uint8Array)[];
  /** Pause between chunks, so they leave as separate writes. Default 2 ms. */
  gapMs?: number;
  /** `end`: a complete response (default); `reset`: the socket is destroyed after the chunks. */
  ending?: "end" | "reset";
  /** Wait this long before answering at all (to outlast a route timeout). */
  delayMs?: number;
}

export type ScriptHandler = (req: SeenRequest) => Script;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ScriptedUpstream {
  readonly requests: SeenRequest[] = [];
  private constructor(private readonly server: http.Server, readonly port: number) {}

  /** The answer to the next requests; tests set it before each call. */
  handler: ScriptHandler = () => ({ status: 500, chunks: ["no script"] });

  static async start(): Promise<ScriptedUpstream> {
    let self: ScriptedUpstream | undefined;
    const server = http.createServer((req, res) => void self!.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    self = new ScriptedUpstream(server, (server.address() as AddressInfo).port);
    return self;
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    const seen: SeenRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(parts).toString("utf8") };
    this.requests.push(seen);
    const script = this.handler(seen);
    if (script.delayMs) await sleep(script.delayMs);
    if (res.destroyed) return;
    res.writeHead(script.status ?? 200, script.headers ?? {});
    res.flushHeaders();
    for (const chunk of script.chunks ?? []) {
      if (res.destroyed) return;
      res.write(chunk);
      await sleep(script.gapMs ?? 2);
    }
    if (script.ending === "reset") res.socket?.destroy();
    else res.end();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

/** A port on 127.0.0.1 nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
