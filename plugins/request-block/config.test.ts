// request-block's configuration: every config it refuses is refused at configure time (Envoy would not
// start the filter) with one log line naming the field; edge cases it accepts work; fields it does not
// know are warned about and ignored, as Higress ignores them; the example WasmPlugin config behaves as
// its comments say; and spec.yaml / README.md describe exactly the fields it reads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { configError, configWarnings, PREFIX, rawRequest, requestBlock } from "./test-support.ts";

const DIR = import.meta.dirname;
const NOTHING = "nothing to block: give at least one of block_urls, block_exact_urls, block_regexp_urls, block_headers, block_bodies";

describe("refused configurations", () => {
  // [why, config, the field and problem the log line names]
  const table: [string, unknown, string][] = [
    ["an empty object (Higress refuses it too)", {}, `block_urls: ${NOTHING}`],
    ["only blocked_code and blocked_message", { blocked_code: 404, blocked_message: "no" }, `block_urls: ${NOTHING}`],
    ["only empty lists", { block_urls: [], block_exact_urls: [], block_regexp_urls: [], block_headers: [], block_bodies: [], block_bodys: [] }, `block_urls: ${NOTHING}`],
    ["null lists", { block_urls: null, block_bodies: null }, `block_urls: ${NOTHING}`],
    ["a global part with nothing to block next to _rules_", { blocked_code: 404, _rules_: [{ _match_route_: ["r"], block_urls: ["x"] }] }, `block_urls: ${NOTHING}`],
    ["a rule with nothing to block (it inherits nothing)", { block_urls: ["x"], _rules_: [{ _match_route_: ["r"], blocked_code: 404 }] }, `_rules_[0].block_urls: ${NOTHING}`],
    ["block_urls that is not a list", { block_urls: "password" }, "block_urls: must be an array of strings, not a string"],
    ["a block_urls entry that is not a string", { block_urls: ["a", 1] }, "block_urls[1]: must be a string, not a number"],
    ["block_exact_urls that is an object", { block_exact_urls: { a: 1 } }, "block_exact_urls: must be an array of strings, not an object"],
    ["a block_exact_urls entry that is null", { block_exact_urls: [null] }, "block_exact_urls[0]: must be a string, not null"],
    ["block_regexp_urls that is a string", { block_regexp_urls: ".*" }, "block_regexp_urls: must be an array of strings, not a string"],
    ["block_headers that is a number", { block_headers: 7 }, "block_headers: must be an array of strings, not a number"],
    ["a block_bodies entry that is a list", { block_bodies: [["x"]] }, "block_bodies[0]: must be a string, not an array"],
    ["a block_bodys entry that is a boolean", { block_bodys: [true] }, "block_bodys[0]: must be a string, not a boolean"],
    ["an unbalanced group, naming the entry and the offset", { block_regexp_urls: ["/ok", "x(a(b)"] }, "block_regexp_urls[1]: invalid regular expression: missing closing ) at offset 1"],
    ["an unmatched )", { block_regexp_urls: ["/api)"] }, "block_regexp_urls[0]: invalid regular expression: unmatched ) at offset 4"],
    ["a repetition of nothing", { block_regexp_urls: ["*.php"] }, "block_regexp_urls[0]: invalid regular expression: missing argument to repetition operator * at offset 0"],
    ["lookahead, which RE2 does not have", { block_regexp_urls: ["/a", "/b", "/admin(?!/public).*"] }, "block_regexp_urls[2]: invalid regular expression: lookahead (?! is not supported at offset 6"],
    ["a backreference", { block_regexp_urls: ["/(a)\\1"] }, "block_regexp_urls[0]: invalid regular expression: backreferences are not supported at offset 4"],
    ["an unknown escape", { block_regexp_urls: ["/\\q"] }, "block_regexp_urls[0]: invalid regular expression: invalid escape sequence \\q at offset 1"],
    ["a repeat count over 1000", { block_regexp_urls: ["/a{1001}"] }, "block_regexp_urls[0]: invalid regular expression: repeat count larger than 1000 at offset 2"],
    ["a pattern whose program is too large for linear-time matching", { block_regexp_urls: ["/.{500}"] }, "block_regexp_urls[0]: invalid regular expression: pattern too large: it compiles to more than 10000 instructions"],
    ["an invalid regex in a rule", { _rules_: [{ _match_route_: ["r"], block_regexp_urls: ["[z-a]"] }] }, "_rules_[0].block_regexp_urls[0]: invalid regular expression: invalid character class range z-a at offset 1"],
    ["a block_headers entry with a NUL, which could only match across name and value", { block_headers: ["ok", "x-token\u0000secret"] }, "block_headers[1]: must not contain a NUL character (header names and values cannot hold one)"],
    ["blocked_code 99", { block_urls: ["a"], blocked_code: 99 }, "blocked_code: must be between 100 and 599, not 99"],
    ["blocked_code 600", { block_urls: ["a"], blocked_code: 600 }, "blocked_code: must be between 100 and 599, not 600"],
    ["a negative blocked_code", { block_urls: ["a"], blocked_code: -403 }, "blocked_code: must be between 100 and 599, not -403"],
    ["a fractional blocked_code", { block_urls: ["a"], blocked_code: 403.5 }, "blocked_code: must be an integer, not a number"],
    ["a non-numeric blocked_code string", { block_urls: ["a"], blocked_code: "forbidden" }, "blocked_code: must be an integer, not a string"],
    ["a boolean blocked_code", { block_urls: ["a"], blocked_code: true }, "blocked_code: must be an integer, not a boolean"],
    ["blocked_message that is not a string", { block_urls: ["a"], blocked_message: 404 }, "blocked_message: must be a string, not a number"],
    ["case_sensitive that is not a boolean", { block_urls: ["a"], case_sensitive: "no" }, "case_sensitive: must be true or false, not a string"],
    ["case_sensitive as a number", { block_urls: ["a"], case_sensitive: 0 }, "case_sensitive: must be true or false, not a number"],
    ["max_body_bytes 0", { block_bodies: ["a"], max_body_bytes: 0 }, "max_body_bytes: must be between 1 and 2147483647, not 0"],
    ["max_body_bytes over 2^31-1", { block_bodies: ["a"], max_body_bytes: 2147483648 }, "max_body_bytes: must be between 1 and 2147483647, not 2147483648"],
    ["max_body_bytes as text", { block_bodies: ["a"], max_body_bytes: "1MiB" }, "max_body_bytes: must be an integer, not a string"],
    ["an unknown oversize_body", { block_bodies: ["a"], oversize_body: "reject" }, 'oversize_body: must be "allow" or "block"'],
    ["oversize_body in another case", { block_bodies: ["a"], oversize_body: "Block" }, 'oversize_body: must be "allow" or "block"'],
    ["oversize_body as a boolean", { block_bodies: ["a"], oversize_body: true }, "oversize_body: must be a string, not a boolean"],
    ["_rules_ that is not a list", { block_urls: ["a"], _rules_: {} }, "_rules_: must be an array of objects, not an object"],
    ["a rule without a match", { block_urls: ["a"], _rules_: [{ block_urls: ["b"] }] }, "_rules_[0]: needs a non-empty _match_route_, _match_route_prefix_, _match_service_ or _match_domain_"],
    ["a rule with an empty match list", { _rules_: [{ _match_domain_: [], block_urls: ["b"] }] }, "_rules_[0]: needs a non-empty _match_route_, _match_route_prefix_, _match_service_ or _match_domain_"],
    ["a rule's wrong-typed field", { _rules_: [{ _match_route_: ["r"], block_urls: ["b"] }, { _match_route_: ["s"], block_headers: ["h"], blocked_code: 700 }] }, "_rules_[1].blocked_code: must be between 100 and 599, not 700"],
    ["a configuration that is not JSON", "block_urls: [a]", "configuration is not valid JSON (unexpected character at byte 0)"],
    ["a configuration that is a JSON array", [{ block_urls: ["a"] }], "configuration must be a JSON object"],
  ];

  it.each(table)("refuses %s", (_why, config, problem) => {
    expect(configError(config)).toBe(PREFIX + problem);
  });
});

