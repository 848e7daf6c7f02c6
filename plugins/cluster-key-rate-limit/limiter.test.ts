// cluster-key-rate-limit on one gateway of 4 workers against a real redis-server: exactness, windows on
// the host clock, headers, every rule-item form, NOSCRIPT, Redis going away (fail open / deny), and a
// stand-in Redis giving replies a real one would not (never a trap, always a decision).
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../host/index.ts";
import { TestGateway, type Exchange, type RequestSpec } from "../../host/testing/index.ts";
import { FakeRedis } from "./test-support/fake-redis.ts";
import { RedisServer } from "./test-support/redis-server.ts";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const SERVICE = "redis.default.svc.cluster.local";
const CLUSTER = `outbound|6379||${SERVICE}`;

let redis: RedisServer;
let open: TestGateway[] = [];
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(() => {
  for (const gw of open) gw.close();
  open = [];
});

let ruleCounter = 0;
/** A gateway with the plugin; each call gets its own rule_name so tests never share counters. */
function gateway(config: Record<string, unknown>, opts: { port?: number; clock?: ManualClock; workers?: number } = {}) {
  const clock = opts.clock ?? new ManualClock(T0);
  const rule_name = (config.rule_name as string) ?? `rule-${++ruleCounter}`;
  const gw = new TestGateway({
    workers: opts.workers ?? 4,
    clock,
    higress: true,
    clusters: { [CLUSTER]: { endpoints: [{ host: "127.0.0.1", port: opts.port ?? redis.port }] } },
    plugins: [{ name: "cluster-key-rate-limit", config: { redis: { service_name: SERVICE, timeout: 1000 }, ...config, rule_name } }],
  });
  open.push(gw);
  return { gw, clock, rule_name };
}

async function send(gw: TestGateway, n: number, spec: RequestSpec = {}): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for (let i = 0; i < n; i++) out.push(await gw.request(spec));
  return out;
}
const statuses = (rs: Exchange[]) => rs.map((r) => r.status);
const admitted = (rs: Exchange[]) => rs.filter((r) => r.status === 200).length;
const metric = (gw: TestGateway, name: string) => gw.metrics.value(`wasmcustom.cluster_key_rate_limit.${name}`) ?? 0;
const failed = (gw: TestGateway) => gw.plugins[0].runtimes.some((rt) => rt.vm.failed);

describe("counting in Redis", () => {
  it("admits exactly N per window across 4 VMs, requests in flight together", async () => {
    const { gw, clock } = gateway({ global_threshold: { query_per_minute: 9 } });
    for (let w = 0; w < 2; w++) {
      const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => gw.request({ worker: i % 4 })));
      expect(admitted(rs)).toBe(9);
      expect(rs.filter((r) => r.status === 429)).toHaveLength(21);
      clock.advance(60_000);
    }
    expect(metric(gw, "allowed")).toBe(18);
    expect(metric(gw, "rejected")).toBe(42);
  });

  it("keys each window by its index on the host clock, with an expiry that only cleans up", async () => {
    const clock = new ManualClock(T0 + 59_500); // 12:00:59.500
    const { gw, rule_name } = gateway({ global_threshold: { query_per_minute: 2 } }, { clock });
    expect(statuses(await send(gw, 3))).toEqual([200, 200, 429]);
    clock.advance(499); // 12:00:59.999
    expect(statuses(await send(gw, 1))).toEqual([429]);
    clock.advance(1); // 12:01:00.000
    expect(statuses(await send(gw, 3))).toEqual([200, 200, 429]);
    const minute = Math.floor((T0 + 60_000) / 60_000);
    const key = `cluster-key-rate-limit:${rule_name}:global_threshold:60:${minute}`;
    expect(await redis.command("GET", key)).toBe("$1\r\n3\r\n");
    const ttl = Number((await redis.command("PTTL", key)).slice(1));
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });

  it("sends X-RateLimit-Reset and Retry-After on 429 (seconds to the window's end), quota headers when asked", async () => {
    const clock = new ManualClock(T0 + 12_300);
    const { gw } = gateway({ global_threshold: { query_per_minute: 2 }, show_limit_quota_header: true }, { clock });
    const rs = await send(gw, 3);
    expect(rs.map((r) => r.headers.get("x-ratelimit-remaining"))).toEqual(["1", "0", "0"]);
    expect(rs.map((r) => r.headers.get("x-ratelimit-limit"))).toEqual(["2", "2", "2"]);
    expect(rs[2].status).toBe(429);
    expect(rs[2].text()).toBe("Too many requests");
    expect(rs[2].headers.get("x-ratelimit-reset")).toBe("48");
    expect(rs[2].headers.get("retry-after")).toBe("48");
    expect(rs[2].details).toBe("cluster-key-rate-limit.rejected");

    const { gw: plain } = gateway({ global_threshold: { query_per_minute: 1 }, rejected_code: 503, rejected_msg: "busy" }, { clock });
    const [ok, limited] = await send(plain, 2);
    expect(ok.headers.get("x-ratelimit-limit")).toBeUndefined();
    expect(limited.status).toBe(503);
    expect(limited.text()).toBe("busy");
    expect(limited.headers.get("x-ratelimit-reset")).toBe("48");
    expect(limited.headers.get("x-ratelimit-limit")).toBeUndefined();
  });

  it("recovers from NOSCRIPT (a flushed script cache) by sending the script once", async () => {
    const { gw } = gateway({ global_threshold: { query_per_hour: 4 } });
    expect(statuses(await send(gw, 2))).toEqual([200, 200]);
    expect(await redis.command("SCRIPT", "FLUSH")).toBe("+OK\r\n");
    expect(statuses(await send(gw, 3))).toEqual([200, 200, 429]);
    expect(metric(gw, "redis_error")).toBe(0);
  });
});

