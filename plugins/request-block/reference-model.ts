// A reference model of request-block, written from its README in plain TypeScript, for the property
// test: given a configuration and a request, which answer the plugin must give. Bytes are handled as
// latin1 strings (one character per byte), so substring and equality tests are byte-exact.
// Regular expressions are given twice: as the RE2 pattern the plugin gets and as a JavaScript pattern
// with the same meaning (regex-pairs.ts writes both), matched here against the path decoded the way
// the plugin's engine reads bytes (each invalid sequence one U+FFFD: WHATWG's maximal-subpart rule).

export interface ModelConfig {
  block_urls?: string[];
  block_exact_urls?: string[];
  /** RE2 patterns, as the plugin gets them. */
  block_regexp_urls?: string[];
  /** The same patterns in JavaScript, anchored, `u` flag (model only: not sent to the plugin). */
  js_regexps?: RegExp[];
  block_headers?: string[];
  block_bodies?: string[];
  block_bodys?: string[];
  blocked_code?: number;
  blocked_message?: string;
  case_sensitive?: boolean;
  max_body_bytes?: number;
  oversize_body?: "allow" | "block";
}

export interface ModelRule extends ModelConfig {
  _match_route_: string[];
}

export interface ModelRequest {
  route: string;
  path: Buffer;
  /** Every header the plugin sees (pseudo-headers included), names as sent. */
  headers: [Buffer, Buffer][];
  /** Body chunks; none and no trailers: a request without a body. */
  chunks: Buffer[];
  trailers: boolean;
}

export type Answer = { status: number; details: string | null; body: string };

export const PASS: Answer = { status: 200, details: null, body: "" };

const latin1 = (b: Buffer) => b.toString("latin1");
const fromLatin1 = (s: string) => Buffer.from(s, "latin1");
/** UTF-8 bytes of a configured string, as a latin1 string. */
const utf8Bytes = (s: string) => Buffer.from(s, "utf8").toString("latin1");
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

export function percentDecode(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** UTF-8 of a code point, lone surrogates included (encoded as any other 3-byte code point). */
function utf8OfCodePoint(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  return String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

const SHORT_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * JSON string escapes undone wherever they appear, left to right: a high-surrogate escape directly
 * followed by a low-surrogate escape is one code point; other \uXXXX stand alone; malformed escapes stay.
 */
export function jsonUnescape(s: string): string {
  const escape = /\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g;
  return s.replace(escape, (_, hi, lo, single, short) => {
    if (hi) return utf8OfCodePoint(0x10000 + ((parseInt(hi, 16) - 0xd800) << 10) + (parseInt(lo, 16) - 0xdc00));
    if (single) return utf8OfCodePoint(parseInt(single, 16));
    return SHORT_ESCAPES[short];
  });
}

/** The forms of a body the needles are searched in. */
export function bodyForms(body: string): string[] {
  const forms = [body];
  let current = body;
  if (body.includes("\\")) forms.push((current = jsonUnescape(body)));
  if (current.includes("%")) forms.push(percentDecode(current));
  return forms;
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** What one configuration (global part or rule) decides. */
function decideWith(c: ModelConfig, req: ModelRequest): Answer {
  const fold = c.case_sensitive === false ? asciiLower : (s: string) => s;
  const blocked = (what: string): Answer => ({ status: c.blocked_code ?? 403, details: `request-block.blocked_${what}`, body: c.blocked_message ?? "" });
  const contains = (text: string, needles: string[]) => needles.some((n) => fold(text).includes(fold(utf8Bytes(n))));

  const path = latin1(req.path);
  const paths = path.includes("%") ? [path, percentDecode(path)] : [path];
  for (const p of paths) {
    if ((c.block_exact_urls ?? []).some((e) => fold(utf8Bytes(e)) === fold(p))) return blocked("url");
    const text = decoder.decode(fromLatin1(p));
    if ((c.js_regexps ?? []).some((r) => r.test(text))) return blocked("url");
    if (contains(p, c.block_urls ?? [])) return blocked("url");
  }

  const headerNeedles = c.block_headers ?? [];
  // Names arrive lower-cased (Envoy's header map); each name and value is searched on its own.
  for (const [name, value] of req.headers) {
    if (contains(asciiLower(latin1(name)), headerNeedles) || contains(latin1(value), headerNeedles)) return blocked("header");
  }

  const bodyNeedles = [...(c.block_bodys ?? []), ...(c.block_bodies ?? [])];
  const hasBody = req.chunks.length > 0 || req.trailers;
  if (bodyNeedles.length === 0 || !hasBody) return PASS;
  const body = latin1(Buffer.concat(req.chunks));
  const max = c.max_body_bytes ?? 1024 * 1024;
  const inspected = body.length > max ? body.slice(0, max) : body;
  if (bodyForms(inspected).some((form) => contains(form, bodyNeedles))) return blocked("body");
  if (body.length > max && c.oversize_body === "block") return { status: 413, details: "request-block.body_too_large", body: "request body too large to inspect" };
  return PASS;
}

const LISTS = ["block_urls", "block_exact_urls", "block_regexp_urls", "block_headers", "block_bodies", "block_bodys"] as const;

/** True when a configuration (global part or rule) has something to block. */
export function blocksSomething(c: ModelConfig): boolean {
  return LISTS.some((list) => (c[list]?.length ?? 0) > 0);
}

/**
 * The answer to `req` under a configuration of global fields (null: none) and rules: the first rule
 * naming the request's route, else the global part, else the request passes.
 */
export function decide(global: ModelConfig | null, rules: ModelRule[], req: ModelRequest): Answer {
  const rule = rules.find((r) => r._match_route_.includes(req.route));
  const config = rule ?? global;
  return config === null ? PASS : decideWith(config, req);
}
