// key-rate-limit configuration: what is accepted (Higress's own examples included) and every
// rejection, with the exact message naming the field.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { TestGateway } from "../../host/testing/index.ts";
import { refusalLine } from "../../host/testing/config-check.ts";

function load(config: unknown): TestGateway {
  return new TestGateway({ plugins: [{ name: "key-rate-limit", config }] });
}

/** The error the plugin logged when it refused `config`, without its prefix (fails the test if it was accepted). */
function rejection(config: unknown): string {
  return refusalLine(() => load(config), config).replace(/^key-rate-limit: invalid configuration: /, "");
}

const KEYS = [{ key: "k1", query_per_second: 10 }];
const RATES = "query_per_second, query_per_minute, query_per_hour or query_per_day";
const SOURCES = "limit_by_header, limit_by_param or limit_by_consumer";

describe("key-rate-limit configuration", () => {
  it("accepts Higress's documented examples", () => {
    // From Higress's key-rate-limit README: query parameter apikey, and header x-ca-key with numeric keys.
    load({
      limit_by_param: "apikey",
      limit_keys: [
        { key: "9a342114-ba8a-11ec-b1bf-00163e1250b5", query_per_second: 10 },
        { key: "a6a6d7f2-ba8a-11ec-bec2-00163e1250b5", query_per_minute: 100 },
      ],
    }).close();
    load({ limit_by_header: "x-ca-key", limit_keys: [{ key: 102234, query_per_second: 10 }, { key: 308239, query_per_hour: 10 }] }).close();
  });

  it("accepts the configuration its generated Istio WasmPlugin carries (examples/wasmplugin.yaml)", () => {
    const manifest = parseYaml(readFileSync(new URL("../../deploy/istio/key-rate-limit.yaml", import.meta.url), "utf8"));
    load(manifest.spec.pluginConfig).close();
  });

  it("accepts every field together, in rules too", () => {
    const full = {
      limit_by_consumer: true,
      limit_keys: [{ key: "consumer1", query_per_day: 1000 }],
      default_limit: { query_per_minute: 60 },
      max_tracked_keys: 128,
      show_limit_quota_header: true,
      rejected_code: 503,
      rejected_msg: "slow down",
    };
    load({ ...full, _rules_: [{ _match_route_: ["r1"], ...full, limit_by_consumer: "" }] }).close();
  });

  it("accepts an empty configuration and a rules-only one", () => {
    load("").close();
    load({ _rules_: [{ _match_domain_: ["*.example.com"], limit_by_header: "x-key", limit_keys: KEYS }] }).close();
  });

  it("accepts numeric strings for rates, as Higress's C++ plugins do", () => {
    load({ limit_by_header: "x-key", limit_keys: [{ key: "k", query_per_minute: "30" }] }).close();
  });

  const cases: [string, unknown, string][] = [
    ["neither limit_by_header nor limit_by_param", { limit_keys: KEYS }, `limit_by_header: one of ${SOURCES} is required`],
    ["limit_by_consumer: false alone", { limit_by_consumer: false, limit_keys: KEYS }, `limit_by_header: one of ${SOURCES} is required`],
    ["both limit_by_header and limit_by_param", { limit_by_header: "x-key", limit_by_param: "key", limit_keys: KEYS }, `limit_by_param: give only one of ${SOURCES} (limit_by_header is already set)`],
    ["limit_by_param and limit_by_consumer", { limit_by_param: "key", limit_by_consumer: "", limit_keys: KEYS }, `limit_by_consumer: give only one of ${SOURCES} (limit_by_param is already set)`],
    ["an empty limit_by_header", { limit_by_header: "", limit_keys: KEYS }, "limit_by_header: must not be empty"],
    ["a limit_by_param that is not a string", { limit_by_param: 7, limit_keys: KEYS }, "limit_by_param: must be a string, not a number"],
    ["limit_by_consumer that is neither a string nor a boolean", { limit_by_consumer: 1, limit_keys: KEYS }, "limit_by_consumer: must be true or false, not a number"],
    ["no limit_keys", { limit_by_header: "x-key" }, "limit_keys: is required (a list of {key, query_per_*}) unless default_limit is set"],
    ["empty limit_keys", { limit_by_header: "x-key", limit_keys: [] }, "limit_keys: must not be empty unless default_limit is set"],
    ["limit_keys that is not a list", { limit_by_header: "x-key", limit_keys: { key: "a" } }, "limit_keys: must be an array of objects, not an object"],
    ["a zero rate", { limit_by_header: "x-key", limit_keys: [{ key: "a", query_per_second: 0 }] }, "limit_keys[0].query_per_second: must be a positive integer, not 0"],
    ["a negative rate", { limit_by_header: "x-key", limit_keys: [{ key: "a", query_per_minute: -5 }] }, "limit_keys[0].query_per_minute: must be a positive integer, not -5"],
    ["a fractional rate", { limit_by_header: "x-key", limit_keys: [{ key: "a", query_per_hour: 1.5 }] }, "limit_keys[0].query_per_hour: must be an integer, not a number"],
    ["a rate that is text", { limit_by_header: "x-key", limit_keys: [{ key: "a", query_per_day: "ten" }] }, "limit_keys[0].query_per_day: must be an integer, not a string"],
    ["a rate over 2^32-1", { limit_by_header: "x-key", limit_keys: [{ key: "a", query_per_day: 2 ** 32 }] }, "limit_keys[0].query_per_day: must be at most 4294967295"],
    ["an unknown unit", { limit_by_header: "x-key", limit_keys: [{ key: "a", query_per_week: 5 }] }, `limit_keys[0].query_per_week: unknown rate unit; use ${RATES}`],
    ["no rate", { limit_by_header: "x-key", limit_keys: [KEYS[0], { key: "b" }] }, `limit_keys[1]: needs a rate: one of ${RATES}`],
    ["two rates", { limit_by_header: "x-key", limit_keys: [{ key: "a", query_per_second: 1, query_per_minute: 10 }] }, "limit_keys[0].query_per_minute: give only one rate (query_per_second is already set)"],
    ["an unknown item field", { limit_by_header: "x-key", limit_keys: [{ key: "a", qps: 5 }] }, "limit_keys[0].qps: unknown field (an item has `key` and one query_per_* rate)"],
    ["a missing key", { limit_by_header: "x-key", limit_keys: [{ query_per_second: 5 }] }, "limit_keys[0].key: is required"],
    ["an empty key", { limit_by_header: "x-key", limit_keys: [{ key: "", query_per_second: 5 }] }, "limit_keys[0].key: must not be empty"],
    ["a key that is not text", { limit_by_header: "x-key", limit_keys: [{ key: true, query_per_second: 5 }] }, "limit_keys[0].key: must be a string, not a boolean"],
    ["a duplicate key", { limit_by_header: "x-key", limit_keys: [{ key: "7", query_per_second: 5 }, { key: 7, query_per_hour: 5 }] }, "limit_keys[1].key: duplicates an earlier key in limit_keys"],
    ["default_limit with an unknown unit", { limit_by_header: "x-key", default_limit: { query_per_fortnight: 1 } }, `default_limit.query_per_fortnight: unknown rate unit; use ${RATES}`],
    ["default_limit without a rate", { limit_by_header: "x-key", default_limit: {} }, `default_limit: needs a rate: one of ${RATES}`],
    ["default_limit with a key", { limit_by_header: "x-key", default_limit: { key: "a", query_per_second: 1 } }, "default_limit.key: unknown field (default_limit holds one query_per_* rate)"],
    ["default_limit with a zero rate", { limit_by_header: "x-key", default_limit: { query_per_second: 0 } }, "default_limit.query_per_second: must be a positive integer, not 0"],
    ["max_tracked_keys of 0", { limit_by_header: "x-key", default_limit: { query_per_second: 1 }, max_tracked_keys: 0 }, "max_tracked_keys: must be between 1 and 1048576, not 0"],
    ["a rejected_code out of range", { limit_by_header: "x-key", limit_keys: KEYS, rejected_code: 700 }, "rejected_code: must be between 100 and 599, not 700"],
    ["a rejected_msg that is not text", { limit_by_header: "x-key", limit_keys: KEYS, rejected_msg: 5 }, "rejected_msg: must be a string, not a number"],
    ["show_limit_quota_header that is not a boolean", { limit_by_header: "x-key", limit_keys: KEYS, show_limit_quota_header: "yes" }, "show_limit_quota_header: must be true or false, not a string"],
    ["a bad rate inside a rule", { _rules_: [{ _match_route_: ["r"], limit_by_header: "x-key", limit_keys: [{ key: "a", query_per_second: -1 }] }] }, "_rules_[0].limit_keys[0].query_per_second: must be a positive integer, not -1"],
    ["a rule with both sources", { _rules_: [{ _match_route_: ["r"], limit_by_header: "x", limit_by_param: "y", limit_keys: KEYS }] }, `_rules_[0].limit_by_param: give only one of ${SOURCES} (limit_by_header is already set)`],
    ["a configuration that is not JSON", "limit_by_header: x", "configuration is not valid JSON (unexpected character at byte 0)"],
  ];
  for (const [what, config, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(rejection(config)).toBe(message);
    });
  }

  it("warns about unknown top-level fields without refusing them (Higress ignores them)", () => {
    const gw = load({ limit_by_header: "x-key", limit_keys: KEYS, limit_by_heder: "typo" });
    expect(gw.logs.messages("warn")).toContain("key-rate-limit: ignoring unknown configuration field(s): limit_by_heder");
    gw.close();
  });
});
