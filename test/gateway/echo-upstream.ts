// The upstream of the case drivers: a real HTTP server on 127.0.0.1 that records the last request it
// received and answers either the current case's `upstream:` reply or, by default, a JSON echo of
// the request (method, path, headers, body), like the host driver's upstream. Cases run one at a
// time per file, so "the current case" is one piece of state.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest { method: string; path: string; headers: Record<string, string>; body: string }
export interface CannedReply { status?: number; headers?: Record<string, string>; body?: string }

/** Header pairs as one map, repeated names joined with "," (how the host driver reports them). */
export function joinHeaders(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    out[k] = k in out ? `${out[k]},${raw[i + 1]}` : raw[i + 1];
  }
  return out;
}

export class EchoUpstream {
  last: SeenRequest | null = null;
  private reply: CannedReply | null = null;

  private constructor(private readonly server: http.Server, readonly port: number) {}

  static async start(): Promise<EchoUpstream> {
    let self: EchoUpstream | undefined;
    const server = http.createServer((req, res) => self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    self = new EchoUpstream(server, (server.address() as AddressInfo).port);
    return self;
  }

  /** Forgets the last request and sets the answer for the next one (null: echo). */
  expect(reply: CannedReply | null | undefined): void {
    this.last = null;
    this.reply = reply ?? null;
  }

  close(): Promise<void> {
    return new Promise((done) => {
      this.server.close(() => done());
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen: SeenRequest = { method: req.method ?? "", path: req.url ?? "", headers: joinHeaders(req.rawHeaders), body: Buffer.concat(chunks).toString("utf8") };
      this.last = seen;
      if (this.reply) {
        const body = this.reply.body ?? "";
        res.writeHead(this.reply.status ?? 200, { ...this.reply.headers, "content-length": Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      const text = JSON.stringify({ method: seen.method, path: seen.path, headers: seen.headers, body: seen.body });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  }
}
