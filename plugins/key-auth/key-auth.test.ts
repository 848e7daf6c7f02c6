// key-auth's behaviour, field by field (each field's effect and its default), then the rule and
// global_auth combinations, then what it does beyond Higress's C++ key-auth: Bearer tokens, sha256:
// credentials, hide_credentials, and dropping a client-sent x-mse-consumer. Runs build/key-auth.wasm.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { TestGateway, RequestSpec, Exchange } from "../../host/testing/index.ts";
import { BASIC_REALM, KEY_REALM, keyAuth, rawRequest } from "./test-support.ts";

const alice = { name: "alice", credential: "alice-key" };
const bob = { name: "bob", credential: "bob-key" };

let open: TestGateway[] = [];
afterEach(() => {
  for (const gw of open) gw.close();
  open = [];
});

function gateway(config: unknown): TestGateway {
  const gw = keyAuth(config);
  open.push(gw);
  return gw;
}

/** Sends each request through a gateway configured with `config`. */
async function send(config: unknown, spec: RequestSpec): Promise<Exchange> {
  return gateway(config).request(spec);
}

const consumerOf = (res: Exchange) => res.upstream?.headers.getAll("x-mse-consumer") ?? null;

function expectPassedAs(res: Exchange, consumer: string) {
  expect(res.status).toBe(200);
  expect(consumerOf(res)).toEqual([consumer]);
}

function expectUnauthenticated(res: Exchange, details: "key-auth.missing_key" | "key-auth.unknown_key") {
  expect(res.status).toBe(401);
  expect(res.headers.get("www-authenticate")).toBe(KEY_REALM);
  expect(res.text()).toBe("");
  expect(res.details).toBe(details);
  expect(res.upstream).toBeNull();
}

function expectForbidden(res: Exchange) {
  expect(res.status).toBe(403);
  expect(res.headers.get("www-authenticate")).toBe(BASIC_REALM);
  expect(res.text()).toBe("");
  expect(res.details).toBe("key-auth.consumer_not_allowed");
  expect(res.upstream).toBeNull();
}

describe("consumers", () => {
  const config = { consumers: [alice, bob, { name: "carol", credentials: ["carol-1", "carol-2"] }], keys: ["apikey"] };

  it.each([
    ["alice-key", "alice"],
    ["bob-key", "bob"],
    ["carol-1", "carol"],
    ["carol-2", "carol"],
  ])("passes key %s on as consumer %s in x-mse-consumer", async (key, consumer) => {
    expectPassedAs(await send(config, { headers: { apikey: key } }), consumer);
  });

  it("answers 401 (missing_key) when no key is sent", async () => {
    expectUnauthenticated(await send(config, {}), "key-auth.missing_key");
  });

  it("answers 401 (unknown_key) for a key that belongs to no consumer", async () => {
    expectUnauthenticated(await send(config, { headers: { apikey: "mallory-key" } }), "key-auth.unknown_key");
  });

  it("compares keys exactly: a prefix, an extension or another case of a credential is unknown", async () => {
    const gw = gateway(config);
    for (const key of ["alice-ke", "alice-key2", "ALICE-KEY", " alice-key-"]) {
      expectUnauthenticated(await gw.request({ headers: { apikey: key } }), "key-auth.unknown_key");
    }
  });

  it("reads a consumer's own keys, and only those, for that consumer", async () => {
    const own = { consumers: [alice, { ...bob, keys: ["bob-header"] }], keys: ["apikey"] };
    const gw = gateway(own);
    expectPassedAs(await gw.request({ headers: { "bob-header": "bob-key" } }), "bob");
    expectUnauthenticated(await gw.request({ headers: { apikey: "bob-key" } }), "key-auth.unknown_key");
    // alice has no keys of her own, so the global ones apply to her and bob's do not.
    expectPassedAs(await gw.request({ headers: { apikey: "alice-key" } }), "alice");
    expectUnauthenticated(await gw.request({ headers: { "bob-header": "alice-key" } }), "key-auth.unknown_key");
  });

  it("lets the first matching consumer in config order win when a request carries two consumers' keys", async () => {
    const both = { headers: { "key-a": "alice-key", "key-b": "bob-key" } };
    expectPassedAs(await send({ consumers: [alice, bob], keys: ["key-a", "key-b"] }, both), "alice");
    expectPassedAs(await send({ consumers: [bob, alice], keys: ["key-a", "key-b"] }, both), "bob");
  });

  it("identifies several consumers' credentials presented under several key names", async () => {
    const gw = gateway({
      consumers: [
        alice,
        { name: "bob", credentials: ["bob-1", "bob-2"], keys: ["x-bob", "bob"] },
        { name: "carol", credential: "carol-key", keys: ["x-carol"], in_header: false },
      ],
      keys: ["apikey", "x-api-key"],
    });
    const cases: [RequestSpec, string][] = [
      [{ headers: { apikey: "alice-key" } }, "alice"],
      [{ headers: { "x-api-key": "alice-key" } }, "alice"],
      [{ path: "/?x-api-key=alice-key" }, "alice"],
      [{ headers: { "x-bob": "bob-2" } }, "bob"],
      [{ path: "/?bob=bob-1" }, "bob"],
      [{ path: "/?x-carol=carol-key" }, "carol"],
      [{ headers: { "x-carol": "carol-key" } }, "key-auth.missing_key"], // carol's key is read from the query only
      [{ headers: { apikey: "bob-1" } }, "key-auth.unknown_key"], // bob's keys are x-bob and bob
      [{ headers: { apikey: "nobody", "x-bob": "bob-1" } }, "bob"], // an unknown value under one name does not hide another
    ];
    for (const [spec, outcome] of cases) {
      const res = await gw.request(spec);
      if (outcome.startsWith("key-auth.")) expectUnauthenticated(res, outcome as "key-auth.missing_key");
      else expectPassedAs(res, outcome);
    }
  });
});

