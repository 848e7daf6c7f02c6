// `redis.database` end to end: the plugin names the cluster `<cluster>?db=<n>` to proxy_redis_init (as
// Higress's SDK does), the host SELECTs that database on the connection, and the counters land there —
// not in database 0, where another tenant of the same Redis may be counting.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../host/index.ts";
import { TestGateway } from "../../host/testing/index.ts";
import { RedisServer } from "./test-support/redis-server.ts";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const SERVICE = "redis.default.svc.cluster.local";
const CLUSTER = `outbound|6379||${SERVICE}`;
const run = promisify(execFile);

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

/** GET in one database, through redis-cli (installed with redis-server) since it can choose the database. */
async function getIn(database: number, key: string): Promise<string> {
  const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(redis.port), "-n", String(database), "GET", key]);
  return stdout.trim();
}

function gateway(rule_name: string, database?: number) {
  return new TestGateway({
    workers: 2,
    clock: new ManualClock(T0),
    higress: true,
    clusters: { [CLUSTER]: { endpoints: [{ host: "127.0.0.1", port: redis.port }] } },
    plugins: [
      {
        name: "cluster-key-rate-limit",
        config: { rule_name, global_threshold: { query_per_minute: 2 }, redis: { service_name: SERVICE, timeout: 1000, database } },
      },
    ],
  });
}

const key = (rule: string) => `cluster-key-rate-limit:${rule}:global_threshold:60:${Math.floor(T0 / 60_000)}`;

describe("redis.database", () => {
  it("counts in the configured database and leaves database 0 alone", async () => {
    const gw = gateway("db-three", 3);
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await gw.request({ worker: i % 2 })).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect(await getIn(3, key("db-three"))).toBe("3");
      expect(await getIn(0, key("db-three"))).toBe("");
    } finally {
      gw.close();
    }
  });

  it("counts in database 0 when none is configured", async () => {
    const gw = gateway("db-default");
    try {
      expect((await gw.request({})).status).toBe(200);
      expect(await getIn(0, key("db-default"))).toBe("1");
      expect(await getIn(3, key("db-default"))).toBe("");
    } finally {
      gw.close();
    }
  });
});
