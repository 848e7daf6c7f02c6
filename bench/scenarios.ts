// What `make bench` measures: one row per scenario (module + plugin configuration + request + what
// must happen to that request). The floors come first; the plugin scenarios follow in their own table
// so each plugin's owner can adjust theirs. A module missing from build/ is reported as "not built".
import {
  API_KEY,
  PLAIN_RESPONSE_HEADERS,
  SSE_RESPONSE_HEADERS,
  apiRequestHeaders,
  chatCompletionResponse,
  chatCompletionStream,
  chatRequestBody,
  longPath,
  type BenchRequest,
  type Headers,
} from "./requests.ts";

export type ScenarioKind = "host-floor" | "sdk-floor" | "reference" | "plugin";

/** What must happen to the request, checked once before timing and by counters during it. */
export interface Expectation {
  /** The request reaches the upstream (false: the plugin answers it locally). Default true. */
  reachesUpstream?: boolean;
  /** Status the client receives. Default 200. */
  status?: number;
  /** Headers the upstream must receive, with these exact values. */
  upstreamHeaders?: Record<string, string>;
}

export interface Scenario {
  /** Short unique name, e.g. "key-auth/allowed". */
  name: string;
  /** build/<module>.wasm */
  module: string;
  kind: ScenarioKind;
  /** One line: which path of the plugin this exercises. */
  path: string;
  /** Plugin configuration (JSON), in the Higress format of that plugin. */
  config?: unknown;
  request: BenchRequest;
  expect: Expectation;
  /** The limit on ns/request ÷ host floor (issue 8 targets). */
  maxHostFloorRatio?: number;
  /** The limit on ns/request ÷ SDK floor (issue 3: key-auth within 2× the no-op plugin). */
  maxSdkFloorRatio?: number;
  /** The limit on linear memory after the last memory checkpoint. Default 256 KiB. */
  maxMemoryBytes?: number;
  /** Requests served before each memory reading. Default [1e5, 1e6]; long streams use fewer. */
  memoryCheckpoints?: [number, number];
  /** Scenarios sharing a series are points of one curve (x = e.g. stream events), checked for linearity. */
  series?: { name: string; x: number; unit: string };
  /** Set when the scenario cannot run in this harness: it is reported, with the reason. */
  skip?: string;
}

export const KIB = 1024;
export const MIB = 1024 * 1024;
export const DEFAULT_MEMORY_LIMIT = 256 * KIB;
export const STARTUP_LIMIT_MS = 3;

/** The common lifecycle: 8 request headers ending the request, 3 response headers ending the response. */
const PLAIN_REQUEST: BenchRequest = { headers: apiRequestHeaders(), response: { headers: PLAIN_RESPONSE_HEADERS } };

// ---------------------------------------------------------------------------------------------------
// Floors: what any plugin costs before it does anything.
// ---------------------------------------------------------------------------------------------------

export const FLOORS: Scenario[] = [
  {
    name: "wat-noop",
    module: "wat-noop",
    kind: "host-floor",
    path: "hand-written WAT, every callback returns at once (host + boundary cost)",
    request: PLAIN_REQUEST,
    expect: {},
  },
  {
    name: "wat-headers",
    module: "wat-headers",
    kind: "reference",
    path: "hand-written WAT reading the 8 request header pairs and adding one header",
    request: PLAIN_REQUEST,
    expect: { upstreamHeaders: { "x-bench": "1" } },
  },
  {
    name: "as-noop",
    module: "noop",
    kind: "sdk-floor",
    path: "AssemblyScript + proxy-runtime, root and stream contexts that do nothing",
    request: PLAIN_REQUEST,
    expect: {},
    maxHostFloorRatio: 5,
  },
];

// ---------------------------------------------------------------------------------------------------
// Plugins: each plugin's common path, configured as a Higress user would. Owners: adjust freely.
// ---------------------------------------------------------------------------------------------------

const consumers = Array.from({ length: 8 }, (_, i) => ({
  name: `consumer-${i}`,
  credential: `bench-key-${String(i).padStart(4, "0")}`,
}));

const BLOCK_URLS = [
  "swagger.html",
  "/admin/",
  ".env",
  "wp-login.php",
  "/.git/",
  "phpmyadmin",
  "/actuator/",
  "etc/passwd",
  "/debug/pprof",
  "cgi-bin",
];
const BLOCK_REGEXP_URLS = ["/internal/.*", ".*\\.(bak|sql|old)(\\?.*)?"];

const KEY_AUTH_CONFIG = {
  consumers,
  keys: ["x-api-key"],
  in_header: true,
  in_query: false,
  global_auth: true,
  _rules_: [{ _match_route_: ["bench-route"], allow: consumers.slice(0, 4).map((c) => c.name) }],
};

const REQUEST_BLOCK_CONFIG = { block_urls: BLOCK_URLS, block_regexp_urls: BLOCK_REGEXP_URLS, case_sensitive: false };

const OPENAI_TOKEN = "sk-bench-0000000000000000000000000000000000000000";