describe("keys", () => {
  it("reads the key from any listed name, as a header or a query parameter", async () => {
    const gw = gateway({ consumers: [alice], keys: ["apikey", "x-api-key"] });
    for (const spec of [{ headers: { apikey: "alice-key" } }, { headers: { "x-api-key": "alice-key" } }, { path: "/v1?x-api-key=alice-key" }]) {
      expectPassedAs(await gw.request(spec), "alice");
    }
    expectUnauthenticated(await gw.request({ headers: { "x-other": "alice-key" } }), "key-auth.missing_key");
  });

  it("matches header names in any case, query parameter names exactly as written", async () => {
    const gw = gateway({ consumers: [alice], keys: ["X-API-Key"] });
    expectPassedAs(await gw.request({ headers: { "x-api-key": "alice-key" } }), "alice");
    expectPassedAs(await gw.request({ path: "/?X-API-Key=alice-key" }), "alice");
    expectUnauthenticated(await gw.request({ path: "/?x-api-key=alice-key" }), "key-auth.missing_key");
  });

  it("percent-decodes query names and values, and keeps '+' as '+'", async () => {
    const gw = gateway({ consumers: [alice, { name: "plus", credential: "a+b" }, { name: "space", credential: "a b" }], keys: ["apikey"] });
    expectPassedAs(await gw.request({ path: "/?api%6Bey=alice%2Dkey" }), "alice");
    expectPassedAs(await gw.request({ path: "/?apikey=a+b" }), "plus");
    expectPassedAs(await gw.request({ path: "/?apikey=a%20b" }), "space");
  });

  it("takes the first of repeated query parameters", async () => {
    const gw = gateway({ consumers: [alice], keys: ["apikey"] });
    expectUnauthenticated(await gw.request({ path: "/?apikey=wrong&apikey=alice-key" }), "key-auth.unknown_key");
    expectPassedAs(await gw.request({ path: "/?apikey=alice-key&apikey=wrong" }), "alice");
  });

  it("reads the query when the header is empty, but not when it holds a wrong key", async () => {
    const gw = gateway({ consumers: [alice], keys: ["apikey"] });
    expectPassedAs(await gw.request({ path: "/?apikey=alice-key", headers: { apikey: "" } }), "alice");
    expectUnauthenticated(await gw.request({ path: "/?apikey=alice-key", headers: { apikey: "wrong" } }), "key-auth.unknown_key");
  });

  it("takes the first of repeated headers", async () => {
    const gw = gateway({ consumers: [alice], keys: ["apikey"] });
    expectUnauthenticated(await gw.request({ headers: [["apikey", "wrong"], ["apikey", "alice-key"]] }), "key-auth.unknown_key");
    expectPassedAs(await gw.request({ headers: [["apikey", "alice-key"], ["apikey", "wrong"]] }), "alice");
  });

  it("does not read the query's fragment", async () => {
    expectUnauthenticated(await send({ consumers: [alice], keys: ["apikey"] }, { path: "/?x=1#apikey=alice-key" }), "key-auth.missing_key");
  });
});