describe("accepted configurations", () => {
  it.each([
    ["the seed walkthrough's", { _rules_: [{ _match_route_: ["ai-route"], blocked_code: 404, block_urls: ["password", "pw"], case_sensitive: false }] }],
    ["an empty configuration (the plugin is off, as in Higress)", ""],
    ["an empty _rules_ list", { _rules_: [] }],
    ["only block_exact_urls (Higress bug #1676 does not apply)", { block_exact_urls: ["/admin"] }],
    ["only block_regexp_urls", { block_regexp_urls: [".*name=Alice.*"] }],
    ["only block_bodys, Higress's older spelling", { block_bodys: ["x"] }],
    ["one non-empty list among empty ones", { block_urls: [], block_headers: ["x"] }],
    ["a numeric string for blocked_code, as Higress accepts", { block_urls: ["a"], blocked_code: "404" }],
    ["the bounds of blocked_code and max_body_bytes", { block_urls: ["a"], blocked_code: 100, max_body_bytes: 1, _rules_: [{ _match_route_: ["r"], block_urls: ["b"], blocked_code: 599, max_body_bytes: 2147483647 }] }],
    ['"true"/"false" strings for case_sensitive', { block_urls: ["a"], case_sensitive: "false" }],
    ["null for an optional field (as if absent)", { block_urls: ["a"], blocked_code: null, blocked_message: null, case_sensitive: null, oversize_body: null }],
    ["an empty string in a list", { block_urls: [""] }],
    ["a pattern RE2 accepts but Higress finds too complex (program size over 100)", { block_regexp_urls: ["/(api|v1|v2|admin|internal|debug)/[a-z0-9_-]{1,64}/(secrets|keys|tokens)(\\?.*)?"] }],
    ["non-ASCII needles and patterns", { block_urls: ["пароль"], block_regexp_urls: ["/ключ/.*"], block_bodies: ["密码"] }],
  ])("accepts %s", (_what, config) => {
    const gw = requestBlock(config);
    expect(gw.logs.messages("error")).toEqual([]);
    gw.close();
  });
});

