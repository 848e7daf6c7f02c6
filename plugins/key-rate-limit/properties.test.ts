// Property tests: random request sequences against a model of fixed windows (the plugin must agree
// with it request by request), and random requests and configurations never trap the VM.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock, PluginConfigError } from "../../host/index.ts";
import { TestGateway } from "../../host/testing/index.ts";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const WINDOW_MS = { query_per_second: 1000, query_per_minute: 60_000 } as const;

type Op = { kind: "request"; key: string | null; worker: number } | { kind: "advance"; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("request" as const), key: fc.option(fc.constantFrom("a", "b", "c", "d", "e"), { nil: null }), worker: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 70_000 }) }) },
);

describe("key-rate-limit properties", () => {
  it("agrees with a fixed-window model on every request, whatever the interleaving", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 120 }), fc.integer({ min: 0, max: 59_999 }), async (ops, offset) => {
        const clock = new ManualClock(T0 + offset);
        const limits: Record<string, { limit: number; windowMs: number }> = {
          a: { limit: 2, windowMs: WINDOW_MS.query_per_second },
          b: { limit: 3, windowMs: WINDOW_MS.query_per_minute },
        };
        const gw = new TestGateway({
          workers: 4,
          clock,
          plugins: [{
            name: "key-rate-limit",
            config: {
              limit_by_header: "x-key",
              limit_keys: [{ key: "a", query_per_second: 2 }, { key: "b", query_per_minute: 3 }],
              default_limit: { query_per_minute: 1 }, // c, d, e: one per minute each
            },
          }],
        });
        try {
          const seen = new Map<string, number>();
          for (const op of ops) {
            if (op.kind === "advance") {
              clock.advance(op.ms);
              continue;
            }
            const res = await gw.request({ worker: op.worker, headers: op.key === null ? {} : { "x-key": op.key } });
            let expected = 200;
            if (op.key !== null) {
              const { limit, windowMs } = limits[op.key] ?? { limit: 1, windowMs: 60_000 };
              const slot = `${op.key}@${Math.floor(clock.nowMs() / windowMs)}`;
              const n = seen.get(slot) ?? 0;
              if (n < limit) seen.set(slot, n + 1);
              else expected = 429;
            }
            expect(res.status).toBe(expected);
          }
          expect(gw.plugins[0].runtimes.some((rt) => rt.vm.failed)).toBe(false);
        } finally {
          gw.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it("never traps on arbitrary header values and paths", async () => {
    const gw = new TestGateway({
      workers: 2,
      clock: new ManualClock(T0),
      plugins: [{ name: "key-rate-limit", config: { limit_by_param: "k", limit_keys: [{ key: "x", query_per_second: 1 }], default_limit: { query_per_second: 2 }, max_tracked_keys: 8 } }],
    });
    try {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ unit: "grapheme", maxLength: 40 }), async (query, header) => {
          const path = "/p?" + query.replace(/[\s#]/g, "");
          const res = await gw.request({ path, headers: { "x-other": header.replace(/[\r\n\0]/g, "") } });
          expect([200, 429]).toContain(res.status);
        }),
        { numRuns: 400 },
      );
      expect(gw.plugins[0].runtimes.some((rt) => rt.vm.failed)).toBe(false);
    } finally {
      gw.close();
    }
  });

  it("refuses or accepts any configuration without trapping", () => {
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -5, max: 2 ** 33 }), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
    const rate = fc.dictionary(fc.constantFrom("query_per_second", "query_per_minute", "query_per_hour", "query_per_day", "query_per_week", "key", "x"), value, { maxKeys: 3 });
    const config = fc.dictionary(
      fc.constantFrom("limit_by_header", "limit_by_param", "limit_by_consumer", "limit_keys", "default_limit", "max_tracked_keys", "show_limit_quota_header", "rejected_code", "rejected_msg", "_rules_"),
      fc.oneof(value, fc.array(rate, { maxLength: 3 }), rate, fc.array(fc.record({ _match_route_: fc.constant(["r"]), limit_by_header: value, limit_keys: fc.array(rate, { maxLength: 2 }) }), { maxLength: 2 })),
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(config, (c) => {
        try {
          new TestGateway({ plugins: [{ name: "key-rate-limit", config: c }] }).close();
        } catch (e) {
          expect(e).toBeInstanceOf(PluginConfigError);
          // A refusal, with the field named in the log, never a VM failure.
          expect((e as Error).message).toContain("the plugin rejected its configuration");
          expect((e as Error).message).toContain("key-rate-limit: invalid configuration: ");
        }
      }),
      { numRuns: 300 },
    );
  });
});
