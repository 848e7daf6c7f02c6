// key-rate-limit behaviour on a gateway of 4 workers (one VM each) sharing one shared-data store, with
// the host's manual clock driving the windows: exactness across VMs, window boundaries, headers, the
// key sources, default limits and their bounded state, rules, compare-and-swap contention, metrics.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../host/index.ts";
import { TestGateway, wasmPath, type Exchange, type TestPlugin } from "../../host/testing/index.ts";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0); // on a minute, hour and second boundary
let open: TestGateway[] = [];
afterEach(() => {
  for (const gw of open) gw.close();
  open = [];
});

function gateway(config: unknown, opts: { workers?: number; clock?: ManualClock; plugins?: TestPlugin[] } = {}) {
  const clock = opts.clock ?? new ManualClock(T0);
  const gw = new TestGateway({ workers: opts.workers ?? 4, clock, plugins: opts.plugins ?? [{ name: "key-rate-limit", config }] });
  open.push(gw);
  return { gw, clock };
}

const key = (k: string) => ({ headers: { "x-api-key": k } });
const statuses = (rs: Exchange[]) => rs.map((r) => r.status);
const count = (rs: Exchange[], status: number) => rs.filter((r) => r.status === status).length;

/** Sends `n` requests, spread round-robin over the workers. */
async function send(gw: TestGateway, n: number, spec: Parameters<TestGateway["request"]>[0] = key("k1")): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for (let i = 0; i < n; i++) out.push(await gw.request(spec));
  return out;
}

function metric(gw: TestGateway, name: string): number {
  return gw.metrics.value(`wasmcustom.${name}`) ?? 0;
}

function vmsFailed(gw: TestGateway): boolean {
  return gw.plugins.some((p) => p.runtimes.some((rt) => rt.vm.failed));
}

describe("key-rate-limit across the workers of one gateway", () => {
  it("admits exactly N per window across 4 VMs serving interleaved requests", async () => {
    const N = 7;
    const { gw, clock } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_minute: N }] });
    for (let window = 0; window < 3; window++) {
      // Interleave workers in a scrambled order, several requests each, all in one window.
      const order = Array.from({ length: 5 * N }, (_, i) => (i * 3 + window) % 4);
      const results = [];
      for (const worker of order) results.push({ worker, res: await gw.request({ ...key("k1"), worker }) });
      const admitted = results.filter((r) => r.res.status === 200);
      expect(admitted).toHaveLength(N);
      expect(results.filter((r) => r.res.status === 429)).toHaveLength(4 * N);
      expect(admitted.every((r) => r.res.upstream !== null)).toBe(true);
      // Admissions came from more than one VM: the count is shared, not per VM.
      expect(new Set(admitted.map((r) => r.worker)).size).toBeGreaterThan(1);
      clock.advance(60_000);
    }
    expect(metric(gw, "key_rate_limit.allowed")).toBe(3 * N);
    expect(metric(gw, "key_rate_limit.rejected")).toBe(3 * 4 * N);
  });

  it("admits exactly N when requests arrive concurrently", async () => {
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_second: 25 }] });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => gw.request({ ...key("k1"), worker: i % 4 })));
    expect(count(results, 200)).toBe(25);
    expect(count(results, 429)).toBe(75);
  });

  it("answers 429 with body rate_limited and Retry-After, as Higress's C++ plugin (plus Retry-After)", async () => {
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_second: 1 }] });
    await send(gw, 1);
    const [limited] = await send(gw, 1);
    expect(limited.status).toBe(429);
    expect(limited.text()).toBe("rate_limited");
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.headers.get("x-ratelimit-limit")).toBeUndefined();
    expect(limited.details).toBe("key-rate-limit.rate_limited");
    expect(limited.upstream).toBeNull();
  });

  it("keeps counters apart per key, per rule and per plugin instance", async () => {
    const config = {
      limit_by_header: "x-api-key",
      limit_keys: [{ key: "k1", query_per_minute: 2 }, { key: "k2", query_per_minute: 2 }],
      _rules_: [{ _match_route_: ["special"], limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_minute: 3 }] }],
    };
    const wasm = wasmPath("key-rate-limit");
    const { gw } = gateway(null, { plugins: [{ name: "krl-a", wasm, config }, { name: "krl-b", wasm, config: { limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_minute: 4 }] } }] });
    expect(statuses(await send(gw, 3, key("k1")))).toEqual([200, 200, 429]);
    expect(statuses(await send(gw, 3, key("k2")))).toEqual([200, 200, 429]);
    // On route "special" krl-a's rule counts k1 afresh (limit 3); krl-b, which has seen the 2 k1
    // requests krl-a let through, admits 2 more of its 4 and refuses the third.
    expect(statuses(await send(gw, 4, { ...key("k1"), route: "special" }))).toEqual([200, 200, 429, 429]);
    const state = gw.host.services.sharedData.keys("");
    expect(state.filter((k) => k.startsWith("key-rate-limit\0krl-a\0"))).toHaveLength(3);
    expect(state.filter((k) => k.startsWith("key-rate-limit\0krl-b\0"))).toHaveLength(1);
  });
});