function chatHeaders(body: string): Headers {
  return [
    [":method", "POST"],
    [":scheme", "https"],
    [":authority", "llm.example.com"],
    [":path", "/v1/chat/completions"],
    ["content-type", "application/json"],
    ["content-length", String(Buffer.byteLength(body))],
    ["authorization", "Bearer gateway-client-token"],
    ["user-agent", "OpenAI/JS 6.30.1"],
  ];
}

const AI_PROXY_CONFIG = { provider: { type: "openai", apiTokens: [OPENAI_TOKEN] } };
const CHAT_BODY = chatRequestBody(4 * KIB, false);
const STREAM_BODY = chatRequestBody(4 * KIB, true);
const MESSAGES_BODY = messagesRequestBody(4 * KIB);
const AI_UPSTREAM = { authorization: `Bearer ${OPENAI_TOKEN}` };

/** A 4 KiB streaming chat request answered by an `events`-event SSE stream. */
export function chatStreamRequest(events: number): BenchRequest {
  return {
    headers: chatHeaders(STREAM_BODY),
    body: [STREAM_BODY],
    response: { headers: SSE_RESPONSE_HEADERS, body: chatCompletionStream(events) },
  };
}

/** The same conversation as an Anthropic Messages request (what an Anthropic SDK sends to /v1/messages). */
function messagesRequestBody(bytes: number): string {
  const chat = JSON.parse(STREAM_BODY);
  const base = { model: chat.model, max_tokens: 1024, stream: true, system: chat.messages[0].content, messages: [{ role: "user", content: "" }] };
  base.messages[0].content = chat.messages[1].content.slice(0, Math.max(0, bytes - JSON.stringify(base).length));
  return JSON.stringify(base);
}

