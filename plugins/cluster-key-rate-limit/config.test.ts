// cluster-key-rate-limit configuration: Higress's documented examples, every field, and every
// rejection with the exact message naming the field.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { TestGateway } from "../../host/testing/index.ts";
import { refusalLine } from "../../host/testing/config-check.ts";

const REDIS = { service_name: "redis.static" };

function load(config: unknown, higress = true): TestGateway {
  return new TestGateway({ higress, plugins: [{ name: "cluster-key-rate-limit", config }] });
}

/** The error the plugin logged when it refused `config`, without its prefix (fails the test if it was accepted). */
function rejection(config: unknown): string {
  return refusalLine(() => load(config), config).replace(/^cluster-key-rate-limit: invalid configuration: /, "");
}

const RATES = "query_per_second, query_per_minute, query_per_hour or query_per_day";
const SOURCES =
  "limit_by_header, limit_by_param, limit_by_consumer, limit_by_cookie, limit_by_per_header, limit_by_per_param, limit_by_per_consumer, limit_by_per_cookie or limit_by_per_ip";
const ITEM = { limit_by_header: "x-ca-key", limit_keys: [{ key: "102234", query_per_minute: 10 }] };

describe("cluster-key-rate-limit configuration", () => {
  it("accepts Higress's documented examples", () => {
    const examples = [
      { rule_name: "routeA-global-limit-rule", global_threshold: { query_per_minute: 1000 }, redis: REDIS, show_limit_quota_header: true },
      {
        rule_name: "routeA-request-param-limit-rule",
        rule_items: [
          { limit_by_param: "apikey", limit_keys: [{ key: "9a342114-ba8a-11ec-b1bf-00163e1250b5", query_per_minute: 10 }, { key: "a6a6d7f2-ba8a-11ec-bec2-00163e1250b5", query_per_hour: 100 }] },
          { limit_by_per_param: "apikey", limit_keys: [{ key: "regexp:^a.*", query_per_second: 10 }, { key: "regexp:^b.*", query_per_minute: 100 }, { key: "*", query_per_hour: 1000 }] },
        ],
        redis: REDIS,
        show_limit_quota_header: true,
      },
      {
        rule_name: "routeA-request-header-limit-rule",
        rule_items: [
          { limit_by_header: "x-ca-key", limit_keys: [{ key: 102234, query_per_minute: 10 }, { key: 308239, query_per_hour: 10 }] },
          { limit_by_per_header: "x-ca-key", limit_keys: [{ key: "regexp:^a.*", query_per_second: 10 }, { key: "*", query_per_hour: 1000 }] },
        ],
        redis: REDIS,
      },
      {
        rule_name: "routeA-client-ip-limit-rule",
        rule_items: [{ limit_by_per_ip: "from-header-x-forwarded-for", limit_keys: [{ key: "1.1.1.1", query_per_day: 10 }, { key: "1.1.1.0/24", query_per_day: 100 }, { key: "0.0.0.0/0", query_per_day: 1000 }] }],
        redis: REDIS,
      },
      {
        rule_name: "routeA-consumer-limit-rule",
        rule_items: [
          { limit_by_consumer: "", limit_keys: [{ key: "consumer1", query_per_second: 10 }, { key: "consumer2", query_per_hour: 100 }] },
          { limit_by_per_consumer: "", limit_keys: [{ key: "regexp:^a.*", query_per_second: 10 }, { key: "*", query_per_hour: 1000 }] },
        ],
        redis: REDIS,
      },
      {
        rule_name: "routeA-cookie-limit-rule",
        rule_items: [
          { limit_by_cookie: "key1", limit_keys: [{ key: "value1", query_per_minute: 10 }, { key: "value2", query_per_hour: 100 }] },
          { limit_by_per_cookie: "key1", limit_keys: [{ key: "regexp:^a.*", query_per_second: 10 }, { key: "*", query_per_hour: 1000 }] },
        ],
        rejected_code: 200,
        rejected_msg: '{"code":-1,"msg":"Too many requests"}',
        redis: REDIS,
      },
    ];
    for (const c of examples) load(c).close();
  });

  it("accepts the configuration its generated WasmPlugin carries (examples/wasmplugin.yaml)", () => {
    // Higress-only, so deploy/higress is its one manifest; Higress's controller hands the plugin the
    // defaultConfig with each match rule as a `_rules_` entry.
    const spec = parseYaml(readFileSync(new URL("../../deploy/higress/cluster-key-rate-limit.yaml", import.meta.url), "utf8")).spec;
    const matchKeys: Record<string, string> = { ingress: "_match_route_", domain: "_match_domain_", service: "_match_service_" };
    const rules = spec.matchRules.map((rule: Record<string, any>) => {
      const entry: Record<string, unknown> = { ...rule.config };
      for (const [field, key] of Object.entries(matchKeys)) if (rule[field]) entry[key] = rule[field];
      return entry;
    });
    expect(rules.length).toBeGreaterThan(0);
    load({ ...spec.defaultConfig, _rules_: rules }).close();
  });

  it("accepts every redis field, IPv6 blocks, per-IP from the connection, and rules", () => {
    const full = {
      rule_name: "r",
      rule_items: [{ limit_by_per_ip: "from-remote-addr", limit_keys: [{ key: "2001:db8::/32", query_per_second: 1 }, { key: "::1", query_per_second: 1 }] }],
      redis: { service_name: "redis.default.svc.cluster.local", service_port: 6380, username: "u", password: "p", timeout: 200, database: 2 },
      failure_mode_deny: true,
    };
    load({ ...full, _rules_: [{ _match_route_: ["a"], ...full, rule_name: "other" }] }).close();
  });

  it("is refused by a gateway without Higress's Redis functions (as stock Envoy refuses it)", () => {
    expect(() => load({ rule_name: "r", global_threshold: { query_per_second: 1 }, redis: REDIS }, false)).toThrow(/proxy_redis/);
  });

  it("warns, but starts, when the Redis cluster is not known yet (Higress may add it later)", () => {
    const gw = load({ rule_name: "r", global_threshold: { query_per_second: 1 }, redis: REDIS });
    expect(gw.logs.messages("warn")).toContain("cluster-key-rate-limit: Redis cluster outbound|80||redis.static is not available yet; requests pass until it is");
    gw.close();
  });

  const cases: [string, unknown, string][] = [
    ["a missing redis", { rule_name: "r", global_threshold: { query_per_second: 1 } }, "redis: is required (the Redis service holding the counters: {service_name, ...})"],
    ["a redis without service_name", { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: { service_port: 6379 } }, "redis.service_name: is required"],
    ["an empty service_name", { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: { service_name: "" } }, "redis.service_name: must not be empty"],
    ["a service_port out of range", { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: { service_name: "x", service_port: 70000 } }, "redis.service_port: must be between 0 and 65535, not 70000"],
    ["a negative timeout", { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: { service_name: "x", timeout: -1 } }, "redis.timeout: must be between 0 and 3600000, not -1"],
    ["a negative database", { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: { service_name: "x", database: -1 } }, "redis.database: must be between 0 and 2147483647, not -1"],
    ["a password that is not text", { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: { service_name: "x", password: 5 } }, "redis.password: must be a string, not a number"],
    ["redis that is not an object", { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: "redis.static" }, "redis: must be an object, not a string"],
    ["a missing rule_name", { global_threshold: { query_per_second: 1 }, redis: REDIS }, "rule_name: is required (it names this rule's counters in Redis)"],
    ["neither global_threshold nor rule_items", { rule_name: "r", redis: REDIS }, "global_threshold: one of global_threshold or rule_items is required"],
    ["both global_threshold and rule_items", { rule_name: "r", global_threshold: { query_per_second: 1 }, rule_items: [ITEM], redis: REDIS }, "rule_items: give either global_threshold or rule_items, not both"],
    ["a global_threshold without a rate", { rule_name: "r", global_threshold: {}, redis: REDIS }, `global_threshold: needs a rate: one of ${RATES}`],
    ["a zero global rate", { rule_name: "r", global_threshold: { query_per_second: 0 }, redis: REDIS }, "global_threshold.query_per_second: must be a positive integer, not 0"],
    ["a negative global rate", { rule_name: "r", global_threshold: { query_per_hour: -10 }, redis: REDIS }, "global_threshold.query_per_hour: must be a positive integer, not -10"],
    ["an unknown global unit", { rule_name: "r", global_threshold: { query_per_month: 5 }, redis: REDIS }, `global_threshold.query_per_month: unknown rate unit; use ${RATES}`],
    ["two global rates", { rule_name: "r", global_threshold: { query_per_second: 5, query_per_day: 9 }, redis: REDIS }, "global_threshold.query_per_day: give only one rate (query_per_second is already set)"],
    ["an unknown global_threshold field", { rule_name: "r", global_threshold: { count: 5 }, redis: REDIS }, "global_threshold.count: unknown field (global_threshold holds one query_per_* rate)"],
    ["empty rule_items", { rule_name: "r", rule_items: [], redis: REDIS }, "rule_items: must not be empty"],
    ["an item without a source", { rule_name: "r", rule_items: [{ limit_keys: ITEM.limit_keys }], redis: REDIS }, `rule_items[0]: needs one of ${SOURCES}`],
    ["an item with two sources", { rule_name: "r", rule_items: [{ limit_by_header: "a", limit_by_param: "b", limit_keys: ITEM.limit_keys }], redis: REDIS }, `rule_items[0].limit_by_param: give only one of ${SOURCES} (limit_by_header is already set)`],
    ["an empty limit_by_header", { rule_name: "r", rule_items: [{ limit_by_header: "", limit_keys: ITEM.limit_keys }], redis: REDIS }, "rule_items[0].limit_by_header: must not be empty"],
    ["a limit_by_cookie that is not text", { rule_name: "r", rule_items: [{ limit_by_cookie: 3, limit_keys: ITEM.limit_keys }], redis: REDIS }, "rule_items[0].limit_by_cookie: must be a string"],
    ["an item without limit_keys", { rule_name: "r", rule_items: [{ limit_by_header: "a" }], redis: REDIS }, "rule_items[0].limit_keys: is required (a list of {key, query_per_*})"],
    ["an item with empty limit_keys", { rule_name: "r", rule_items: [ITEM, { limit_by_header: "a", limit_keys: [] }], redis: REDIS }, "rule_items[1].limit_keys: must not be empty"],
    ["a key without a rate", { rule_name: "r", rule_items: [{ limit_by_header: "a", limit_keys: [{ key: "x" }] }], redis: REDIS }, `rule_items[0].limit_keys[0]: needs a rate: one of ${RATES}`],
    ["a zero key rate", { rule_name: "r", rule_items: [{ limit_by_param: "a", limit_keys: [{ key: "x", query_per_minute: 0 }] }], redis: REDIS }, "rule_items[0].limit_keys[0].query_per_minute: must be a positive integer, not 0"],
    ["an unknown key unit", { rule_name: "r", rule_items: [{ limit_by_param: "a", limit_keys: [{ key: "x", query_per_year: 1 }] }], redis: REDIS }, `rule_items[0].limit_keys[0].query_per_year: unknown rate unit; use ${RATES}`],
    ["a key without key", { rule_name: "r", rule_items: [{ limit_by_param: "a", limit_keys: [{ query_per_second: 1 }] }], redis: REDIS }, "rule_items[0].limit_keys[0].key: is required"],
    ["an exact key for a per-value item", { rule_name: "r", rule_items: [{ limit_by_per_header: "a", limit_keys: [{ key: "x", query_per_second: 1 }] }], redis: REDIS }, "rule_items[0].limit_keys[0].key: must be `*` or start with `regexp:` for limit_by_per_header"],
    ["a regexp that does not compile", { rule_name: "r", rule_items: [{ limit_by_per_param: "a", limit_keys: [{ key: "regexp:(a", query_per_second: 1 }] }], redis: REDIS }, "rule_items[0].limit_keys[0].key: invalid regular expression: missing closing ) at offset 0"],
    ["a regexp with lookahead", { rule_name: "r", rule_items: [{ limit_by_per_cookie: "a", limit_keys: [{ key: "regexp:a(?=b)", query_per_second: 1 }] }], redis: REDIS }, "rule_items[0].limit_keys[0].key: invalid regular expression: lookahead (?= is not supported at offset 1"],
    ["an IP source that is neither form", { rule_name: "r", rule_items: [{ limit_by_per_ip: "x-forwarded-for", limit_keys: [{ key: "1.1.1.1", query_per_second: 1 }] }], redis: REDIS }, "rule_items[0].limit_by_per_ip: must be `from-remote-addr` or `from-header-<header name>`"],
    ["from-header- without a header", { rule_name: "r", rule_items: [{ limit_by_per_ip: "from-header-", limit_keys: [{ key: "1.1.1.1", query_per_second: 1 }] }], redis: REDIS }, "rule_items[0].limit_by_per_ip: must be `from-remote-addr` or `from-header-<header name>`"],
    ["an IP key that is not an address", { rule_name: "r", rule_items: [{ limit_by_per_ip: "from-remote-addr", limit_keys: [{ key: "*", query_per_second: 1 }] }], redis: REDIS }, "rule_items[0].limit_keys[0].key: must be an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)"],
    ["an IPv4 prefix over 32", { rule_name: "r", rule_items: [{ limit_by_per_ip: "from-remote-addr", limit_keys: [{ key: "10.0.0.0/33", query_per_second: 1 }] }], redis: REDIS }, "rule_items[0].limit_keys[0].key: must be an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)"],
    ["an IPv4 part over 255", { rule_name: "r", rule_items: [{ limit_by_per_ip: "from-remote-addr", limit_keys: [{ key: "10.0.0.256", query_per_second: 1 }] }], redis: REDIS }, "rule_items[0].limit_keys[0].key: must be an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)"],
    ["a rejected_code out of range", { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: REDIS, rejected_code: 99 }, "rejected_code: must be between 100 and 599, not 99"],
    ["a rejected_msg that is not text", { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: REDIS, rejected_msg: {} }, "rejected_msg: must be a string, not an object"],
    ["a failure_mode_deny that is not a boolean", { rule_name: "r", global_threshold: { query_per_second: 1 }, redis: REDIS, failure_mode_deny: "no" }, "failure_mode_deny: must be true or false, not a string"],
    ["a rule missing redis", { _rules_: [{ _match_route_: ["a"], rule_name: "r", global_threshold: { query_per_second: 1 } }] }, "_rules_[0].redis: is required (the Redis service holding the counters: {service_name, ...})"],
  ];
  for (const [what, config, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(rejection(config)).toBe(message);
    });
  }
});