describe("in_header", () => {
  it("defaults to true: a header carries the key", async () => {
    expectPassedAs(await send({ consumers: [alice], keys: ["apikey"] }, { headers: { apikey: "alice-key" } }), "alice");
  });

  it("false: headers are not read", async () => {
    expectUnauthenticated(await send({ consumers: [alice], keys: ["apikey"], in_header: false }, { headers: { apikey: "alice-key" } }), "key-auth.missing_key");
  });

  it("false: the query counts even when a header of the same name is present (as in Higress)", async () => {
    const gw = gateway({ consumers: [alice], keys: ["apikey"], in_header: false });
    expectPassedAs(await gw.request({ path: "/?apikey=alice-key", headers: { apikey: "something-else" } }), "alice");
    expectPassedAs(await gw.request({ path: "/?apikey=alice-key", headers: { apikey: "alice-key" } }), "alice");
  });

  it("set on a consumer, overrides the global value for that consumer only", async () => {
    const gw = gateway({ consumers: [{ ...alice, in_header: false }, bob], keys: ["apikey"] });
    expectUnauthenticated(await gw.request({ headers: { apikey: "alice-key" } }), "key-auth.unknown_key");
    expectPassedAs(await gw.request({ path: "/?apikey=alice-key", headers: { apikey: "bob-key" } }), "alice");
    expectPassedAs(await gw.request({ headers: { apikey: "bob-key" } }), "bob");
  });

  it('accepts "true"/"false" strings, as Higress does', async () => {
    expectUnauthenticated(await send({ consumers: [alice], keys: ["apikey"], in_header: "false" }, { headers: { apikey: "alice-key" } }), "key-auth.missing_key");
  });
});

describe("in_query", () => {
  it("defaults to true: a query parameter carries the key", async () => {
    expectPassedAs(await send({ consumers: [alice], keys: ["apikey"] }, { path: "/chat?apikey=alice-key" }), "alice");
  });

  it("false: the query is not read", async () => {
    expectUnauthenticated(await send({ consumers: [alice], keys: ["apikey"], in_query: false }, { path: "/chat?apikey=alice-key" }), "key-auth.missing_key");
  });

  it("set on a consumer, overrides the global value for that consumer only", async () => {
    const gw = gateway({ consumers: [{ ...alice, in_query: true }, bob], keys: ["apikey"], in_query: false });
    expectPassedAs(await gw.request({ path: "/?apikey=alice-key" }), "alice");
    expectUnauthenticated(await gw.request({ path: "/?apikey=bob-key" }), "key-auth.unknown_key");
  });
});

