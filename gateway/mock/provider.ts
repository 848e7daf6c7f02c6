// A mock LLM provider: a real HTTP server speaking OpenAI's API, so the whole suite runs without a
// provider key. It serves
//   POST /v1/chat/completions   plain JSON, or SSE with `stream: true` (one `data:` event per token,
//                               `data: [DONE]` last; `stream_options.include_usage` adds the usage chunk)
//   GET  /v1/models             the models below
//   POST /v1/embeddings         deterministic vectors (`dimensions` honoured; float or base64)
//   GET  /?text=<prompt>        the seed walkthrough's form: its original chatgpt-proxy took the prompt
//                               from the `text` query parameter; answered as a chat completion
// A request header `x-mock-status: <code>` makes it answer that error in OpenAI's error shape (for
// testing retries and failover). Errors are OpenAI-shaped: {"error": {message, type, param, code}}.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { complete, contentText, embed, tokenize, type ChatMessage } from "./answers.ts";

export const MOCK_MODELS = ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"];

export interface MockOptions {
  host?: string;
  port?: number;
  /** Pause between streamed events, so streaming is visible. Default 0. */
  chunkDelayMs?: number;
}

export interface RecordedRequest { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: string }

const MAX_BODY = 4 * 1024 * 1024;
const KEEP_REQUESTS = 100;

export class MockProvider {
  /** The most recent requests (up to 100), oldest first. */
  readonly requests: RecordedRequest[] = [];
  private seq = 0;

  private constructor(private readonly server: http.Server, readonly host: string, readonly port: number, private readonly opts: MockOptions) {}

  static async start(opts: MockOptions = {}): Promise<MockProvider> {
    const host = opts.host ?? "127.0.0.1";
    let self: MockProvider | undefined;
    const server = http.createServer((req, res) => void self!.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e: NodeJS.ErrnoException) =>
        reject(new Error(`mock provider: cannot listen on ${host}:${opts.port ?? 0}: ${e.code === "EADDRINUSE" ? "address already in use" : e.message}`)));
      server.listen(opts.port ?? 0, host, resolve);
    });
    self = new MockProvider(server, host, (server.address() as AddressInfo).port, opts);
    return self;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((done) => {
      this.server.close(() => done());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return sendError(res, 413, "Request body too large.", "invalid_request_error");
    }
    const url = new URL(req.url ?? "/", "http://mock");
    this.requests.push({ method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body });
    if (this.requests.length > KEEP_REQUESTS) this.requests.shift();

    const forced = Number(req.headers["x-mock-status"]);
    if (forced >= 400 && forced <= 599) return sendError(res, forced, `Mock error ${forced} requested by x-mock-status.`, forced === 429 ? "rate_limit_exceeded" : "server_error");

    const route = `${req.method} ${url.pathname}`;
    if (route === "POST /v1/chat/completions") return this.chat(res, body);
    if (route === "POST /v1/embeddings") return this.embeddings(res, body);
    if (route === "GET /v1/models") {
      return sendJson(res, 200, { object: "list", data: MOCK_MODELS.map((id) => ({ id, object: "model", created: 1700000000, owned_by: "mock" })) });
    }
    const text = url.searchParams.get("text");
    if (req.method === "GET" && text !== null) return this.chat(res, JSON.stringify({ model: MOCK_MODELS[0], messages: [{ role: "user", content: text }] }));
    sendError(res, 404, `Invalid URL (${req.method} ${url.pathname})`, "invalid_request_error");
  }

  private async chat(res: http.ServerResponse, raw: string): Promise<void> {
    const body = parseJson(raw);
    if (!body) return sendError(res, 400, "We could not parse the JSON body of your request.", "invalid_request_error");
    if (typeof body.model !== "string" || !body.model) return sendError(res, 400, "you must provide a model parameter", "invalid_request_error", "model");
    if (!Array.isArray(body.messages) || body.messages.length === 0) return sendError(res, 400, "'messages' must be a non-empty array.", "invalid_request_error", "messages");
    const messages = body.messages as ChatMessage[];
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const result = complete(body.model, messages, typeof maxTokens === "number" ? maxTokens : undefined);
    const id = `chatcmpl-mock-${++this.seq}`;
    const created = Math.floor(Date.now() / 1000);

    if (body.stream !== true) {
      return sendJson(res, 200, {
        id, object: "chat.completion", created, model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: result.pieces.join(""), refusal: null }, logprobs: null, finish_reason: result.finishReason }],
        usage: result.usage,
        system_fingerprint: "fp_mock",
      });
    }

    const includeUsage = body.stream_options?.include_usage === true;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    const chunk = (delta: object, finish: string | null) => ({
      id, object: "chat.completion.chunk", created, model: body.model, system_fingerprint: "fp_mock",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
    const events: object[] = [chunk({ role: "assistant", content: "", refusal: null }, null)];
    for (const piece of result.pieces) events.push(chunk({ content: piece }, null));
    events.push(chunk({}, result.finishReason));
    if (includeUsage) events.push({ id, object: "chat.completion.chunk", created, model: body.model, system_fingerprint: "fp_mock", choices: [], usage: result.usage });
    for (const e of events) {
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify(e)}\n\n`);
      if (this.opts.chunkDelayMs) await sleep(this.opts.chunkDelayMs);
    }
    res.end("data: [DONE]\n\n");
  }

  private embeddings(res: http.ServerResponse, raw: string): void {
    const body = parseJson(raw);
    if (!body) return sendError(res, 400, "We could not parse the JSON body of your request.", "invalid_request_error");
    const inputs: unknown[] = Array.isArray(body.input) ? body.input : [body.input];
    if (inputs.length === 0 || inputs.some((i) => typeof i !== "string")) return sendError(res, 400, "'input' must be a string or an array of strings.", "invalid_request_error", "input");
    const dimensions = Number.isInteger(body.dimensions) && body.dimensions > 0 && body.dimensions <= 3072 ? body.dimensions : 8;
    const base64 = body.encoding_format === "base64";
    const data = (inputs as string[]).map((text, index) => {
      const vector = embed(text, dimensions);
      const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
      return { object: "embedding", index, embedding };
    });
    const tokens = (inputs as string[]).reduce((n, t) => n + tokenize(contentText(t)).length, 0);
    sendJson(res, 200, { object: "list", data, model: body.model ?? MOCK_MODELS[2], usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("too large"));
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(raw: string): Record<string, any> | null {
  try {
    const v = JSON.parse(raw);
    return v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value) + "\n";
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, message: string, type: string, param: string | null = null): void {
  sendJson(res, status, { error: { message, type, param, code: null } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