describe("fixed windows on the host clock", () => {
  it("starts windows on clock boundaries and refills all N at the boundary", async () => {
    const clock = new ManualClock(T0 + 900); // 12:00:00.900
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_second: 3 }] }, { clock });
    expect(statuses(await send(gw, 4))).toEqual([200, 200, 200, 429]);
    clock.advance(99); // 12:00:00.999: same window
    expect(statuses(await send(gw, 1))).toEqual([429]);
    clock.advance(1); // 12:00:01.000: a new window, all 3 again at once
    expect(statuses(await send(gw, 4))).toEqual([200, 200, 200, 429]);
    clock.advance(5_000); // windows passed without requests leave nothing behind
    expect(statuses(await send(gw, 4))).toEqual([200, 200, 200, 429]);
  });

  it("computes Retry-After as whole seconds to the end of the window, rounded up", async () => {
    const clock = new ManualClock(T0 + 17_250); // 12:00:17.250
    const { gw } = gateway({
      limit_by_header: "x-api-key",
      limit_keys: [
        { key: "sec", query_per_second: 1 },
        { key: "min", query_per_minute: 1 },
        { key: "hour", query_per_hour: 1 },
        { key: "day", query_per_day: 1 },
      ],
    }, { clock });
    const retryAfter = async (k: string) => {
      const [, second] = await send(gw, 2, key(k));
      expect(second.status).toBe(429);
      return second.headers.get("retry-after");
    };
    expect(await retryAfter("sec")).toBe("1"); // 750 ms left
    expect(await retryAfter("min")).toBe("43"); // 42.75 s left
    expect(await retryAfter("hour")).toBe(String(3600 - 17)); // 3582.75 s left
    expect(await retryAfter("day")).toBe(String(12 * 3600 - 17)); // to UTC midnight
  });

  it("counts per minute, hour and day windows exactly", async () => {
    const { gw, clock } = gateway({
      limit_by_header: "x-api-key",
      limit_keys: [{ key: "h", query_per_hour: 5 }, { key: "d", query_per_day: 2 }],
    });
    for (let i = 0; i < 3; i++) {
      expect(count(await send(gw, 8, key("h")), 200)).toBe(5);
      clock.advance(59 * 60_000);
      expect(count(await send(gw, 2, key("h")), 200)).toBe(0); // still the same hour
      clock.advance(60_000);
    }
    expect(count(await send(gw, 5, key("d")), 200)).toBe(2);
    clock.advance(20 * 3_600_000); // 08:00 next day... from 15:00: crosses midnight
    expect(count(await send(gw, 5, key("d")), 200)).toBe(2);
  });
});

describe("quota headers", () => {
  it("adds X-RateLimit-Limit/Remaining/Reset to admitted responses and to the 429", async () => {
    const clock = new ManualClock(T0 + 20_000);
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_minute: 3 }], show_limit_quota_header: true }, { clock });
    const rs = await send(gw, 4);
    expect(rs.slice(0, 3).map((r) => r.headers.get("x-ratelimit-remaining"))).toEqual(["2", "1", "0"]);
    for (const r of rs) {
      expect(r.headers.get("x-ratelimit-limit")).toBe("3");
      expect(r.headers.get("x-ratelimit-reset")).toBe("40");
    }
    expect(rs[3].status).toBe(429);
    expect(rs[3].headers.get("retry-after")).toBe("40");
    expect(rs[3].headers.get("x-ratelimit-remaining")).toBe("0");
  });

  it("adds none when show_limit_quota_header is off, and none to requests it does not limit", async () => {
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_minute: 3 }] });
    const [r] = await send(gw, 1);
    expect(r.headers.get("x-ratelimit-limit")).toBeUndefined();
    const { gw: gw2 } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_minute: 3 }], show_limit_quota_header: true });
    const [other] = await send(gw2, 1, key("unlisted"));
    expect(other.headers.get("x-ratelimit-limit")).toBeUndefined();
  });
});

