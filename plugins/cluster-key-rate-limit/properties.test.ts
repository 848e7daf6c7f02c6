// Property tests against a stand-in Redis (which records each counter key): client addresses in every
// textual form are parsed and matched against CIDR blocks as Node's own parser and plain bit arithmetic
// say; random request values and random configurations never trap.
import { isIPv4, isIPv6 } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock, PluginConfigError } from "../../host/index.ts";
import { TestGateway } from "../../host/testing/index.ts";
import { FakeRedis } from "./test-support/fake-redis.ts";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const CLUSTER = "outbound|6379||redis.svc";
let fake: FakeRedis;
beforeAll(async () => {
  fake = await FakeRedis.start();
});
afterAll(async () => {
  await fake?.close();
});

function gateway(config: Record<string, unknown>): TestGateway {
  return new TestGateway({
    workers: 2,
    clock: new ManualClock(T0),
    higress: true,
    clusters: { [CLUSTER]: { endpoints: [{ host: "127.0.0.1", port: fake.port }] } },
    plugins: [{ name: "cluster-key-rate-limit", config: { rule_name: "p", redis: { service_name: "redis.svc" }, ...config } }],
  });
}

/** The counter key of the last command the stand-in Redis received. */
const lastKey = () => fake.commands[fake.commands.length - 1]?.[3];

/** 16 bytes of an address (IPv4 as ::ffff:a.b.c.d), the model the plugin is checked against. */
function ipBytes(text: string): number[] {
  if (isIPv4(text)) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, ...text.split(".").map(Number)];
  const [head, tail] = text.includes("::") ? text.split("::") : [text, null];
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const expand = (parts: string[]) =>
    parts.flatMap((p) => (p.includes(".") ? (() => { const b = p.split(".").map(Number); return [(b[0] << 8) | b[1], (b[2] << 8) | b[3]]; })() : [parseInt(p, 16)]));
  const h = expand(groups(head));
  const t = tail === null ? [] : expand(groups(tail));
  const words = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
  return words.flatMap((w) => [w >> 8, w & 255]);
}

function canonical(bytes: number[]): string {
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return bytes.slice(12).join(".");
  const words = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] << 8) | bytes[i + 1]).toString(16).padStart(4, "0"));
  return words.join(":");
}

function inBlock(ip: number[], block: number[], bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const bit = (b: number[]) => (b[i >> 3] >> (7 - (i & 7))) & 1;
    if (bit(ip) !== bit(block)) return false;
  }
  return true;
}