describe("rule items", () => {
  it("limits listed header values exactly, one counter each, and leaves others alone", async () => {
    const { gw } = gateway({ rule_items: [{ limit_by_header: "X-Ca-Key", limit_keys: [{ key: 102234, query_per_minute: 2 }, { key: "308239", query_per_minute: 1 }] }] });
    expect(statuses(await send(gw, 3, { headers: { "x-ca-key": "102234" } }))).toEqual([200, 200, 429]);
    expect(statuses(await send(gw, 2, { headers: { "x-ca-key": "308239" } }))).toEqual([200, 429]);
    expect(statuses(await send(gw, 5, { headers: { "x-ca-key": "other" } }))).toEqual([200, 200, 200, 200, 200]);
    expect(statuses(await send(gw, 2))).toEqual([200, 200]);
  });

  it("takes the first item that matches, in order", async () => {
    const { gw } = gateway({
      rule_items: [
        { limit_by_param: "apikey", limit_keys: [{ key: "vip", query_per_minute: 3 }] },
        { limit_by_per_param: "apikey", limit_keys: [{ key: "regexp:^a", query_per_minute: 1 }, { key: "*", query_per_minute: 2 }] },
      ],
    });
    expect(admitted(await send(gw, 5, { path: "/?apikey=vip" }))).toBe(3);
    expect(admitted(await send(gw, 5, { path: "/?apikey=abc" }))).toBe(1);
    expect(admitted(await send(gw, 5, { path: "/?apikey=xyz" }))).toBe(2);
    expect(admitted(await send(gw, 5, { path: "/?apikey=qrs" }))).toBe(2); // each value its own counter
    expect(admitted(await send(gw, 5, { path: "/?other=1" }))).toBe(5);
  });

  it("searches regexp keys unanchored, like Go's MatchString", async () => {
    const { gw } = gateway({ rule_items: [{ limit_by_per_header: "x-user", limit_keys: [{ key: "regexp:bot[0-9]+", query_per_minute: 1 }] }] });
    expect(admitted(await send(gw, 3, { headers: { "x-user": "a-bot42-b" } }))).toBe(1);
    expect(admitted(await send(gw, 3, { headers: { "x-user": "human" } }))).toBe(3);
  });

  it("limits by consumer (x-mse-consumer) and per consumer", async () => {
    const { gw } = gateway({
      rule_items: [
        { limit_by_consumer: "", limit_keys: [{ key: "consumer1", query_per_minute: 1 }] },
        { limit_by_per_consumer: "", limit_keys: [{ key: "*", query_per_minute: 2 }] },
      ],
    });
    expect(admitted(await send(gw, 3, { headers: { "x-mse-consumer": "consumer1" } }))).toBe(1);
    expect(admitted(await send(gw, 3, { headers: { "x-mse-consumer": "c2" } }))).toBe(2);
    expect(admitted(await send(gw, 3, { headers: { "x-mse-consumer": "c3" } }))).toBe(2);
  });

  it("limits by cookie value and per cookie value", async () => {
    const { gw } = gateway({
      rule_items: [
        { limit_by_cookie: "plan", limit_keys: [{ key: "free", query_per_minute: 1 }] },
        { limit_by_per_cookie: "session", limit_keys: [{ key: "*", query_per_minute: 2 }] },
      ],
    });
    expect(admitted(await send(gw, 3, { headers: { cookie: "a=1; plan=free; session=s1" } }))).toBe(1);
    expect(admitted(await send(gw, 3, { headers: { cookie: "plan=paid; session=s1" } }))).toBe(2);
    expect(admitted(await send(gw, 3, { headers: { cookie: "session=s2" } }))).toBe(2);
    expect(admitted(await send(gw, 3, { headers: { cookie: "plan=; session=" } }))).toBe(3);
  });

  it("limits each client IP from a header: first address of the list, first matching block", async () => {
    const { gw } = gateway({
      rule_items: [{
        limit_by_per_ip: "from-header-x-forwarded-for",
        limit_keys: [{ key: "1.1.1.1", query_per_minute: 1 }, { key: "1.1.1.0/24", query_per_minute: 2 }, { key: "2001:db8::/32", query_per_minute: 3 }],
      }],
    });
    const xff = (v: string) => ({ headers: { "x-forwarded-for": v } });
    expect(admitted(await send(gw, 3, xff("1.1.1.1, 10.0.0.1")))).toBe(1);
    expect(admitted(await send(gw, 3, xff(" 1.1.1.7:4430")))).toBe(2);
    expect(admitted(await send(gw, 3, xff("1.1.1.8")))).toBe(2); // per address, not per block
    expect(admitted(await send(gw, 4, xff("[2001:db8::5]:443")))).toBe(3);
    expect(admitted(await send(gw, 4, xff("2001:0db8:0:0:0:0:0:5")))).toBe(0); // the same address, written out
    expect(admitted(await send(gw, 3, xff("9.9.9.9")))).toBe(3); // no block: not limited
    expect(admitted(await send(gw, 3, xff("not-an-ip")))).toBe(3);
    expect(admitted(await send(gw, 3, xff("::ffff:1.1.1.9")))).toBe(2); // IPv4-mapped is IPv4
  });

  it("limits each client IP from the connection (from-remote-addr)", async () => {
    const { gw } = gateway({ rule_items: [{ limit_by_per_ip: "from-remote-addr", limit_keys: [{ key: "0.0.0.0/0", query_per_minute: 2 }] }] });
    const from = (address: string) => ({ info: { source: { address, port: 40000 } } });
    expect(admitted(await send(gw, 3, from("10.1.2.3")))).toBe(2);
    expect(admitted(await send(gw, 3, from("10.1.2.4")))).toBe(2);
    expect(admitted(await send(gw, 3, { ...from("10.1.2.5"), headers: { "x-forwarded-for": "10.1.2.3" } }))).toBe(2);
  });

  it("applies _rules_ by route, each rule a whole configuration", async () => {
    const { gw } = gateway({
      global_threshold: { query_per_minute: 5 },
      _rules_: [{ _match_route_: ["chat"], rule_name: `chat-${ruleCounter}`, global_threshold: { query_per_minute: 1 }, redis: { service_name: SERVICE } }],
    });
    expect(admitted(await send(gw, 3, { route: "chat" }))).toBe(1);
    expect(admitted(await send(gw, 7, { route: "other" }))).toBe(5);
  });
});

