// Property tests: random key-auth configurations (valid or not) and random requests — header names and
// values, paths with query strings, percent escapes and bytes that are not UTF-8 — must never make the VM
// fail, must always get 200, 401 or 403 with the right headers, must never name a consumer whose key the
// request did not carry, and must never put a credential (or its digest) into a log line or a response.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PluginConfigError } from "../../host/index.ts";
import { BASIC_REALM, KEY_REALM, keyAuth, rawRequest, type RawExchange } from "./test-support.ts";

const sha256Hex = (s: string) => createHash("sha256").update(s).digest("hex");

// ---- configurations --------------------------------------------------------------------------------

const KEY_NAMES = ["apikey", "X-API-Key", "authorization", "Authorization", "k", "key%20name", "ключ"];
const keyName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEY_NAMES) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/) });
/** Optional own key names (for a consumer or a rule): absent more often than not, as in real configs. */
const optionalKeys = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.uniqueArray(keyName, { minLength: 1, maxLength: 2 }) });
/** Mostly unset, as in real configs (and so that few generated configs turn both in_* off). */
const optionalBool = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.boolean() });

interface GenConsumer {
  name: string;
  /** Plaintext keys (one unless `asList`); `hashed[i]` says whether the config stores secret i as sha256:. */
  secrets: string[];
  hashed: boolean[];
  asList: boolean;
  keys?: string[];
  in_header?: boolean;
  in_query?: boolean;
}

// Secrets carry the consumer's index, so consumers never share one; "cred-" never occurs in log text.
const consumerArb = (i: number) =>
  fc.record({
    secrets: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9._~+-]{6,14}$/), { minLength: 1, maxLength: 3 }).map((s) => s.map((x) => `cred-${i}-${x}`)),
    hashed: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    asList: fc.boolean(),
    keys: optionalKeys,
    in_header: optionalBool,
    in_query: optionalBool,
  }).map((c): GenConsumer => ({ name: `consumer${i}`, ...c, secrets: c.asList ? c.secrets : c.secrets.slice(0, 1) }));

const consumersArb = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => consumerArb(i))));

function consumerConfig(c: GenConsumer): object {
  const creds = c.secrets.map((s, i) => (c.hashed[i] ? `sha256:${sha256Hex(s)}` : s));
  return {
    name: c.name,
    ...(c.asList ? { credentials: creds } : { credential: creds[0] }),
    keys: c.keys,
    in_header: c.in_header,
    in_query: c.in_query,
  };
}

const ROUTES = ["r1", "r2", "other", ""];
const ruleArb = fc.record({
  _match_route_: fc.uniqueArray(fc.constantFrom("r1", "r2"), { minLength: 1, maxLength: 2 }),
  allow: fc.option(fc.uniqueArray(fc.constantFrom("consumer0", "consumer1", "consumer2", "consumer3", "nobody"), { maxLength: 3 }), { nil: undefined }),
  keys: optionalKeys,
  in_query: optionalBool,
  hide_credentials: optionalBool,
});

const configArb = fc.record({
  consumers: consumersArb,
  keys: fc.oneof({ weight: 4, arbitrary: fc.uniqueArray(keyName, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(undefined, []) }),
  in_header: optionalBool,
  in_query: optionalBool,
  global_auth: optionalBool,
  hide_credentials: optionalBool,
  rules: fc.array(ruleArb, { maxLength: 2 }),
});

type GenConfig = fc.Infer<typeof configArb>;

function pluginConfig(g: GenConfig): object {
  // JSON.stringify (which the host applies) drops the undefined fields.
  return {
    consumers: g.consumers.map(consumerConfig),
    keys: g.keys,
    in_header: g.in_header,
    in_query: g.in_query,
    global_auth: g.global_auth,
    hide_credentials: g.hide_credentials,
    ...(g.rules.length ? { _rules_: g.rules } : {}),
  };
}

// ---- requests ----------------------------------------------------------------------------------------

/** Bytes a header value or path may hold (Envoy refuses NUL, CR and LF), including ones that are not UTF-8. */
const anyBytes = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b.map((x) => (x === 0 || x === 10 || x === 13 ? 0x20 : x))));

/** A value to send: one of the config's secrets (by index, maybe as a Bearer token or altered), or random bytes. */
const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ secret: fc.nat(), form: fc.constantFrom("plain", "plain", "plain", "plain", "bearer", "BEARER", "prefix", "suffix") }) },
  { weight: 1, arbitrary: fc.record({ bytes: anyBytes(24) }) },
  { weight: 1, arbitrary: fc.constant({ bytes: Buffer.alloc(0) }) },
);
type GenValue = fc.Infer<typeof valueArb>;