describe("configured answers", () => {
  it("uses rejected_code and rejected_msg", async () => {
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_day: 1 }], rejected_code: 503, rejected_msg: '{"error":"quota"}' });
    const [, limited] = await send(gw, 2);
    expect(limited.status).toBe(503);
    expect(limited.text()).toBe('{"error":"quota"}');
    expect(limited.headers.get("retry-after")).toBe(String(12 * 3600));
  });
});

describe("where the key comes from", () => {
  it("never limits unlisted keys or requests without the key, and keeps no state for them", async () => {
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_second: 1 }] });
    expect(count(await send(gw, 20, key("other")), 200)).toBe(20);
    expect(count(await send(gw, 20, { path: "/" }), 200)).toBe(20);
    expect(count(await send(gw, 20, key("")), 200)).toBe(20);
    expect(gw.host.services.sharedData.keys("")).toHaveLength(1); // k1's counter, created at configure
  });

  it("matches header names case-insensitively and values exactly", async () => {
    const { gw } = gateway({ limit_by_header: "X-Api-Key", limit_keys: [{ key: "K1", query_per_minute: 1 }] });
    expect(statuses(await send(gw, 2, key("K1")))).toEqual([200, 429]);
    expect(statuses(await send(gw, 2, key("k1")))).toEqual([200, 200]);
  });

  it("reads limit_by_param from the query, percent-decoded, first occurrence", async () => {
    const { gw } = gateway({ limit_by_param: "apikey", limit_keys: [{ key: "a b+c", query_per_minute: 2 }] });
    expect(statuses(await send(gw, 1, { path: "/x?apikey=a%20b+c" }))).toEqual([200]);
    expect(statuses(await send(gw, 1, { path: "/x?other=1&apikey=a b+c&apikey=zzz" }))).toEqual([200]);
    expect(statuses(await send(gw, 1, { path: "/x?apikey=a%20b%2Bc" }))).toEqual([429]);
    expect(statuses(await send(gw, 1, { path: "/x?apikey=zzz&apikey=a%20b+c" }))).toEqual([200]);
    expect(statuses(await send(gw, 1, { path: "/x", headers: { apikey: "a b+c" } }))).toEqual([200]);
  });

  // Key values of up to 1 KiB are read into one reused buffer (the loan in proxy-runtime's patch),
  // longer ones into memory of their own: both sides of that limit, listed and unlisted.
  it.each([1023, 1024, 1025, 3000])("limits a %i-byte key exactly, apart from keys one byte off", async (length) => {
    const long = "v".repeat(length);
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: long, query_per_minute: 2 }], default_limit: { query_per_minute: 1 } });
    expect(statuses(await send(gw, 3, key(long)))).toEqual([200, 200, 429]);
    expect(statuses(await send(gw, 2, key(long.slice(1) + "w")))).toEqual([200, 429]);
    expect(statuses(await send(gw, 2, { path: "/", headers: { "x-api-key": long + "v" } }))).toEqual([200, 429]);
  });

  it("limits by the consumer key-auth identified (limit_by_consumer)", async () => {
    const { gw } = gateway(null, {
      plugins: [
        { name: "key-auth", config: { consumers: [{ name: "alice", credential: "alice-key" }, { name: "bob", credential: "bob-key" }], keys: ["x-api-key"] } },
        { name: "key-rate-limit", config: { limit_by_consumer: "", limit_keys: [{ key: "alice", query_per_minute: 2 }] } },
      ],
    });
    expect(statuses(await send(gw, 3, key("alice-key")))).toEqual([200, 200, 429]);
    expect(statuses(await send(gw, 3, key("bob-key")))).toEqual([200, 200, 200]);
    // A client cannot pose as another consumer: key-auth replaces a sent x-mse-consumer.
    expect(statuses(await send(gw, 2, { headers: { "x-api-key": "bob-key", "x-mse-consumer": "alice" } }))).toEqual([200, 200]);
  });
});

