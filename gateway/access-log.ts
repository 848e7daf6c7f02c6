// One access-log line per request, written when the stream is over:
//
//   2025-01-02T03:04:05.678Z "POST /v1/chat/completions HTTP/1.1" 200 via_upstream route=ai-route
//   cluster=openai consumer=consumer1 model=gpt-4o-mini prompt_tokens=12 completion_tokens=9
//   total_tokens=21 latency_ms=23 ttfb_ms=21
//
// (one line). Unknown values are `-`. The query string is left out on purpose: API keys travel there
// (key-auth's in_query), and a log must not collect them.
import { createWriteStream, type WriteStream } from "node:fs";
import type { Usage } from "./usage.ts";

export interface AccessRecord {
  startMs: number;
  method: string;
  path: string;
  protocol: string;
  status: number;
  details: string | null;
  route: string;
  cluster: string;
  consumer: string | undefined;
  usage: Usage;
  latencyMs: number;
  /** Time until the first response byte went to the client. */
  ttfbMs: number | null;
}

const dash = (v: string | number | undefined | null) => (v === undefined || v === null || v === "" ? "-" : String(v));
const quoteIfNeeded = (v: string) => (/[\s"]/.test(v) ? JSON.stringify(v) : v);

export function formatAccessLine(r: AccessRecord): string {
  const q = r.path.indexOf("?");
  const path = q < 0 ? r.path : r.path.slice(0, q);
  const fields = [
    new Date(r.startMs).toISOString(),
    JSON.stringify(`${r.method} ${path} ${r.protocol}`),
    String(r.status),
    dash(r.details),
    `route=${quoteIfNeeded(dash(r.route))}`,
    `cluster=${quoteIfNeeded(dash(r.cluster))}`,
    `consumer=${quoteIfNeeded(dash(r.consumer))}`,
    `model=${quoteIfNeeded(dash(r.usage.model))}`,
    `prompt_tokens=${dash(r.usage.promptTokens)}`,
    `completion_tokens=${dash(r.usage.completionTokens)}`,
    `total_tokens=${dash(r.usage.totalTokens)}`,
    `latency_ms=${Math.round(r.latencyMs)}`,
    `ttfb_ms=${r.ttfbMs === null ? "-" : Math.round(r.ttfbMs)}`,
  ];
  return fields.join(" ");
}

export interface AccessLog {
  write(record: AccessRecord): void;
  close(): Promise<void>;
}

/** Writes lines to stdout (`-`) or appends them to a file. */
export function openAccessLog(target: string): AccessLog {
  const out: NodeJS.WritableStream | WriteStream = target === "-" ? process.stdout : createWriteStream(target, { flags: "a" });
  return {
    write: (record) => void out.write(formatAccessLine(record) + "\n"),
    close: () => new Promise((done) => (out === process.stdout ? done() : (out as WriteStream).end(done))),
  };
}

/** Keeps lines in memory (tests). */
export class MemoryAccessLog implements AccessLog {
  readonly records: AccessRecord[] = [];
  write(record: AccessRecord): void {
    this.records.push(record);
  }
  async close(): Promise<void> {}
}