const randomHeaderName = fc.oneof(fc.constantFrom(...KEY_NAMES, "x-mse-consumer", "X-Mse-Consumer", "APIKEY"), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/));

/** Every key name a generated config mentions (random names would almost never hit one). */
function configuredNames(g: GenConfig): string[] {
  const names = [...(g.keys ?? []), ...g.consumers.flatMap((c) => c.keys ?? []), ...g.rules.flatMap((r) => r.keys ?? [])];
  return names.length ? [...new Set(names)] : KEY_NAMES;
}

/** Requests for config `g`: mostly under its key names (in any case for headers), sometimes under others. */
function requestArbFor(g: GenConfig) {
  const names = configuredNames(g);
  const inAnyCase = fc.tuple(fc.constantFrom(...names), fc.boolean()).map(([n, upper]) => (upper ? n.toUpperCase() : n));
  const headerName = fc.oneof({ weight: 3, arbitrary: inAnyCase }, { weight: 1, arbitrary: randomHeaderName });
  const queryName = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom("APIKEY"), anyBytes(6)) });
  const queryParam = fc.record({
    name: queryName,
    value: fc.option(valueArb, { nil: undefined }),
    escapeName: fc.boolean(),
    escapeValue: fc.boolean(),
  });
  return fc.record({
    route: fc.constantFrom(...ROUTES),
    headers: fc.array(fc.tuple(headerName, valueArb), { maxLength: 4 }),
    segment: anyBytes(12),
    query: fc.option(fc.array(queryParam, { maxLength: 4 }), { nil: undefined }),
    junk: fc.constantFrom("", "&", "&&", "%", "%4", "%zz=1", "=x", "&%ff%FE=%c3%28"),
    fragment: fc.option(anyBytes(6), { nil: undefined }),
  });
}

/** A configuration with a batch of requests for it. */
const caseArb = configArb.chain((g) => fc.tuple(fc.constant(g), fc.array(requestArbFor(g), { minLength: 1, maxLength: 8 })));

type GenRequest = fc.Infer<ReturnType<typeof requestArbFor>>;

function valueBytes(v: GenValue, secrets: string[]): Buffer {
  if ("bytes" in v) return v.bytes;
  if (secrets.length === 0) return Buffer.from("no-secret");
  const s = secrets[v.secret % secrets.length];
  switch (v.form) {
    case "bearer":
      return Buffer.from(`Bearer ${s}`);
    case "BEARER":
      return Buffer.from(`BEARER  ${s}`);
    case "prefix":
      return Buffer.from(s.slice(0, -1));
    case "suffix":
      return Buffer.from(`${s}x`);
    default:
      return Buffer.from(s);
  }
}

const percentEncode = (b: Buffer) => Buffer.from([...b].map((x) => `%${x.toString(16).padStart(2, "0")}`).join(""));
/** Keeps '&', '=', '#' and '?' from splitting a query part, the way a client would escape them. */
const escapeDelimiters = (b: Buffer) => Buffer.concat([...b].map((x) => ([0x26, 0x3d, 0x23, 0x3f, 0x25].includes(x) ? percentEncode(Buffer.from([x])) : Buffer.from([x]))));

function pathBytes(r: GenRequest, secrets: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from("/"), escapeDelimiters(r.segment)];
  if (r.query) {
    const params = r.query.map((p) => {
      const name = typeof p.name === "string" ? Buffer.from(p.name) : p.name;
      const encodedName = p.escapeName ? percentEncode(name) : escapeDelimiters(name);
      if (p.value === undefined) return encodedName;
      const value = valueBytes(p.value, secrets);
      return Buffer.concat([encodedName, Buffer.from("="), p.escapeValue ? percentEncode(value) : escapeDelimiters(value)]);
    });
    parts.push(Buffer.from("?"), Buffer.from(params.map((p) => p.toString("latin1")).join("&"), "latin1"), Buffer.from(r.junk));
  }
  if (r.fragment) parts.push(Buffer.from("#"), r.fragment);
  return Buffer.concat(parts);
}

/** Percent-decodes like the plugin does ('%' + two hex digits; anything else literally). */
function percentDecode(b: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const hex = b.subarray(i + 1, i + 3).toString("latin1");
    if (b[i] === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(b[i]);
  }
  return Buffer.from(out);
}

// ---- the property ------------------------------------------------------------------------------------

function responseBytes(res: RawExchange): Buffer {
  const headers = res.responseHeaders.entries().map(([k, v]) => `${k}: ${v}`).join("\n");
  return Buffer.concat([Buffer.from(headers), res.body, Buffer.from(res.details ?? "")]);
}