describe("cluster-key-rate-limit properties", () => {
  it("parses every textual form of a client address to the same address Node's parser sees", async () => {
    const gw = gateway({ rule_items: [{ limit_by_per_ip: "from-header-x-real-ip", limit_keys: [{ key: "0.0.0.0/0", query_per_second: 1000 }, { key: "::/0", query_per_second: 1000 }] }] });
    try {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.ipV4(), fc.ipV6()), fc.boolean(), async (ip, withPort) => {
          const before = fake.commands.length;
          const header = withPort ? (isIPv6(ip) ? `[${ip}]:8443` : `${ip}:8443`) : ip;
          expect((await gw.request({ headers: { "x-real-ip": header } })).status).toBe(200);
          expect(fake.commands.length).toBe(before + 1);
          expect(lastKey()).toBe(`cluster-key-rate-limit:p:limit_by_per_ip:1:from-header-x-real-ip:${canonical(ipBytes(ip))}:${Math.floor(T0 / 1000)}`);
        }),
        { numRuns: 500 },
      );
    } finally {
      gw.close();
    }
  });

  it("takes the first CIDR block holding the address, as bit arithmetic says", async () => {
    const blocks = [
      { text: "10.1.2.128/25", bytes: ipBytes("10.1.2.128"), bits: 96 + 25, window: 1, field: "query_per_second" },
      { text: "10.1.0.0/16", bytes: ipBytes("10.1.0.0"), bits: 96 + 16, window: 60, field: "query_per_minute" },
      { text: "2001:db8:8000::/33", bytes: ipBytes("2001:db8:8000::"), bits: 33, window: 3600, field: "query_per_hour" },
      { text: "10.0.0.0/8", bytes: ipBytes("10.0.0.0"), bits: 96 + 8, window: 86400, field: "query_per_day" },
    ];
    const gw = gateway({ rule_items: [{ limit_by_per_ip: "from-header-x-real-ip", limit_keys: blocks.map((b) => ({ key: b.text, [b.field]: 1000 })) }] });
    const near = fc.oneof(
      fc.tuple(fc.constant(10), fc.constantFrom(0, 1, 2, 255), fc.constantFrom(0, 1, 2, 3, 200), fc.integer({ min: 0, max: 255 })).map((p) => p.join(".")),
      fc.tuple(fc.integer({ min: 0x7000, max: 0x9fff }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => `2001:db8:${a.toString(16)}::${b.toString(16)}`),
      fc.ipV4(),
    );
    try {
      await fc.assert(
        fc.asyncProperty(near, async (ip) => {
          const before = fake.commands.length;
          expect((await gw.request({ headers: { "x-real-ip": ip } })).status).toBe(200);
          const bytes = ipBytes(ip);
          const hit = blocks.find((b) => inBlock(bytes, b.bytes, b.bits));
          if (!hit) {
            expect(fake.commands.length).toBe(before); // no block: not counted, no Redis call
            return;
          }
          expect(lastKey()).toBe(`cluster-key-rate-limit:p:limit_by_per_ip:${hit.window}:from-header-x-real-ip:${canonical(bytes)}:${Math.floor(T0 / 1000 / hit.window)}`);
        }),
        { numRuns: 400 },
      );
    } finally {
      gw.close();
    }
  });

  it("never traps on arbitrary header, cookie and query values", async () => {
    const gw = gateway({
      rule_items: [
        { limit_by_per_ip: "from-header-x-forwarded-for", limit_keys: [{ key: "1.0.0.0/8", query_per_second: 5 }] },
        { limit_by_per_cookie: "sid", limit_keys: [{ key: "regexp:^(a|b)+$", query_per_second: 5 }] },
        { limit_by_per_param: "k", limit_keys: [{ key: "regexp:[0-9]{2,}", query_per_second: 5 }, { key: "*", query_per_minute: 5 }] },
      ],
    });
    const text = fc.string({ unit: "binary", maxLength: 60 }).map((s) => s.replace(/[\r\n\0]/g, ""));
    try {
      await fc.assert(
        fc.asyncProperty(text, text, fc.string({ unit: "binary", maxLength: 80 }), async (xff, cookie, query) => {
          fake.next = () => "*2\r\n:1\r\n:1000\r\n";
          const res = await gw.request({ path: "/?" + query.replace(/[\s#]/g, ""), headers: { "x-forwarded-for": xff, cookie } });
          expect(res.status).toBe(200);
        }),
        { numRuns: 400 },
      );
      expect(gw.plugins[0].runtimes.some((rt) => rt.vm.failed)).toBe(false);
    } finally {
      gw.close();
    }
  });

  it("refuses or accepts any configuration without trapping", () => {
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("*", "regexp:^a", "regexp:(", "10.0.0.0/8", "from-remote-addr", "from-header-x"), fc.integer({ min: -5, max: 2 ** 33 }), fc.boolean(), fc.constant(null), fc.constant({}));
    const rate = fc.dictionary(fc.constantFrom("query_per_second", "query_per_minute", "query_per_day", "query_per_week", "key"), value, { maxKeys: 3 });
    const item = fc.dictionary(
      fc.constantFrom("limit_by_header", "limit_by_param", "limit_by_consumer", "limit_by_cookie", "limit_by_per_header", "limit_by_per_ip", "limit_keys"),
      fc.oneof(value, fc.array(rate, { maxLength: 3 })),
      { maxKeys: 3 },
    );
    const config = fc.dictionary(
      fc.constantFrom("rule_name", "global_threshold", "rule_items", "redis", "rejected_code", "rejected_msg", "show_limit_quota_header", "failure_mode_deny"),
      fc.oneof(value, rate, fc.array(item, { maxLength: 3 }), fc.record({ service_name: value, service_port: value })),
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(config, (c) => {
        try {
          new TestGateway({ higress: true, plugins: [{ name: "cluster-key-rate-limit", config: c }] }).close();
        } catch (e) {
          expect(e).toBeInstanceOf(PluginConfigError);
          expect((e as Error).message).toContain("the plugin rejected its configuration");
          expect((e as Error).message).toContain("cluster-key-rate-limit: invalid configuration: ");
        }
      }),
      { numRuns: 300 },
    );
  });
});