/**
 * What the plugin must answer for a reply: 429 only for an array of at least two values whose first is
 * a count >= 1 over the limit and whose second is a TTL (integers, or bulk strings of at most 18 digits
 * after an optional sign); anything else is a failure, and failing open means 200.
 */
function expectedStatus(reply: string, limit: number): number {
  const integer = (s: string) => (/^-?\d{1,18}$/.test(s) ? BigInt(s) : null);
  let pos = 0;
  const line = () => {
    const end = reply.indexOf("\r\n", pos);
    const text = reply.slice(pos, end);
    pos = end + 2;
    return text;
  };
  const element = (): bigint | null => {
    const head = line();
    if (head.startsWith(":")) return integer(head.slice(1));
    if (head.startsWith("$") && Number(head.slice(1)) >= 0) {
      const data = reply.slice(pos, pos + Number(head.slice(1)));
      pos += data.length + 2;
      return integer(data);
    }
    return null;
  };
  const head = line();
  if (!head.startsWith("*") || Number(head.slice(1)) < 2) return 200;
  const count = element();
  if (count === null || count < 1n) return 200;
  const ttl = element();
  if (ttl === null) return 200;
  return count > BigInt(limit) ? 429 : 200;
}

describe("when Redis cannot answer", () => {
  it("fails open with a metric and one warning per 10 s, and never traps", async () => {
    const down = await RedisServer.start();
    // One worker: the warnings are rate limited per VM.
    const { gw, clock } = gateway({ global_threshold: { query_per_minute: 1 } }, { port: down.port, workers: 1 });
    expect(statuses(await send(gw, 2))).toEqual([200, 429]);
    await down.stop();
    expect(statuses(await send(gw, 20))).toEqual(Array(20).fill(200));
    expect(metric(gw, "redis_error")).toBe(20);
    const warnings = () => gw.logs.messages("warn").filter((m) => m.includes("Redis call failed"));
    expect(warnings()).toHaveLength(1);
    clock.advance(10_000);
    await send(gw, 3);
    expect(warnings()).toHaveLength(2);
    // The 19 failures after the first warning, and the one that reports them.
    expect(warnings()[1]).toMatch(/; 20 request\(s\) passed since the last report$/);
    expect(failed(gw)).toBe(false);
  });

  it("answers 503 instead with failure_mode_deny", async () => {
    const down = await RedisServer.start();
    const { gw } = gateway({ global_threshold: { query_per_minute: 5 }, failure_mode_deny: true }, { port: down.port });
    expect(statuses(await send(gw, 1))).toEqual([200]);
    await down.stop();
    const [r] = await send(gw, 1);
    expect(r.status).toBe(503);
    expect(r.details).toBe("cluster-key-rate-limit.redis_unavailable");
    expect(metric(gw, "redis_error")).toBe(1);
  });

  it("passes requests while the cluster is unknown, retrying init at most once a second", async () => {
    const clock = new ManualClock(T0);
    const gw = new TestGateway({
      workers: 1,
      clock,
      higress: true,
      plugins: [{ name: "cluster-key-rate-limit", config: { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: { service_name: "missing.svc" } } }],
    });
    open.push(gw);
    expect(statuses(await send(gw, 3))).toEqual([200, 200, 200]);
    expect(metric(gw, "redis_error")).toBe(3);
    // Once the cluster exists, the next retry binds it.
    gw.host.clusters.add("outbound|6379||missing.svc", { endpoints: [{ host: "127.0.0.1", port: redis.port }] });
    expect(statuses(await send(gw, 1))).toEqual([200]); // within a second of the last attempt: still passing
    expect(metric(gw, "redis_error")).toBe(4);
    clock.advance(1000);
    expect(statuses(await send(gw, 2))).toEqual([200, 429]);
  });

  it("ignores a reply for an unknown root context or token (a stream already gone)", async () => {
    const { gw } = gateway({ global_threshold: { query_per_minute: 2 } });
    for (const rt of gw.plugins[0].runtimes) {
      rt.vm.invoke(rt.root, rt.vm.onRedisCallResponse, 9999, 1, 0, 0);
      rt.vm.invoke(rt.root, rt.vm.onRedisCallResponse, rt.root.id, 424242, 0, 0);
      rt.vm.invoke(rt.root, rt.vm.onRedisCallResponse, rt.root.id, 424243, 1, 0);
    }
    expect(failed(gw)).toBe(false);
    expect(statuses(await send(gw, 3))).toEqual([200, 200, 429]);
  });

  it("drops the reply of a request the client abandoned while it waited for Redis", async () => {
    const fake = await FakeRedis.start();
    try {
      const { gw } = gateway({ global_threshold: { query_per_minute: 5 } }, { port: fake.port, workers: 1 });
      fake.delayMs = 50;
      fake.next = () => "*2\r\n:1\r\n:60000\r\n";
      const events: string[] = [];
      const sink = {
        upstreamHeaders: () => events.push("upstream"),
        upstreamData: () => {},
        upstreamTrailers: () => {},
        downstreamHeaders: () => events.push("downstream"),
        downstreamData: () => {},
        downstreamTrailers: () => {},
        reset: (reason: string) => events.push(`reset:${reason}`),
      };
      const stream = gw.chain.newStream(sink);
      const { buildRequestHeaders } = await import("../../host/testing/index.ts");
      stream.sendRequestHeaders(buildRequestHeaders({}), true);
      expect(fake.commands).toHaveLength(0); // the command is on its way; the request waits
      stream.reset("downstream_remote_disconnect");
      await new Promise((r) => setTimeout(r, 120)); // the reply arrives for a stream that is gone
      expect(events).toEqual(["reset:downstream_remote_disconnect"]);
      expect(fake.commands).toHaveLength(1);
      expect(failed(gw)).toBe(false);
      fake.delayMs = 0;
      expect((await gw.request()).status).toBe(200);
    } finally {
      await fake.close();
    }
  });

  it("treats error replies and replies of the wrong shape as failures, and fails open", async () => {
    const fake = await FakeRedis.start();
    try {
      const { gw } = gateway({ global_threshold: { query_per_minute: 1 } }, { port: fake.port });
      const replies = ["-ERR something\r\n", "+OK\r\n", ":3\r\n", "*1\r\n:1\r\n", "*2\r\n$3\r\nabc\r\n:1\r\n", "*2\r\n:0\r\n:1\r\n", "$-1\r\n", "*2\r\n:99999999999999999999\r\n:1\r\n"];
      for (const reply of replies) {
        fake.next = () => reply;
        expect((await gw.request()).status).toBe(200);
      }
      expect(metric(gw, "redis_error")).toBe(replies.length);
      fake.next = () => "*2\r\n:2\r\n:60000\r\n";
      expect((await gw.request()).status).toBe(429);
      expect(failed(gw)).toBe(false);
    } finally {
      await fake.close();
    }
  });

  it("falls back to EVAL once on NOSCRIPT, and fails open if Redis keeps answering NOSCRIPT", async () => {
    const fake = await FakeRedis.start();
    try {
      const { gw } = gateway({ global_threshold: { query_per_minute: 5 } }, { port: fake.port });
      fake.next = (cmd) => (cmd[0] === "EVALSHA" ? "-NOSCRIPT No matching script\r\n" : "*2\r\n:1\r\n:60000\r\n");
      expect((await gw.request()).status).toBe(200);
      expect(fake.commands.map((c) => c[0])).toEqual(["EVALSHA", "EVAL"]);
      expect(metric(gw, "redis_error")).toBe(0);
      fake.next = () => "-NOSCRIPT No matching script\r\n";
      expect((await gw.request()).status).toBe(200);
      expect(fake.commands.map((c) => c[0]).slice(2)).toEqual(["EVALSHA", "EVAL"]);
      expect(metric(gw, "redis_error")).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it("never traps on arbitrary well-framed replies, and decides only on a real count", async () => {
    const fake = await FakeRedis.start();
    const { gw } = gateway({ global_threshold: { query_per_minute: 3 } }, { port: fake.port, workers: 2 });
    const leaf = fc.oneof(
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => `:${n}\r\n`),
      fc.string({ maxLength: 20 }).map((s) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`),
      fc.stringMatching(/^[A-Za-z ]{0,20}$/).map((s) => `-${s}\r\n`),
      fc.stringMatching(/^[A-Za-z ]{0,20}$/).map((s) => `+${s}\r\n`),
      fc.constantFrom("$-1\r\n", "*-1\r\n", "*0\r\n"),
    );
    const reply = fc.oneof(leaf, fc.array(fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }).map((xs) => `*${xs.length}\r\n${xs.join("")}`)), { maxLength: 4 }).map((xs) => `*${xs.length}\r\n${xs.join("")}`));
    try {
      await fc.assert(
        fc.asyncProperty(reply, async (r) => {
          fake.next = () => r;
          const res = await gw.request();
          expect(res.status).toBe(expectedStatus(r, 3));
        }),
        { numRuns: 300 },
      );
      expect(failed(gw)).toBe(false);
    } finally {
      await fake.close();
    }
  });
});