describe("examples/wasmplugin.yaml", () => {
  it("works as the generated WasmPlugins configure it", async () => {
    const example = parseYaml(readFileSync(join(DIR, "examples", "wasmplugin.yaml"), "utf8"));
    // What Higress's controller (and deploy/istio) make of matchRules: _rules_ entries.
    const rules = example.matchRules.map((r: any) => ({ _match_route_: r.ingress, ...r.config }));
    const gw = requestBlock({ ...example.defaultConfig, _rules_: rules });
    try {
      const json = (content: string) => [JSON.stringify({ model: "m", messages: [{ role: "user", content }] })];
      const outcome = async (route: string, path: string, chunks?: string[]) => {
        const res = await rawRequest(gw, { route, path, chunks });
        return [res.status, res.details];
      };
      expect(await outcome("default/other", "/.ENV")).toEqual([404, "request-block.blocked_url"]);
      expect(await outcome("default/other", "/actuator/health")).toEqual([404, "request-block.blocked_url"]);
      expect(await outcome("default/other", "/actuatorx")).toEqual([200, "via_upstream"]);
      expect(await outcome("default/other", "/swagger.html")).toEqual([404, "request-block.blocked_url"]);
      expect(await outcome("default/chat", "/.git/config")).toEqual([400, "request-block.blocked_url"]);
      // The rule replaces the global lists on the chat route.
      expect(await outcome("default/chat", "/swagger.html")).toEqual([200, "via_upstream"]);
      expect(await outcome("default/chat", "/v1/chat/completions", json("why does ghp_x1y2 fail?"))).toEqual([400, "request-block.blocked_body"]);
      expect(await outcome("default/chat", "/v1/chat/completions", json("-----BEGIN RSA PRIVATE KEY-----\nMIIE..."))).toEqual([400, "request-block.blocked_body"]);
      expect(await outcome("default/chat", "/v1/chat/completions", json("Sk-Proj- in another case is prose"))).toEqual([200, "via_upstream"]);
      expect(await outcome("default/chat", "/v1/chat/completions", json("x".repeat(600_000)))).toEqual([413, "request-block.body_too_large"]);
      // Base64 (an image in a prompt) never holds '-' or '_', so it cannot spell any of the needles.
      const image = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919 + (i >> 8)) & 0xff)).toString("base64");
      expect(await outcome("default/chat", "/v1/chat/completions", json(`data:image/png;base64,${image}`))).toEqual([200, "via_upstream"]);
      const blocked = await rawRequest(gw, { route: "default/chat", path: "/v1/chat/completions", chunks: json("token xoxb-1") });
      expect(blocked.body.toString()).toBe(example.matchRules[0].config.blocked_message);
    } finally {
      gw.close();
    }
  });
});