describe("global_auth and _rules_", () => {
  const consumers = [alice, bob];
  const onlyAliceOnChat = [{ _match_route_: ["chat"], allow: ["alice"] }];
  type Outcome = "alice" | "bob" | 401 | 403 | "unchecked";
  // [what, config, route, key sent, outcome]
  const table: [string, object, string, string | null, Outcome][] = [
    ["unset without rules: every route is checked, with no allow list", { consumers, keys: ["apikey"] }, "any", "bob-key", "bob"],
    ["unset without rules: a request without a key is refused everywhere", { consumers, keys: ["apikey"] }, "any", null, 401],
    ["unset with rules: a matched route checks the allow list (allowed)", { consumers, keys: ["apikey"], _rules_: onlyAliceOnChat }, "chat", "alice-key", "alice"],
    ["unset with rules: a matched route checks the allow list (not allowed)", { consumers, keys: ["apikey"], _rules_: onlyAliceOnChat }, "chat", "bob-key", 403],
    ["unset with rules: a matched route refuses a missing key", { consumers, keys: ["apikey"], _rules_: onlyAliceOnChat }, "chat", null, 401],
    ["unset with rules: other routes are not checked", { consumers, keys: ["apikey"], _rules_: onlyAliceOnChat }, "other", null, "unchecked"],
    ["unset with rules: other routes do not name the consumer", { consumers, keys: ["apikey"], _rules_: onlyAliceOnChat }, "other", "alice-key", "unchecked"],
    ["true with rules: other routes need a key", { global_auth: true, consumers, keys: ["apikey"], _rules_: onlyAliceOnChat }, "other", null, 401],
    ["true with rules: other routes admit any consumer", { global_auth: true, consumers, keys: ["apikey"], _rules_: onlyAliceOnChat }, "other", "bob-key", "bob"],
    ["true with rules: the matched route keeps its allow list", { global_auth: true, consumers, keys: ["apikey"], _rules_: onlyAliceOnChat }, "chat", "bob-key", 403],
    ["true without rules: every route is checked", { global_auth: true, consumers, keys: ["apikey"] }, "any", null, 401],
    ["false without rules: nothing is checked", { global_auth: false, consumers, keys: ["apikey"] }, "any", null, "unchecked"],
    ["false with rules: the matched route is checked", { global_auth: false, consumers, keys: ["apikey"], _rules_: onlyAliceOnChat }, "chat", "bob-key", 403],
    ["false with rules: other routes are not checked", { global_auth: false, consumers, keys: ["apikey"], _rules_: onlyAliceOnChat }, "other", null, "unchecked"],
    ["a rule without allow admits nobody", { consumers, keys: ["apikey"], _rules_: [{ _match_route_: ["chat"] }] }, "chat", "alice-key", 403],
    ["a rule with an empty allow admits nobody", { consumers, keys: ["apikey"], _rules_: [{ _match_route_: ["chat"], allow: [] }] }, "chat", "alice-key", 403],
    ["an allow list naming nobody configured admits nobody", { consumers, keys: ["apikey"], _rules_: [{ _match_route_: ["chat"], allow: ["zoe"] }] }, "chat", "alice-key", 403],
    ["a rule's own consumers replace the global ones there", { consumers, keys: ["apikey"], _rules_: [{ _match_route_: ["chat"], consumers: [{ name: "zoe", credential: "zoe-key" }], allow: ["zoe"] }] }, "chat", "alice-key", 401],
    ["a rule's own keys replace the global ones there", { consumers, keys: ["apikey"], _rules_: [{ _match_route_: ["chat"], keys: ["x-chat-key"], allow: ["alice"] }] }, "chat", "alice-key", 401],
    ["_rules_ without a global part: only matched routes are checked", { _rules_: [{ _match_route_: ["chat"], consumers, keys: ["apikey"], allow: ["bob"] }] }, "chat", "bob-key", "bob"],
    ["_rules_ without a global part: other routes pass", { _rules_: [{ _match_route_: ["chat"], consumers, keys: ["apikey"], allow: ["bob"] }] }, "other", null, "unchecked"],
    ["an empty _rules_ list without a global part checks nothing", { _rules_: [] }, "any", null, "unchecked"],
  ];

  it.each(table)("%s", async (_what, config, route, key, outcome) => {
    const res = await send(config, { route, headers: key === null ? {} : { apikey: key } });
    if (outcome === 401) expect([res.status, res.headers.get("www-authenticate"), res.upstream]).toEqual([401, KEY_REALM, null]);
    else if (outcome === 403) expectForbidden(res);
    else if (outcome === "unchecked") expect([res.status, consumerOf(res)]).toEqual([200, []]);
    else expectPassedAs(res, outcome);
  });

  it("applies a global allow to every checked request, and to rules without their own allow", async () => {
    const gw = gateway({ consumers, keys: ["apikey"], allow: ["alice"], _rules_: [{ _match_route_: ["chat"] }, { _match_route_: ["admin"], allow: ["bob"] }] });
    expectPassedAs(await gw.request({ route: "chat", headers: { apikey: "alice-key" } }), "alice");
    expectForbidden(await gw.request({ route: "chat", headers: { apikey: "bob-key" } }));
    expectPassedAs(await gw.request({ route: "admin", headers: { apikey: "bob-key" } }), "bob");
    expectForbidden(await gw.request({ route: "admin", headers: { apikey: "alice-key" } }));
    expectForbidden(await send({ consumers, keys: ["apikey"], allow: ["alice"] }, { headers: { apikey: "bob-key" } }));
  });

  // A VM keeps the route and cluster names it has seen (32 of them) instead of allocating each
  // request's copy; more names than that must still match exactly, including names kept before.
  it("matches each request's own route while a VM serves more route names than it keeps", async () => {
    const gw = gateway({ global_auth: true, consumers, keys: ["apikey"], _rules_: [{ _match_route_: ["route-7", "route-40"], allow: ["alice"] }, { _match_service_: ["svc-3.local"], allow: ["alice"] }] });
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < 80; i++) {
        const res = await gw.request({ route: `route-${i}`, cluster: `outbound|80||svc-${i}.local`, headers: { apikey: "bob-key" } });
        if (i === 7 || i === 40 || i === 3) expectForbidden(res);
        else expectPassedAs(res, "bob");
      }
    }
  });

  it("reads a key that a rule adds under its own key name", async () => {
    const config = { consumers, keys: ["apikey"], _rules_: [{ _match_route_: ["chat"], keys: ["x-chat-key"], allow: ["alice"] }] };
    expectPassedAs(await send(config, { route: "chat", headers: { "x-chat-key": "alice-key" } }), "alice");
  });

  it.each([
    ["a domain", { _match_domain_: ["*.example.com"] }, { authority: "api.example.com:8443" }],
    ["a route prefix", { _match_route_prefix_: ["chat-"] }, { route: "chat-v2" }],
    ["a service", { _match_service_: ["llm.default.svc.cluster.local"] }, { cluster: "outbound|80||llm.default.svc.cluster.local" }],
  ])("matches rules by %s", async (_kind, match, where) => {
    const gw = gateway({ consumers, keys: ["apikey"], _rules_: [{ ...match, allow: ["alice"] }] });
    expectPassedAs(await gw.request({ ...where, headers: { apikey: "alice-key" } }), "alice");
    expectForbidden(await gw.request({ ...where, headers: { apikey: "bob-key" } }));
    const elsewhere = await gw.request({ authority: "other.test", route: "other", cluster: "outbound|80||other.svc", headers: { apikey: "bob-key" } });
    expect([elsewhere.status, consumerOf(elsewhere)]).toEqual([200, []]);
  });
});

