// A fake LLM provider on 127.0.0.1 for failover, retry and prompt tests. It serves both paths a request
// can take: the gateway's upstream (the test's `upstream` forwards there over HTTP) and the plugin's own
// proxy_http_call (through the host's cluster of the same name). Every request is recorded.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TestGateway, UpstreamReply, UpstreamRequest } from "../../../host/testing/index.ts";

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The API key from `Authorization: Bearer <key>`. */
  key: string;
  json(): any;
}

export interface MockAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer only after this many milliseconds. */
  delayMs?: number;
}

export type MockHandler = (req: SeenRequest) => MockAnswer;

export const completion = (content: string, model = "gpt-4o") => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  model,
  choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
  usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
});

export const openAiError = (status: number, message: string): MockAnswer => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { message, type: "invalid_request_error", param: null, code: `http_${status}` } }),
});

export const ok = (content: string): MockAnswer => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(completion(content)),
});

/** OpenAI's answer to an invalid key, for any key not in `valid`. */
export const keysValid = (...valid: string[]): MockHandler => (req) =>
  valid.includes(req.key) ? ok(`hello from ${req.key}`) : openAiError(401, "Incorrect API key provided");

export class MockProvider {
  readonly requests: SeenRequest[] = [];
  private server: http.Server;
  port = 0;

  constructor(public handler: MockHandler) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const auth = String(req.headers.authorization ?? "");
        const seen: SeenRequest = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body,
          key: auth.startsWith("Bearer ") ? auth.slice(7) : "",
          json: () => JSON.parse(body),
        };
        this.requests.push(seen);
        const answer = this.handler(seen);
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status ?? 200, answer.headers ?? {});
          res.end(answer.body ?? "");
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
        else send();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The host cluster definition pointing at this server. */
  cluster() {
    return { endpoints: [{ host: "127.0.0.1", port: this.port }] };
  }

  /** Keys the provider was asked with, in order. */
  keys(): string[] {
    return this.requests.map((r) => r.key);
  }

  /** A TestGateway upstream that forwards the request the gateway sends upstream to this server. */
  readonly upstream = (req: UpstreamRequest): Promise<UpstreamReply> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of req.headers.entries()) if (!k.startsWith(":")) headers[k] = v;
      headers.host = req.headers.get(":authority") ?? "";
      if (req.body.length) headers["content-length"] = String(req.body.length);
      const out = http.request(
        { host: "127.0.0.1", port: this.port, method: req.headers.get(":method") ?? "GET", path: req.headers.get(":path") ?? "/", headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const replyHeaders: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (k === "content-length" || k === "connection" || k === "keep-alive" || k === "transfer-encoding" || k === "date") continue;
              replyHeaders[k] = Array.isArray(v) ? v.join(", ") : String(v);
            }
            const body = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 502, headers: replyHeaders, body });
          });
        },
      );
      out.on("error", reject);
      out.end(req.body);
    });
}

/** Waits (bounded) until `cond` holds; http-call answers arrive asynchronously. */
export async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const step = 5;
  for (let waited = 0; waited <= timeoutMs; waited += step) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, step));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until no VM of the gateway has an HTTP call in flight (health checks answered). */
export function callsSettled(gw: TestGateway): Promise<void> {
  return until(() => gw.plugins.every((p) => p.runtimes.every((rt) => rt.root.pendingHttpCalls.size === 0)), "http calls to settle");
}
