// Reads the model name and token usage out of LLM traffic for the access log, without holding more than
// a bounded amount of it: a JSON body is parsed once complete (up to MAX_JSON bytes), an SSE stream
// event by event. OpenAI's `usage {prompt_tokens, completion_tokens, total_tokens}` and Anthropic's
// `usage {input_tokens, output_tokens}` (split over message_start and message_delta) are understood.

/** Bodies larger than this are not parsed for usage (the access log then shows `-`). */
export const MAX_JSON = 1024 * 1024;

export interface Usage {
  model?: string;
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
}

type Json = Record<string, any>;

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Folds one JSON object (a whole response or one stream event) into `usage`. */
export function absorb(usage: Usage, obj: Json): void {
  if (typeof obj.model === "string" && obj.model) usage.model = obj.model;
  if (typeof obj.message?.model === "string") usage.model = obj.message.model;
  for (const u of [obj.usage, obj.message?.usage]) {
    if (!u || typeof u !== "object") continue;
    usage.promptTokens = num(u.prompt_tokens) ?? num(u.input_tokens) ?? usage.promptTokens;
    usage.completionTokens = num(u.completion_tokens) ?? num(u.output_tokens) ?? usage.completionTokens;
    usage.totalTokens = num(u.total_tokens) ?? usage.totalTokens;
  }
}

function parseObject(text: string): Json | null {
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** Watches one body (request or response) given its content-type. */
export class UsageMeter {
  readonly usage: Usage = {};
  private readonly mode: "json" | "sse" | "off";
  private chunks: Buffer[] = [];
  private size = 0;
  private pending = "";

  constructor(contentType: string | undefined) {
    const ct = (contentType ?? "").toLowerCase();
    this.mode = ct.includes("text/event-stream") ? "sse" : ct.includes("json") ? "json" : "off";
  }

  push(chunk: Buffer): void {
    if (this.mode === "off" || chunk.length === 0) return;
    if (this.mode === "json") {
      this.size += chunk.length;
      if (this.size <= MAX_JSON) this.chunks.push(chunk);
      else this.chunks = [];
      return;
    }
    this.pending += chunk.toString("utf8");
    let nl: number;
    while ((nl = this.pending.indexOf("\n")) >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, "");
      this.pending = this.pending.slice(nl + 1);
      if (!line.startsWith("data:")) continue;
      const obj = parseObject(line.slice(5).trim());
      if (obj) absorb(this.usage, obj);
    }
    // An event longer than the JSON limit is not worth holding on to.
    if (this.pending.length > MAX_JSON) this.pending = "";
  }

  /** Call once the body is complete. */
  end(): Usage {
    if (this.mode === "json" && this.size > 0 && this.size <= MAX_JSON) {
      const obj = parseObject(Buffer.concat(this.chunks).toString("utf8"));
      if (obj) absorb(this.usage, obj);
      this.chunks = [];
    }
    return this.usage;
  }
}