async function check(g: GenConfig, requests: GenRequest[]): Promise<void> {
  const secrets = g.consumers.flatMap((c) => c.secrets);
  const forbidden = [...secrets, ...secrets.map(sha256Hex)];
  const names = new Set(g.consumers.map((c) => c.name));
  const keyOf = new Map(g.consumers.flatMap((c) => c.secrets.map((s) => [s, c.name] as const)));

  let gw;
  try {
    gw = keyAuth(pluginConfig(g));
  } catch (e) {
    if (!(e instanceof PluginConfigError)) throw e;
    // A refused configuration: one error line, which names fields, never values.
    for (const line of e.logs.map((r) => r.message)) for (const s of forbidden) expect(line).not.toContain(s);
    expect(e.logs.filter((r) => r.level === "error")).toHaveLength(1);
    return;
  }
  try {
    for (const r of requests) {
      const headers = r.headers.map(([n, v]) => [Buffer.from(n), valueBytes(v, secrets)] as [Buffer, Buffer]);
      const path = pathBytes(r, secrets);
      const res = await rawRequest(gw, { route: r.route, path, headers });
      const where = `path ${JSON.stringify(path.toString("latin1"))}, headers ${JSON.stringify(headers.map(([n, v]) => [n.toString(), v.toString("latin1")]))}`;

      expect([200, 401, 403], where).toContain(res.status);
      if (res.status === 401) expect([res.responseHeaders.get("www-authenticate"), res.upstream], where).toEqual([KEY_REALM, null]);
      if (res.status === 403) expect([res.responseHeaders.get("www-authenticate"), res.upstream], where).toEqual([BASIC_REALM, null]);
      if (res.status === 200) {
        const consumer = res.upstream!.getAll("x-mse-consumer");
        expect(consumer.length, where).toBeLessThanOrEqual(1);
        if (consumer.length === 1) {
          // Named only when the request carried one of that consumer's keys.
          expect(names.has(consumer[0]), where).toBe(true);
          const carried = Buffer.concat([percentDecode(path), ...headers.flatMap(([, v]) => [Buffer.from("\n"), v])]).toString("latin1");
          const ownKeys = [...keyOf].filter(([, name]) => name === consumer[0]).map(([s]) => s);
          expect(ownKeys.some((s) => carried.includes(s)), where).toBe(true);
        }
      }
      const seen = responseBytes(res).toString("latin1");
      for (const s of forbidden) expect(seen, where).not.toContain(s);
    }
    for (const runtime of gw.plugins[0].runtimes) expect(runtime.vm.failed, runtime.vm.failure).toBe(false);
    const logs = gw.logs.records.map((r) => r.message).join("\n");
    for (const s of forbidden) expect(logs).not.toContain(s);
  } finally {
    gw.close();
  }
}

describe("key-auth under random configurations and requests", () => {
  it("never fails the VM, answers only 200/401/403, names only key holders, and never leaks a credential", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, ([g, requests]) => check(g, requests)),
      { numRuns: 500 },
    );
  });

  it("exercises every outcome: refused and accepted configs, 200 with a consumer, 401 both ways, 403", async () => {
    // Guards the generator: were it to produce only refused configs or 401s, the property above would prove little.
    const seen: Record<string, number> = { refused: 0, accepted: 0, authenticated: 0, unchecked: 0 };
    for (const [g, requests] of fc.sample(caseArb, { numRuns: 150, seed: 42 })) {
      const secrets = g.consumers.flatMap((c) => c.secrets);
      let gw;
      try {
        gw = keyAuth(pluginConfig(g));
      } catch {
        seen.refused++;
        continue;
      }
      seen.accepted++;
      for (const r of requests) {
        const res = await rawRequest(gw, { route: r.route, path: pathBytes(r, secrets), headers: r.headers.map(([n, v]) => [n, valueBytes(v, secrets)]) });
        const passed = res.details === "via_upstream";
        const outcome = passed ? (res.upstream?.has("x-mse-consumer") ? "authenticated" : "unchecked") : (res.details ?? "no response");
        seen[outcome] = (seen[outcome] ?? 0) + 1;
      }
      gw.close();
    }
    expect(seen.refused).toBeGreaterThan(10);
    expect(seen.accepted).toBeGreaterThan(80);
    expect(seen.authenticated).toBeGreaterThan(30);
    expect(seen.unchecked).toBeGreaterThan(30);
    expect(seen["key-auth.missing_key"]).toBeGreaterThan(30);
    expect(seen["key-auth.unknown_key"]).toBeGreaterThan(30);
    expect(seen["key-auth.consumer_not_allowed"]).toBeGreaterThan(5);
  });
});