describe("x-mse-consumer", () => {
  it("replaces a client-sent value with the authenticated consumer", async () => {
    const res = await send({ consumers: [alice, bob], keys: ["apikey"] }, { headers: { apikey: "bob-key", "x-mse-consumer": "alice" } });
    expectPassedAs(res, "bob");
  });

  it("removes a client-sent value on requests key-auth does not check", async () => {
    const config = { consumers: [alice], keys: ["apikey"], _rules_: [{ _match_route_: ["chat"], allow: ["alice"] }] };
    const res = await send(config, { route: "other", headers: { "X-Mse-Consumer": "alice" } });
    expect([res.status, consumerOf(res)]).toEqual([200, []]);
  });
});

describe("Authorization: Bearer (beyond Higress)", () => {
  const config = { consumers: [alice], keys: ["authorization"] };

  it.each(["Bearer alice-key", "bearer alice-key", "BEARER alice-key", "Bearer   alice-key", "alice-key"])(
    "accepts Authorization: %s",
    async (value) => {
      expectPassedAs(await send(config, { headers: { authorization: value } }), "alice");
    },
  );

  it.each(["Basic alice-key", "Bearer", "Bearer ", "Bearealice-key", "Bearer\talice-key", "Bearer alice-key2"])(
    "refuses Authorization: %j",
    async (value) => {
      expectUnauthenticated(await send(config, { headers: { authorization: value } }), "key-auth.unknown_key");
    },
  );

  it("also works when the key name is written Authorization", async () => {
    expectPassedAs(await send({ consumers: [alice], keys: ["Authorization"] }, { headers: { authorization: "Bearer alice-key" } }), "alice");
  });

  it("only applies to the authorization header: not to other key names, not to the query", async () => {
    expectUnauthenticated(await send({ consumers: [alice], keys: ["apikey"] }, { headers: { apikey: "Bearer alice-key" } }), "key-auth.unknown_key");
    expectUnauthenticated(await send(config, { path: "/?authorization=Bearer%20alice-key" }), "key-auth.unknown_key");
  });
});

