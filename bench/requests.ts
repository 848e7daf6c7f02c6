// The requests the scenarios send: one HTTP lifecycle each (8 request headers, 3 response headers,
// optional body chunks both ways), built once as plain data; bench/rig.ts turns them into header maps
// and buffers before any timing starts.

export type Headers = [string, string][];

export interface BenchRequest {
  /** Exactly 8 request headers in the common case (pseudo-headers included), as the targets assume. */
  headers: Headers;
  /** Request body, chunk by chunk; none means the headers end the request. */
  body?: string[];
  response: {
    /** 3 response headers in the common case. */
    headers: Headers;
    /** Response body, chunk by chunk (one SSE event per chunk for streams). */
    body?: string[];
  };
  /** Stream facts plugins read as properties (route_name, cluster_name). */
  route?: string;
  cluster?: string;
}

export const API_KEY = "bench-key-0003";

/** A typical API request: 4 pseudo-headers and 4 ordinary ones, one of them the API key. */
export function apiRequestHeaders(path = "/v1/items?id=42", apiKey = API_KEY): Headers {
  return [
    [":method", "GET"],
    [":scheme", "https"],
    [":authority", "api.example.com"],
    [":path", path],
    ["user-agent", "bench-client/1.0 (linux; x64)"],
    ["accept", "application/json"],
    ["x-request-id", "0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b"],
    ["x-api-key", apiKey],
  ];
}

/** A response without a body (the headers end the stream), as the plain lifecycle has it. */
export const PLAIN_RESPONSE_HEADERS: Headers = [
  [":status", "200"],
  ["content-type", "application/json"],
  ["date", "Sun, 24 Nov 2026 12:00:00 GMT"],
];

export const SSE_RESPONSE_HEADERS: Headers = [
  [":status", "200"],
  ["content-type", "text/event-stream"],
  ["cache-control", "no-cache"],
];

/** A request path of exactly `length` bytes that none of the request-block rules below matches. */
export function longPath(length: number): string {
  const head = "/api/v2/catalog/products/search?category=home-and-kitchen&brand=acme&sort=price_asc&page=3&per_page=50&filter=";
  if (head.length > length) throw new Error(`longPath: ${length} bytes is shorter than the fixed part`);
  const filler = "in-stock-items-only-";
  let path = head;
  while (path.length < length) path += filler;
  return path.slice(0, length);
}

/**
 * An OpenAI chat completion request body of about `bytes` bytes (a system prompt and a user message
 * padded with prose), as a client of an OpenAI-compatible gateway sends it.
 */
export function chatRequestBody(bytes: number, stream: boolean): string {
  const prose = "The gateway forwards this conversation to the provider and accounts for its tokens. ";
  const base = {
    model: "gpt-4o-mini",
    stream,
    temperature: 0.2,
    messages: [
      { role: "system", content: "You are a concise assistant for a warehouse inventory team." },
      { role: "user", content: "" },
    ],
  };
  const emptySize = JSON.stringify(base).length;
  let content = "";
  while (emptySize + content.length + prose.length <= bytes) content += prose;
  content += "x".repeat(Math.max(0, bytes - emptySize - content.length));
  base.messages[1].content = content;
  return JSON.stringify(base);
}

/** A non-streaming chat completion answer (OpenAI's chat.completion object). */
export function chatCompletionResponse(): string {
  return JSON.stringify({
    id: "chatcmpl-bench0001",
    object: "chat.completion",
    created: 1732467600,
    model: "gpt-4o-mini-2024-07-18",
    system_fingerprint: "fp_0ba0d124f1",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "There are 42 pallets of item 7731 in aisle 9; none are reserved.", refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 962, completion_tokens: 19, total_tokens: 981 },
  });
}

/**
 * A streamed chat completion of exactly `events` SSE events in OpenAI's format: the role chunk,
 * content chunks, the finish chunk, the usage chunk (stream_options.include_usage) and `[DONE]`.
 * One event per string, as providers usually flush them.
 */
export function chatCompletionStream(events: number): string[] {
  if (events < 5) throw new Error("chatCompletionStream: a stream has at least 5 events");
  const chunk = (delta: object, finish: string | null, usage: object | null = null, choices = true) =>
    `data: ${JSON.stringify({
      id: "chatcmpl-bench0001",
      object: "chat.completion.chunk",
      created: 1732467600,
      model: "gpt-4o-mini-2024-07-18",
      system_fingerprint: "fp_0ba0d124f1",
      choices: choices ? [{ index: 0, delta, logprobs: null, finish_reason: finish }] : [],
      ...(usage ? { usage } : {}),
    })}\n\n`;
  const words = ["There", " are", " 42", " pallets", " of", " item", " 7731", " in", " aisle", " 9", ";", " none", " are", " reserved", "."];
  const out = [chunk({ role: "assistant", content: "", refusal: null }, null)];
  const contentEvents = events - 4;
  for (let i = 0; i < contentEvents; i++) out.push(chunk({ content: words[i % words.length] }, null));
  out.push(chunk({}, "stop"));
  out.push(chunk({}, null, { prompt_tokens: 962, completion_tokens: contentEvents, total_tokens: 962 + contentEvents }, false));
  out.push("data: [DONE]\n\n");
  return out;
}
