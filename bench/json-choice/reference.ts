// What each workload must produce, computed with JavaScript's own JSON. The harnesses' outputs are
// compared against these, so a fast but wrong library cannot look good.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

export const MAPPED_MODEL = "provider-model-v2";

function contentChars(content: Json | undefined): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (part && typeof part === "object" && !Array.isArray(part) && typeof part.text === "string") n += part.text.length;
  }
  return n;
}

export function chatSummary(body: string): string {
  const request = JSON.parse(body) as Obj;
  const messages = Array.isArray(request.messages) ? request.messages : [];
  const roles = messages.map((m) => (m && typeof m === "object" && !Array.isArray(m) && typeof m.role === "string" ? m.role : "?"));
  const chars = messages.reduce<number>((n, m) => n + (m && typeof m === "object" && !Array.isArray(m) ? contentChars(m.content) : 0), 0);
  return `model=${request.model ?? ""} stream=${request.stream === true} messages=${messages.length} roles=${roles.join(",")} content_chars=${chars}`;
}

export function sseSummary(event: string): string {
  const chunk = JSON.parse(event) as Obj;
  const usage = chunk.usage as Obj | null;
  const prompt = usage && typeof usage.prompt_tokens === "number" ? usage.prompt_tokens : -1;
  const completion = usage && typeof usage.completion_tokens === "number" ? usage.completion_tokens : -1;
  return `model=${chunk.model ?? ""} prompt=${prompt} completion=${completion}`;
}

/** Mirrors describeKeyAuth in assembly/keyauth-model.ts for a valid configuration. */
export function keyAuthSummary(config: string): string {
  const c = JSON.parse(config) as Obj;
  const consumers = (c.consumers ?? []) as Obj[];
  const rules = (c._rules_ ?? []) as Obj[];
  const chars = consumers.reduce((n, x) => n + (x.name as string).length + (x.credential as string).length, 0);
  const allow = rules.reduce((n, r) => n + ((r.allow as Json[]) ?? []).length, 0);
  const matches = rules.reduce((n, r) => n + ((r._match_route_ as Json[]) ?? []).length + ((r._match_domain_ as Json[]) ?? []).length, 0);
  const globalAuth = c.global_auth === undefined ? -1 : c.global_auth ? 1 : 0;
  return (
    `consumers=${consumers.length} chars=${chars} last=${consumers.length ? consumers[consumers.length - 1].name : ""}` +
    ` keys=${((c.keys as string[]) ?? ["x-api-key"]).join(",")} in_query=${c.in_query ?? true} in_header=${c.in_header ?? true}` +
    ` global_auth=${globalAuth} rules=${rules.length} matches=${matches} allow=${allow}`
  );
}

/** The rewritten request: same value except `model` and `stream_options.include_usage`. */
export function rewrittenChat(body: string): Obj {
  const request = JSON.parse(body) as Obj;
  request.model = MAPPED_MODEL;
  const options = request.stream_options && typeof request.stream_options === "object" ? (request.stream_options as Obj) : {};
  options.include_usage = true;
  request.stream_options = options;
  return request;
}

/** OpenAI chat request -> Anthropic messages request, as the harnesses translate it. */
export function anthropicRequest(body: string): Obj {
  const request = JSON.parse(body) as Obj;
  const out: Obj = { model: typeof request.model === "string" ? request.model : "" };
  const system: string[] = [];
  const messages: Json[] = [];
  for (const m of (request.messages ?? []) as Json[]) {
    if (!m || typeof m !== "object" || Array.isArray(m)) continue;
    if (m.role === "system") {
      if (typeof m.content === "string") system.push(m.content);
      continue;
    }
    messages.push({ role: m.role === "assistant" ? "assistant" : "user", content: m.content ?? "" });
  }
  if (system.length) out.system = system.join("\n");
  out.messages = messages;
  out.max_tokens = typeof request.max_tokens === "number" ? Math.trunc(request.max_tokens) : 4096;
  if (typeof request.temperature === "number") out.temperature = request.temperature;
  if (typeof request.top_p === "number") out.top_p = request.top_p;
  if (typeof request.stop === "string") out.stop_sequences = [request.stop];
  else if (Array.isArray(request.stop)) out.stop_sequences = request.stop;
  if (request.stream === true) out.stream = true;
  return out;
}

/** Deep equality where -0 and 0 differ and key order does not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameValue(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue((a as Obj)[k], (b as Obj)[k]));
}

/** Parses `text` as JSON, or returns undefined when it is not JSON. */
export function tryParse(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Path and values of the first place where two JSON values differ, for readable failures. */
export function firstDifference(actual: unknown, expected: unknown, path = "$"): string | undefined {
  if (sameValue(actual, expected)) return undefined;
  const bothObjects = actual !== null && expected !== null && typeof actual === "object" && typeof expected === "object";
  if (bothObjects && Array.isArray(actual) === Array.isArray(expected)) {
    const keys = new Set([...Object.keys(actual as object), ...Object.keys(expected as object)]);
    for (const key of keys) {
      const found = firstDifference((actual as Obj)[key], (expected as Obj)[key], Array.isArray(actual) ? `${path}[${key}]` : `${path}.${key}`);
      if (found) return found;
    }
  }
  const show = (v: unknown) => (v === undefined ? "absent" : Object.is(v, -0) ? "-0" : JSON.stringify(v));
  return `${path}: got ${show(actual)}, want ${show(expected)}`;
}
