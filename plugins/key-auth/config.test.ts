// key-auth's configuration: every config it refuses is refused at configure time (Envoy would not
// start the filter) with one log line naming the field; fields it does not know are warned about and
// ignored, as Higress ignores them; and spec.yaml / README.md describe exactly the fields it reads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { configError, configWarnings, keyAuth } from "./test-support.ts";

const DIR = import.meta.dirname;
const alice = { name: "alice", credential: "alice-key" };
const bob = { name: "bob", credential: "bob-key" };
const ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

const PREFIX = "key-auth: invalid configuration: ";

describe("refused configurations", () => {
  // [why, config, the field and problem the log line names]
  const table: [string, unknown, string][] = [
    ["an empty object (Higress refuses it too)", {}, "consumers: is required (a list of {name, credential})"],
    ["only global_auth", { global_auth: true }, "consumers: is required (a list of {name, credential})"],
    ["keys without consumers", { keys: ["apikey"] }, "consumers: is required (a list of {name, credential})"],
    ["consumers that is not a list", { consumers: alice, keys: ["apikey"] }, "consumers: must be an array of objects, not an object"],
    ["a consumer that is not an object", { consumers: ["alice"], keys: ["apikey"] }, "consumers[0]: must be an object, not a string"],
    ["a consumer without a name", { consumers: [alice, { credential: "k" }], keys: ["apikey"] }, "consumers[1].name: is required"],
    ["a consumer with an empty name", { consumers: [{ name: "", credential: "k" }], keys: ["apikey"] }, "consumers[0].name: must not be empty"],
    ["a consumer name that is not a string", { consumers: [{ name: 7, credential: "k" }], keys: ["apikey"] }, "consumers[0].name: must be a string, not a number"],
    ["a consumer without a credential", { consumers: [{ name: "alice" }], keys: ["apikey"] }, "consumers[0].credential: is required"],
    ["both credential and credentials", { consumers: [{ name: "alice", credential: "a", credentials: ["b"] }], keys: ["apikey"] }, "consumers[0].credentials: give either `credential` or `credentials`, not both"],
    ["an empty credential", { consumers: [{ name: "alice", credential: "" }], keys: ["apikey"] }, "consumers[0].credential: must not be empty (an empty key would match requests that send none)"],
    ["a credential that is not a string", { consumers: [{ name: "alice", credential: 42 }], keys: ["apikey"] }, "consumers[0].credential: must be a string, not a number"],
    ["an empty credentials list", { consumers: [{ name: "alice", credentials: [] }], keys: ["apikey"] }, "consumers[0].credentials: must not be empty"],
    ["an empty entry in credentials", { consumers: [{ name: "alice", credentials: ["a", ""] }], keys: ["apikey"] }, "consumers[0].credentials[1]: must not be empty (an empty key would match requests that send none)"],
    ["credentials that is not a list", { consumers: [{ name: "alice", credentials: "a" }], keys: ["apikey"] }, "consumers[0].credentials: must be an array of strings, not a string"],
    ["a credential shared by two consumers", { consumers: [alice, { name: "bob", credential: "alice-key" }], keys: ["apikey"] }, "consumers[1].credential: duplicates an earlier credential"],
    ["a credential repeated in one consumer's list", { consumers: [{ name: "alice", credentials: ["a", "b", "a"] }], keys: ["apikey"] }, "consumers[0].credentials[2]: duplicates an earlier credential"],
    ["a plain credential and the sha256: of the same key", { consumers: [{ name: "a", credential: "abc" }, { name: "b", credential: `sha256:${ABC_SHA256}` }], keys: ["apikey"] }, "consumers[1].credential: duplicates an earlier credential"],
    ["the same sha256: credential in upper and lower case", { consumers: [{ name: "a", credential: `sha256:${ABC_SHA256}` }, { name: "b", credential: `sha256:${ABC_SHA256.toUpperCase()}` }], keys: ["apikey"] }, "consumers[1].credential: duplicates an earlier credential"],
    ["a sha256: credential with too few digits", { consumers: [{ name: "a", credential: `sha256:${ABC_SHA256.slice(2)}` }], keys: ["apikey"] }, "consumers[0].credential: a `sha256:` credential needs 64 hex digits"],
    ["a sha256: credential with a non-hex digit", { consumers: [{ name: "a", credential: `sha256:${ABC_SHA256.slice(1)}g` }], keys: ["apikey"] }, "consumers[0].credential: a `sha256:` credential needs 64 hex digits"],
    ["an empty sha256: credential", { consumers: [{ name: "a", credentials: ["k", "sha256:"] }], keys: ["apikey"] }, "consumers[0].credentials[1]: a `sha256:` credential needs 64 hex digits"],
    ["no key names at all", { consumers: [alice] }, "consumers[0].keys: is required: neither this consumer nor the configuration names the keys to read"],
    ["an empty global keys list and a consumer without keys", { consumers: [{ ...bob, keys: ["x"] }, alice], keys: [] }, "consumers[1].keys: is required: neither this consumer nor the configuration names the keys to read"],
    ["an empty key name", { consumers: [alice], keys: ["apikey", ""] }, "keys[1]: must not be empty"],
    ["keys that is not a list", { consumers: [alice], keys: "apikey" }, "keys: must be an array of strings, not a string"],
    ["a key name that is not a string", { consumers: [alice], keys: [1] }, "keys[0]: must be a string, not a number"],
    ["an empty key name of a consumer", { consumers: [{ ...alice, keys: [""] }] }, "consumers[0].keys[0]: must not be empty"],
    ["in_header and in_query both false", { consumers: [alice], keys: ["apikey"], in_header: false, in_query: false }, "in_query: in_header and in_query cannot both be false: no key could ever be read"],
    ["a consumer with in_header and in_query both false", { consumers: [{ ...alice, in_header: false }], keys: ["apikey"], in_query: false }, "consumers[0].in_query: in_header and in_query cannot both be false: this consumer's key could never be read"],
    ["in_header that is not a boolean", { consumers: [alice], keys: ["apikey"], in_header: 1 }, "in_header: must be true or false, not a number"],
    ["in_query that is not a boolean", { consumers: [alice], keys: ["apikey"], in_query: "yes" }, "in_query: must be true or false, not a string"],
    ["a consumer's in_query that is not a boolean", { consumers: [{ ...alice, in_query: [] }], keys: ["apikey"] }, "consumers[0].in_query: must be true or false, not an array"],
    ["global_auth that is not a boolean", { global_auth: "on", consumers: [alice], keys: ["apikey"] }, "global_auth: must be true or false, not a string"],
    ["hide_credentials that is not a boolean", { consumers: [alice], keys: ["apikey"], hide_credentials: {} }, "hide_credentials: must be true or false, not an object"],
    ["the legacy top-level credentials form", { credentials: ["k1"], keys: ["apikey"] }, "credentials: the legacy top-level `credentials` form is not supported; list `consumers` with `name` and `credential`"],
    ["_rules_ that is not a list", { consumers: [alice], keys: ["apikey"], _rules_: {} }, "_rules_: must be an array of objects, not an object"],
    ["a rule without a match", { consumers: [alice], keys: ["apikey"], _rules_: [{ allow: ["alice"] }] }, "_rules_[0]: needs a non-empty _match_route_, _match_route_prefix_, _match_service_ or _match_domain_"],
    ["a rule with an empty match list", { consumers: [alice], keys: ["apikey"], _rules_: [{ _match_route_: [], allow: ["alice"] }] }, "_rules_[0]: needs a non-empty _match_route_, _match_route_prefix_, _match_service_ or _match_domain_"],
    ["allow that is not a list", { consumers: [alice], keys: ["apikey"], _rules_: [{ _match_route_: ["r"], allow: "alice" }] }, "_rules_[0].allow: must be an array of strings, not a string"],
    ["an allow entry that is not a string", { consumers: [alice], keys: ["apikey"], _rules_: [{ _match_route_: ["r"], allow: [null] }] }, "_rules_[0].allow[0]: must be a string, not null"],
    ["a rule's own consumer without a credential", { consumers: [alice], keys: ["apikey"], _rules_: [{ _match_route_: ["r"], consumers: [{ name: "zoe" }] }] }, "_rules_[0].consumers[0].credential: is required"],
    ["a rule that turns both in_* off", { consumers: [alice], keys: ["apikey"], in_header: false, _rules_: [{ _match_route_: ["r"], in_query: false }] }, "_rules_[0].in_query: in_header and in_query cannot both be false: no key could ever be read"],
    ["a configuration that is not JSON", "consumers: [alice]", "configuration is not valid JSON (unexpected character at byte 0)"],
    ["a configuration that is a JSON array", [alice], "configuration must be a JSON object"],
  ];

  it.each(table)("refuses %s", (_why, config, problem) => {
    expect(configError(config)).toBe(PREFIX + problem);
  });

  it("never puts a credential into the error line", () => {
    for (const [, config] of table) {
      const line = configError(config);
      for (const secret of ["alice-key", "bob-key", ABC_SHA256, ABC_SHA256.toUpperCase(), "k1"]) expect(line).not.toContain(secret);
    }
  });
});