describe("sha256: credentials (beyond Higress)", () => {
  // FIPS 180-4 example: SHA-256("abc").
  const ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  const hashed = (key: string) => "sha256:" + createHash("sha256").update(key).digest("hex");

  it("accepts the key whose SHA-256 is configured (NIST's \"abc\" vector)", async () => {
    const gw = gateway({ consumers: [{ name: "abc", credential: `sha256:${ABC}` }], keys: ["apikey"] });
    expectPassedAs(await gw.request({ headers: { apikey: "abc" } }), "abc");
    expectPassedAs(await gw.request({ path: "/?apikey=abc" }), "abc");
  });

  it("does not accept the configured digest itself as a key", async () => {
    const gw = gateway({ consumers: [{ name: "abc", credential: `sha256:${ABC}` }], keys: ["apikey"] });
    for (const key of [ABC, `sha256:${ABC}`, "abcd", "ABC"]) {
      expectUnauthenticated(await gw.request({ headers: { apikey: key } }), "key-auth.unknown_key");
    }
  });

  it("takes the hex digits in either case", async () => {
    expectPassedAs(await send({ consumers: [{ name: "abc", credential: `sha256:${ABC.toUpperCase()}` }], keys: ["apikey"] }, { headers: { apikey: "abc" } }), "abc");
  });

  it("mixes hashed and plain credentials, also within one consumer and with Bearer", async () => {
    const gw = gateway({
      consumers: [alice, { name: "bob", credentials: [hashed("bob-secret"), "bob-plain"] }],
      keys: ["authorization", "apikey"],
    });
    expectPassedAs(await gw.request({ headers: { apikey: "alice-key" } }), "alice");
    expectPassedAs(await gw.request({ headers: { apikey: "bob-secret" } }), "bob");
    expectPassedAs(await gw.request({ headers: { apikey: "bob-plain" } }), "bob");
    expectPassedAs(await gw.request({ headers: { authorization: "Bearer bob-secret" } }), "bob");
    expectUnauthenticated(await gw.request({ headers: { apikey: hashed("bob-secret") } }), "key-auth.unknown_key");
  });

  it("hashes keys of any length, including multi-block and non-ASCII ones", async () => {
    const long = "k".repeat(300);
    const unicode = "schlüssel-🔑";
    const gw = gateway({ consumers: [{ name: "long", credential: hashed(long) }, { name: "unicode", credential: hashed(unicode) }], keys: ["apikey"] });
    expectPassedAs(await gw.request({ headers: { apikey: long } }), "long");
    expectPassedAs(await gw.request({ path: `/?apikey=${encodeURIComponent(unicode)}` }), "unicode");
  });
});