describe("default_limit for unlisted keys", () => {
  it("gives each unlisted key its own counter, while listed keys keep theirs", async () => {
    const { gw } = gateway({
      limit_by_header: "x-api-key",
      limit_keys: [{ key: "vip", query_per_minute: 5 }],
      default_limit: { query_per_minute: 2 },
    });
    expect(count(await send(gw, 6, key("vip")), 200)).toBe(5);
    expect(count(await send(gw, 4, key("u1")), 200)).toBe(2);
    expect(count(await send(gw, 4, key("u2")), 200)).toBe(2);
    expect(count(await send(gw, 20, { path: "/" }), 200)).toBe(20); // no key: not limited
  });

  it("works without any listed key", async () => {
    const { gw, clock } = gateway({ limit_by_header: "x-api-key", default_limit: { query_per_second: 3 } });
    for (let i = 0; i < 3; i++) {
      expect(count(await send(gw, 5, key(`user-${i % 2}`)), 200)).toBe(3);
      clock.advance(1000);
    }
  });

  it("keeps its state to max_tracked_keys entries however many keys clients invent", async () => {
    const { gw, clock } = gateway({ limit_by_header: "x-api-key", default_limit: { query_per_minute: 1 }, max_tracked_keys: 32 });
    let admitted = 0;
    for (let w = 0; w < 3; w++) {
      for (let i = 0; i < 200; i++) admitted += count(await send(gw, 1, key(`invented-${w}-${i}`)), 200);
      clock.advance(60_000);
    }
    expect(admitted).toBe(600); // each distinct key is under its own limit
    const slots = gw.host.services.sharedData.keys("").filter((k) => k.includes("\0d\0"));
    expect(slots.length).toBeLessThanOrEqual(32);
    expect(slots.length).toBeGreaterThan(16);
    // Keys beyond the table's room in a window are not tracked (and pass): counted.
    expect(metric(gw, "key_rate_limit.fail_open.untracked")).toBeGreaterThan(0);
    expect(metric(gw, "key_rate_limit.fail_open.untracked") + metric(gw, "key_rate_limit.allowed")).toBe(600);
  });

  it("still limits a tracked key exactly when the table is busy", async () => {
    const { gw } = gateway({ limit_by_header: "x-api-key", default_limit: { query_per_minute: 3 }, max_tracked_keys: 64 });
    const results = [];
    for (let i = 0; i < 12; i++) {
      results.push(await gw.request(key("steady")));
      await gw.request(key(`noise-${i}`));
    }
    expect(count(results, 200)).toBe(3);
  });
});

describe("compare-and-swap on shared data", () => {
  /**
   * Simulates other VMs counting at the same time: right after the plugin reads the counter, another
   * writer counts one request, so the plugin's write (with the CAS it read) fails and it must re-read.
   */
  function interfere(gw: TestGateway, mode: "count" | "touch", times: number) {
    const store = gw.host.services.sharedData;
    const get = store.get.bind(store);
    let remaining = times;
    let foreign = 0;
    store.get = (vmId: string, k: string) => {
      const entry = get(vmId, k);
      if (entry && remaining > 0 && k.includes("\0k\0")) {
        remaining--;
        const value = Buffer.from(entry.value);
        if (mode === "count" && value.length === 24 && value.readUInt32LE(8) < 5) {
          value.writeUInt32LE(value.readUInt32LE(8) + 1, 8);
          foreign++;
        }
        store.set(vmId, k, value, 0); // a new CAS value, as another VM's write gives
      }
      return entry;
    };
    return { foreign: () => foreign };
  }

  it("re-reads after a CasMismatch, so concurrent counting never exceeds N", async () => {
    const N = 5;
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_hour: N }] });
    await send(gw, 1); // first write of the window (creates the window's count)
    const other = interfere(gw, "count", 6);
    const rs = await send(gw, 10);
    expect(other.foreign()).toBeGreaterThan(0);
    expect(1 + count(rs, 200) + other.foreign()).toBe(N);
  });

  it("lets a request pass (and counts it) when every attempt loses the race", async () => {
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_hour: 5 }] });
    interfere(gw, "touch", 1_000_000);
    const rs = await send(gw, 3);
    expect(statuses(rs)).toEqual([200, 200, 200]);
    expect(metric(gw, "key_rate_limit.fail_open.cas_exhausted")).toBe(3);
    expect(metric(gw, "key_rate_limit.allowed")).toBe(0);
  });

  it("treats a counter it does not recognise as empty", async () => {
    const { gw } = gateway({ limit_by_header: "x-api-key", limit_keys: [{ key: "k1", query_per_hour: 2 }] });
    const store = gw.host.services.sharedData;
    const [stateKey] = store.keys("");
    store.set("", stateKey, Buffer.from("garbage"), 0);
    expect(statuses(await send(gw, 3))).toEqual([200, 200, 429]);
    expect(vmsFailed(gw)).toBe(false);
  });
});