/** Anthropic's Messages stream of exactly `events` SSE events: start, block start, deltas, block stop, message_delta, stop. */
function claudeStream(events: number): string[] {
  if (events < 6) throw new Error("claudeStream: a stream has at least 6 events");
  const ev = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const words = ["There", " are", " 42", " pallets", " of", " item", " 7731", " in", " aisle", " 9", ";", " none", " are", " reserved", "."];
  const deltas = events - 5;
  const out = [
    ev("message_start", { type: "message_start", message: { id: "msg_bench0001", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 962, output_tokens: 1 } } }),
    ev("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
  ];
  for (let i = 0; i < deltas; i++) out.push(ev("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: words[i % words.length] } }));
  out.push(ev("content_block_stop", { type: "content_block_stop", index: 0 }));
  out.push(ev("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: deltas } }));
  out.push(ev("message_stop", { type: "message_stop" }));
  return out;
}

function aiProxyStream(events: number, memoryCheckpoints: [number, number]): Scenario {
  return {
    name: `ai-proxy/stream-${events}`,
    module: "ai-proxy",
    kind: "plugin",
    path: `OpenAI provider, 4 KiB streaming chat request, ${events}-event SSE answer (one event per chunk)`,
    config: AI_PROXY_CONFIG,
    request: chatStreamRequest(events),
    expect: { upstreamHeaders: AI_UPSTREAM },
    maxMemoryBytes: MIB,
    memoryCheckpoints,
    series: { name: "ai-proxy stream", x: events, unit: "events" },
  };
}

/**
 * A reference row making key-auth/allowed's three host calls (route name, key header, x-mse-consumer)
 * with no configuration and no logic; the module answers with the allowed consumer's name.
 */
function keyAuthCalls(name: string, module: string, how: string): Scenario {
  return {
    name,
    module,
    kind: "reference",
    path: `key-auth/allowed's three host calls, ${how}, no logic`,
    request: { ...PLAIN_REQUEST, route: "bench-route" },
    expect: { upstreamHeaders: { "x-mse-consumer": "consumer-3" } },
  };
}

export const PLUGINS: Scenario[] = [
  {
    name: "key-auth/allowed",
    module: "key-auth",
    kind: "plugin",
    path: "8 consumers, key in x-api-key, route rule whose allow list holds the caller",
    config: KEY_AUTH_CONFIG,
    request: { ...PLAIN_REQUEST, route: "bench-route" },
    expect: { upstreamHeaders: { "x-mse-consumer": consumers.find((c) => c.credential === API_KEY)!.name } },
    maxHostFloorRatio: 7,
    maxSdkFloorRatio: 2,
  },
  keyAuthCalls("wat-key-auth-calls", "wat-key-auth-calls", "hand-written WAT making them, no SDK"),
  keyAuthCalls("as-key-auth-calls", "key-auth-calls", "AssemblyScript + proxy-runtime making them as key-auth does"),
  {
    name: "key-auth/unknown-key",
    module: "key-auth",
    kind: "plugin",
    path: "same configuration, a key no consumer holds: 401 local reply",
    config: KEY_AUTH_CONFIG,
    request: { headers: apiRequestHeaders(undefined, "not-a-known-key"), response: PLAIN_REQUEST.response, route: "bench-route" },
    expect: { reachesUpstream: false, status: 401 },
  },
  {
    name: "request-block/pass",
    module: "request-block",
    kind: "plugin",
    path: "10 block_urls + 2 block_regexp_urls, case-insensitive, 200-byte path that passes",
    config: REQUEST_BLOCK_CONFIG,
    request: { headers: apiRequestHeaders(longPath(200)), response: PLAIN_REQUEST.response },
    expect: {},
    maxHostFloorRatio: 12,
  },
  {
    name: "request-block/blocked",
    module: "request-block",
    kind: "plugin",
    path: "same rules, a 200-byte path holding a blocked substring in another case: 403 local reply",
    config: REQUEST_BLOCK_CONFIG,
    request: { headers: apiRequestHeaders(longPath(200).replace("/catalog/", "/ADMIN/c/")), response: PLAIN_REQUEST.response },
    expect: { reachesUpstream: false, status: 403 },
  },
  {
    name: "key-rate-limit/pass",
    module: "key-rate-limit",
    kind: "plugin",
    path: "limit_by_header x-api-key, the caller's key at 10^6 qps (never limited here)",
    config: { limit_by_header: "x-api-key", limit_keys: [{ key: API_KEY, query_per_second: 1_000_000 }] },
    request: PLAIN_REQUEST,
    expect: {},
    maxHostFloorRatio: 12,
  },
  {
    name: "key-rate-limit/default-limit",
    module: "key-rate-limit",
    kind: "plugin",
    path: "the caller's key is not listed: default_limit (10^6 qps) counted in the 4096-slot table",
    config: { limit_by_header: "x-api-key", limit_keys: [{ key: "some-other-key", query_per_second: 1 }], default_limit: { query_per_second: 1_000_000 } },
    request: PLAIN_REQUEST,
    expect: {},
    maxHostFloorRatio: 12,
  },
  {
    name: "cluster-key-rate-limit/pass",
    module: "cluster-key-rate-limit",
    kind: "plugin",
    path: "limit_by_header x-api-key via Redis",
    request: PLAIN_REQUEST,
    expect: {},
    skip: "each request waits for a Redis round trip (async), which this synchronous harness does not time",
  },
  {
    name: "ai-proxy/chat",
    module: "ai-proxy",
    kind: "plugin",
    path: "OpenAI provider, 4 KiB chat request, JSON answer",
    config: AI_PROXY_CONFIG,
    request: {
      headers: chatHeaders(CHAT_BODY),
      body: [CHAT_BODY],
      response: {
        headers: [[":status", "200"], ["content-type", "application/json"], ["content-length", String(Buffer.byteLength(chatCompletionResponse()))]],
        body: [chatCompletionResponse()],
      },
    },
    expect: { upstreamHeaders: AI_UPSTREAM },
    maxMemoryBytes: MIB,
  },
  aiProxyStream(50, [1e4, 1e5]),
  aiProxyStream(200, [1e4, 1e5]),
  aiProxyStream(800, [1e3, 1e4]),
  {
    name: "ai-proxy/messages-stream-200",
    module: "ai-proxy",
    kind: "plugin",
    path: "Anthropic client (/v1/messages) on the OpenAI provider: 4 KiB request and 200-event stream, both translated",
    config: AI_PROXY_CONFIG,
    request: {
      headers: chatHeaders(MESSAGES_BODY).map(([k, v]) => [k, k === ":path" ? "/v1/messages" : v] as [string, string]),
      body: [MESSAGES_BODY],
      response: { headers: SSE_RESPONSE_HEADERS, body: chatCompletionStream(200) },
    },
    expect: { upstreamHeaders: { ...AI_UPSTREAM, ":path": "/v1/chat/completions" } },
    maxMemoryBytes: MIB,
    memoryCheckpoints: [1e4, 1e5],
  },
  {
    name: "ai-proxy/claude-stream-200",
    module: "ai-proxy",
    kind: "plugin",
    path: "OpenAI client on the claude provider: 4 KiB request and 200-event Anthropic stream, both translated",
    config: { provider: { type: "claude", apiTokens: [OPENAI_TOKEN] } },
    request: { headers: chatHeaders(STREAM_BODY), body: [STREAM_BODY], response: { headers: SSE_RESPONSE_HEADERS, body: claudeStream(200) } },
    expect: { upstreamHeaders: { "x-api-key": OPENAI_TOKEN, ":path": "/v1/messages" } },
    maxMemoryBytes: MIB,
    memoryCheckpoints: [1e4, 1e5],
  },
];

/** The host's own cost of the streaming path (what ai-proxy/stream-200 pays before doing anything). */
const STREAM_FLOOR: Scenario = {
  name: "wat-noop/stream-200",
  module: "wat-noop",
  kind: "reference",
  path: "the WAT no-op on the ai-proxy/stream-200 request: 4 KiB body, 200 SSE chunks",
  request: chatStreamRequest(200),
  expect: {},
};

export const SCENARIOS: Scenario[] = [...FLOORS, STREAM_FLOOR, ...PLUGINS];
export const HOST_FLOOR = "wat-noop";
export const SDK_FLOOR = "as-noop";