describe("hide_credentials (beyond Higress)", () => {
  const config = { consumers: [alice], keys: ["apikey", "authorization"] };

  it("defaults to false: the key goes upstream where the client put it", async () => {
    const gw = gateway(config);
    expect((await gw.request({ headers: { apikey: "alice-key" } })).upstream?.headers.get("apikey")).toBe("alice-key");
    expect((await gw.request({ path: "/v1?apikey=alice-key" })).upstream?.headers.get(":path")).toBe("/v1?apikey=alice-key");
  });

  it("true: removes the key's header and keeps the others", async () => {
    const res = await send({ ...config, hide_credentials: true }, { headers: { apikey: "alice-key", "x-trace": "1" } });
    expectPassedAs(res, "alice");
    expect(res.upstream!.headers.has("apikey")).toBe(false);
    expect(res.upstream!.headers.get("x-trace")).toBe("1");
  });

  it("true: removes an Authorization: Bearer header that carried the key", async () => {
    const res = await send({ ...config, hide_credentials: true }, { headers: { authorization: "Bearer alice-key" } });
    expectPassedAs(res, "alice");
    expect(res.upstream!.headers.has("authorization")).toBe(false);
  });

  it.each([
    ["/v1/chat?apikey=alice-key", "/v1/chat"],
    ["/v1/chat?a=1&apikey=alice-key&b=%20x", "/v1/chat?a=1&b=%20x"],
    ["/v1/chat?apikey=alice-key&b=2#frag", "/v1/chat?b=2#frag"],
    ["/v1/chat?api%6bey=alice-key&b=2", "/v1/chat?b=2"],
    ["/v1/chat?apikey=alice-key&apikey=again&c", "/v1/chat?c"],
    ["/v1/chat?a=1&&apikey=alice-key", "/v1/chat?a=1"],
  ])("true: takes the key out of the query: %s → %s", async (path, upstreamPath) => {
    const res = await send({ ...config, hide_credentials: true }, { path });
    expectPassedAs(res, "alice");
    expect(res.upstream!.headers.get(":path")).toBe(upstreamPath);
  });

  it("true: leaves the other bytes of the path as they were, even when they are not UTF-8", async () => {
    const gw = gateway({ ...config, hide_credentials: true });
    const path = Buffer.concat([Buffer.from("/caf\xe9/"), Buffer.from([0xff, 0xc3]), Buffer.from("?q=\x80&apikey=alice-key")]);
    const res = await rawRequest(gw, { path });
    expect(res.status).toBe(200);
    const upstreamPath = res.upstream!.getBytes(Buffer.from(":path"))!;
    expect(upstreamPath.equals(Buffer.concat([Buffer.from("/caf\xe9/"), Buffer.from([0xff, 0xc3]), Buffer.from("?q=\x80")]))).toBe(true);
  });

  it("true: leaves requests it refuses or does not check alone", async () => {
    const gw = gateway({ ...config, hide_credentials: true, _rules_: [{ _match_route_: ["chat"], allow: ["alice"] }] });
    const unchecked = await gw.request({ route: "other", path: "/?apikey=alice-key", headers: { apikey: "alice-key" } });
    expect(unchecked.upstream!.headers.get("apikey")).toBe("alice-key");
    expect(unchecked.upstream!.headers.get(":path")).toBe("/?apikey=alice-key");
  });
});

describe("robustness", () => {
  it("serves many requests on every worker VM without failing", async () => {
    const gw = keyAuth({ consumers: [alice, bob], keys: ["apikey"], hide_credentials: true }, 2);
    open.push(gw);
    for (let i = 0; i < 200; i++) {
      const key = i % 3 === 0 ? "alice-key" : i % 3 === 1 ? "bob-key" : `x${i}`;
      const res = await gw.request({ path: `/r${i}?apikey=${key}&n=${i}` });
      expect(res.status).toBe(i % 3 === 2 ? 401 : 200);
    }
    for (const runtime of gw.plugins[0].runtimes) expect(runtime.vm.failed).toBe(false);
  });

  // Header values of up to 1 KiB are read into one reused buffer (the loan in proxy-runtime's patch),
  // longer ones into memory of their own: both sides of that limit, and a wrong key of each size.
  it.each([1023, 1024, 1025, 4096])("authenticates a %i-byte key in a header, and refuses one byte off", async (length) => {
    const key = "k".repeat(length - 1) + "z";
    const gw = gateway({ consumers: [alice, { name: "long", credential: key }], keys: ["apikey", "x-api-key"] });
    expectPassedAs(await gw.request({ headers: { apikey: key } }), "long");
    expectPassedAs(await gw.request({ headers: { authorization: "x", apikey: "k".repeat(length) , "x-api-key": key } }), "long");
    expectUnauthenticated(await gw.request({ headers: { apikey: key.slice(0, -1) + "y" } }), "key-auth.unknown_key");
    expectPassedAs(await gw.request({ headers: { apikey: "alice-key" } }), "alice");
  });

  it("answers a request with a very long key and path", async () => {
    const res = await send({ consumers: [alice], keys: ["apikey"] }, { path: `/?${"a=b&".repeat(4000)}apikey=alice-key`, headers: { apikey: "" } });
    expectPassedAs(res, "alice");
  });
});