describe("unknown fields", () => {
  it("are warned about by path, and otherwise ignored", () => {
    expect(configWarnings({ block_url: ["x"], block_headers: ["h"], _rules_: [{ _match_route_: ["r"], block_urls: ["y"], blocked_status: 404 }] })).toEqual([
      "request-block: ignoring unknown configuration field(s): block_url, _rules_[0].blocked_status",
    ]);
  });

  it("are not reported for Higress's own _..._ keys", () => {
    expect(configWarnings({ block_urls: ["x"], _rules_: [{ _match_route_: ["r"], block_urls: ["y"] }] })).toEqual([]);
  });
});

describe("spec.yaml and README.md", () => {
  const spec = parseYaml(readFileSync(join(DIR, "spec.yaml"), "utf8"));
  const readme = readFileSync(join(DIR, "README.md"), "utf8");
  const schema = spec.spec.configSchema.openAPIV3Schema;
  const fields = Object.keys(schema.properties).sort();
  const LISTS = ["block_bodies", "block_exact_urls", "block_headers", "block_regexp_urls", "block_urls"];

  it("name every field request-block reads, and only those", () => {
    // block_bodys is read too, but the form offers only the current spelling (README documents both).
    expect(fields).toEqual([...LISTS, "blocked_code", "blocked_message", "case_sensitive", "max_body_bytes", "oversize_body"]);
    expect(configWarnings({ ...schema.example, block_bodys: ["x"] })).toEqual([]);
    expect(Object.keys(schema.example).sort()).toEqual(fields);
    // A rule is a whole configuration: the same schema.
    expect(spec.spec.routeConfigSchema.openAPIV3Schema).toEqual(schema);
  });

  it("give the defaults, ranges and values request-block applies", () => {
    const p = schema.properties;
    expect([p.blocked_code.default, p.blocked_code.minimum, p.blocked_code.maximum]).toEqual([403, 100, 599]);
    expect([p.max_body_bytes.default, p.max_body_bytes.minimum, p.max_body_bytes.maximum]).toEqual([1048576, 1, 2147483647]);
    expect([p.blocked_message.default, p.case_sensitive.default, p.oversize_body.default]).toEqual(["", true, "allow"]);
    expect(p.oversize_body.enum).toEqual(["allow", "block"]);
    expect(schema.anyOf.map((a: any) => a.required[0]).sort()).toEqual(LISTS);
    expect([spec.spec.phase, spec.spec.priority]).toEqual(["AUTHZ", 320]);
  });

  it("spec's example is a configuration request-block accepts", () => {
    const gw = requestBlock(schema.example);
    expect(gw.logs.messages("error")).toEqual([]);
    gw.close();
  });

  it("README has a table row for every field", () => {
    for (const f of fields) expect(readme, f).toMatch(new RegExp("^\\| `" + f + "` \\|", "m"));
    expect(readme).toContain("`block_bodys`");
  });

  it("README lists every details code request-block sends", () => {
    const replies = readFileSync(join(DIR, "replies.ts"), "utf8");
    const filter = readFileSync(join(DIR, "filter.ts"), "utf8");
    const reasons = [...filter.matchAll(/this\.block\("([a-z]+)"\)/g)].map((m) => `request-block.blocked_${m[1]}`);
    // Whole codes in replies.ts ("request-block.blocked_" + what is the prefix of the ones above).
    const fixed = [...replies.matchAll(/"(request-block\.[a-z_]*[a-z])"/g)].map((m) => m[1]);
    const codes = [...new Set([...reasons, ...fixed])];
    expect(codes.sort()).toEqual(["request-block.blocked_body", "request-block.blocked_header", "request-block.blocked_url", "request-block.body_too_large"]);
    for (const code of codes) expect(readme).toContain(`\`${code}\``);
  });
});