describe("accepted configurations", () => {
  it.each([
    ["the seed walkthrough's", { consumers: [{ credential: "xxxxxx", name: "consumer1" }, { credential: "yyyyyy", name: "consumer2" }], global_auth: false, in_header: true, keys: ["apikey"], _rules_: [{ _match_route_: ["ai-route"], allow: ["consumer1"] }] }],
    ["an empty configuration (the plugin is off, as in Higress)", ""],
    ["_rules_ alone", { _rules_: [{ _match_route_: ["r"], consumers: [alice], keys: ["apikey"] }] }],
    ["an empty _rules_ list", { _rules_: [] }],
    ["consumers that each name their own keys, without global keys", { consumers: [{ ...alice, keys: ["a"] }, { ...bob, keys: ["b"] }] }],
    ["global in_* both false when every consumer sets its own", { consumers: [{ ...alice, keys: ["a"], in_query: true }], in_header: false, in_query: false }],
    ['"true"/"false" strings for booleans', { consumers: [alice], keys: ["apikey"], in_query: "false", in_header: "true", global_auth: "true", hide_credentials: "false" }],
    ["null for an optional field (as if absent)", { consumers: [alice], keys: ["apikey"], in_query: null, global_auth: null }],
    ["a plaintext credential that looks like a digest but has no prefix", { consumers: [{ name: "a", credential: ABC_SHA256 }, { name: "b", credential: "abc" }], keys: ["apikey"] }],
  ])("accepts %s", (_what, config) => {
    const gw = keyAuth(config);
    expect(gw.logs.messages("error")).toEqual([]);
    gw.close();
  });
});

