// Two gateway instances — two host processes, each with its own VMs and its own Redis connection —
// share one real redis-server: together they admit exactly N per window. Each process has a manual
// clock; both are set and advanced alike, so both compute the same window index. The window index
// is part of the Redis key, so Redis's own clock (TTL expiry, in real time) only cleans up old keys:
// the per-minute windows used here expire after 61 real seconds, far longer than the test takes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayProcess } from "./test-support/gateway-client.ts";
import { RedisServer } from "./test-support/redis-server.ts";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const CLUSTER = "outbound|6379||redis.svc.cluster.local";
const N = 10;

let redis: RedisServer;
let gateways: GatewayProcess[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  const config = {
    rule_name: "two-gateways",
    rule_items: [{ limit_by_header: "x-api-key", limit_keys: [{ key: "shared-key", query_per_minute: N }] }],
    redis: { service_name: "redis.svc.cluster.local", timeout: 500 },
  };
  gateways = await Promise.all([0, 1].map(() => GatewayProcess.start({ redisPort: redis.port, config, startMs: T0, workers: 2, cluster: CLUSTER })));
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await redis?.stop();
});

const KEY = { "x-api-key": "shared-key" };

describe("cluster-key-rate-limit on two gateway processes sharing one Redis", () => {
  it("admits exactly N per window in total, whichever gateway and worker serves each request", async () => {
    for (let window = 0; window < 3; window++) {
      // Alternate gateways and workers, some requests in flight at the same time on both.
      const statuses: number[] = [];
      const perGateway = [0, 0];
      for (let round = 0; round < 8; round++) {
        const batch = await Promise.all(
          [0, 1, 2, 3].map(async (i) => {
            const g = (i + round + window) % 2;
            const status = await gateways[g].request(KEY, i % 2);
            if (status === 200) perGateway[g]++;
            return status;
          }),
        );
        statuses.push(...batch);
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(N);
      expect(statuses.filter((s) => s === 429)).toHaveLength(32 - N);
      expect(perGateway[0]).toBeGreaterThan(0);
      expect(perGateway[1]).toBeGreaterThan(0);
      await Promise.all(gateways.map((g) => g.advance(60_000)));
    }
    const allowed = (await gateways[0].metric("cluster_key_rate_limit.allowed")) + (await gateways[1].metric("cluster_key_rate_limit.allowed"));
    expect(allowed).toBe(3 * N);
  });

  it("fails open while Redis is down, without a trap, and counts again once it is back", async () => {
    // A fresh window, half used before Redis goes away.
    await Promise.all(gateways.map((g) => g.advance(60_000)));
    for (let i = 0; i < N / 2; i++) expect(await gateways[i % 2].request(KEY)).toBe(200);
    const errorsBefore = (await gateways[0].metric("cluster_key_rate_limit.redis_error")) + (await gateways[1].metric("cluster_key_rate_limit.redis_error"));
    expect(errorsBefore).toBe(0);

    await redis.stop();
    const whileDown: number[] = [];
    for (let i = 0; i < 3 * N; i++) whileDown.push(await gateways[i % 2].request(KEY));
    expect(whileDown.every((s) => s === 200)).toBe(true); // failing open: every request passes
    const errors = (await gateways[0].metric("cluster_key_rate_limit.redis_error")) + (await gateways[1].metric("cluster_key_rate_limit.redis_error"));
    expect(errors).toBe(3 * N);
    for (const g of gateways) {
      expect(g.alive).toBe(true);
      expect(await g.vmFailed()).toBe(false);
    }

    // Redis comes back empty (no persistence, no script cache): NOSCRIPT is handled, counting resumes.
    await redis.start();
    await Promise.all(gateways.map((g) => g.advance(60_000)));
    const after: number[] = [];
    for (let i = 0; i < 2 * N; i++) after.push(await gateways[i % 2].request(KEY));
    expect(after.filter((s) => s === 200)).toHaveLength(N);
  });
});