describe("examples/wasmplugin.yaml", () => {
  it("works as the generated WasmPlugins configure it", async () => {
    const example = parseYaml(readFileSync(join(DIR, "examples", "wasmplugin.yaml"), "utf8"));
    // What Higress's controller (and deploy/istio) make of matchRules: _rules_ entries.
    const rules = example.matchRules.map((r: any) => ({
      ...(r.ingress ? { _match_route_: r.ingress } : { _match_domain_: r.domain }),
      ...r.config,
    }));
    const gw = keyAuth({ ...example.defaultConfig, _rules_: rules });
    try {
      const consumer1 = example.defaultConfig.consumers[0].credential;
      const consumer2 = "0c126120-fad9-4283-a256-c61c87345eb2"; // its credential is the sha256: of this key
      const chat = await gw.request({ route: "default/chat", headers: { authorization: `Bearer ${consumer2}` } });
      expect([chat.status, chat.upstream?.headers.get("x-mse-consumer")]).toEqual([200, "consumer2"]);
      const internal = await gw.request({ authority: "internal.example.com", headers: { "x-api-key": consumer2 } });
      expect(internal.status).toBe(403);
      const internal1 = await gw.request({ authority: "internal.example.com", headers: { "x-api-key": consumer1 } });
      expect([internal1.status, internal1.upstream?.headers.get("x-mse-consumer")]).toEqual([200, "consumer1"]);
      expect((await gw.request({ route: "default/other" })).status).toBe(200); // global_auth: false
      expect((await gw.request({ route: "default/chat" })).status).toBe(401);
    } finally {
      gw.close();
    }
  });
});

describe("unknown fields", () => {
  it("are warned about by path, and otherwise ignored", () => {
    expect(configWarnings({ consumers: [alice], keys: ["apikey"], kyes: ["x"], _rules_: [{ _match_route_: ["r"], alow: ["alice"] }] })).toEqual([
      "key-auth: ignoring unknown configuration field(s): kyes, _rules_[0].alow",
    ]);
  });

  it("are not reported for Higress's own _..._ keys", () => {
    expect(configWarnings({ consumers: [alice], keys: ["apikey"], _rules_: [{ _match_route_: ["r"], allow: ["alice"] }] })).toEqual([]);
  });
});

describe("spec.yaml and README.md", () => {
  const spec = parseYaml(readFileSync(join(DIR, "spec.yaml"), "utf8"));
  const readme = readFileSync(join(DIR, "README.md"), "utf8");
  const global = spec.spec.configSchema.openAPIV3Schema;
  const route = spec.spec.routeConfigSchema.openAPIV3Schema;
  const fields = [...new Set([...Object.keys(global.properties), ...Object.keys(route.properties)])].sort();
  const consumerFields = Object.keys(global.properties.consumers.items.properties).sort();

  it("name every field key-auth reads, and only those", () => {
    expect(fields).toEqual(["allow", "consumers", "global_auth", "hide_credentials", "in_header", "in_query", "keys"]);
    expect(consumerFields).toEqual(["credential", "credentials", "in_header", "in_query", "keys", "name"]);
    // The plugin knows every field the spec offers: a config using all of them draws no warning.
    expect(configWarnings({ ...global.example, _rules_: [{ _match_route_: ["r"], ...route.example }] })).toEqual([]);
    expect(Object.keys(global.example).sort()).toEqual(fields.filter((f) => f !== "allow"));
  });

  it("give the defaults key-auth applies", () => {
    expect(global.properties.in_header.default).toBe(true);
    expect(global.properties.in_query.default).toBe(true);
    expect(global.properties.hide_credentials.default).toBe(false);
    expect([spec.spec.phase, spec.spec.priority]).toEqual(["AUTHN", 310]);
  });

  it("README has a table row for every field and every consumer field", () => {
    for (const f of [...fields, ...consumerFields.map((c) => `consumers[].${c}`)]) {
      expect(readme, f).toMatch(new RegExp("^\\| `" + f.replace(/[[\].]/g, "\\$&") + "` \\|", "m"));
    }
  });

  it("README lists every details code key-auth sends", () => {
    const replies = readFileSync(join(DIR, "replies.ts"), "utf8");
    const codes = [...replies.matchAll(/"(key-auth\.[a-z_]+)"/g)].map((m) => m[1]);
    expect(codes.length).toBe(3);
    for (const code of codes) expect(readme).toContain(`\`${code}\``);
  });
});
