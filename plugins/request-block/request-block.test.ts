// request-block's behaviour, field by field (each field's effect and its default), then the matching
// order, headers, bodies (chunks, size limit, trailers), rules, what it does beyond Higress's C++
// request-block (decoded forms, case-insensitive regexes, bug #1676), and a pathological regex on a long
// path. Runs build/request-block.wasm.
import { afterEach, describe, expect, it } from "vitest";
import type { Exchange, RequestSpec, TestGateway } from "../../host/testing/index.ts";
import { rawRequest, requestBlock } from "./test-support.ts";

let open: TestGateway[] = [];
afterEach(() => {
  for (const gw of open) {
    for (const runtime of gw.plugins[0].runtimes) expect(runtime.vm.failed, runtime.vm.failure).toBe(false);
    gw.close();
  }
  open = [];
});

function gateway(config: unknown, opts: { bufferLimitBytes?: number } = {}): TestGateway {
  const gw = requestBlock(config, opts);
  open.push(gw);
  return gw;
}

/** Sends each request through one gateway configured with `config`; returns the exchanges. */
async function sendAll(config: unknown, specs: RequestSpec[]): Promise<Exchange[]> {
  const gw = gateway(config);
  const out: Exchange[] = [];
  for (const spec of specs) out.push(await gw.request(spec));
  return out;
}

/** "pass" (the upstream answered), or the details code of the reply (status checked separately where it matters). */
function outcome(res: Exchange): string {
  if (res.status === 200 && res.details === "via_upstream") return "pass";
  return res.details ?? `status ${res.status}`;
}

/** Outcomes of `paths` (GET, no body) under `config`. */
async function pathOutcomes(config: unknown, paths: string[]): Promise<string[]> {
  return (await sendAll(config, paths.map((path) => ({ path })))).map(outcome);
}

function expectBlocked(res: Exchange, details: string, status = 403, body = "") {
  expect([res.status, res.details, res.text()]).toEqual([status, details, body]);
}

describe("blocked answer: blocked_code and blocked_message", () => {
  it("answers 403 with an empty body by default, and the request never reaches the upstream", async () => {
    const [res] = await sendAll({ block_urls: ["secret"] }, [{ path: "/secret" }]);
    expectBlocked(res, "request-block.blocked_url");
    expect(res.upstream).toBeNull();
    expect(res.headers.has("content-type")).toBe(false);
  });

  it("answers blocked_code with blocked_message as the body, for every kind of rule", async () => {
    const config = { block_urls: ["/u"], block_headers: ["x-h"], block_bodies: ["b0dy"], blocked_code: 451, blocked_message: "Unavailable for legal reasons" };
    const [url, header, body] = await sendAll(config, [{ path: "/u" }, { headers: { "x-h": "1" } }, { body: "a b0dy" }]);
    expectBlocked(url, "request-block.blocked_url", 451, "Unavailable for legal reasons");
    expectBlocked(header, "request-block.blocked_header", 451, "Unavailable for legal reasons");
    expectBlocked(body, "request-block.blocked_body", 451, "Unavailable for legal reasons");
    expect(url.headers.get("content-type")).toBe("text/plain");
  });

  it("accepts blocked_code as a numeric string and sends UTF-8 messages as they are", async () => {
    const [res] = await sendAll({ block_urls: ["x"], blocked_code: "404", blocked_message: "已拦截 — blocked" }, [{ path: "/x" }]);
    expectBlocked(res, "request-block.blocked_url", 404, "已拦截 — blocked");
  });

  it("forwards requests that match nothing unchanged", async () => {
    const [res] = await sendAll({ block_urls: ["secret"], block_headers: ["evil"], block_bodies: ["drop table"] }, [
      { path: "/v1/chat?x=1", headers: { "x-note": "fine" }, chunks: ["hello ", "world"] },
    ]);
    expect(outcome(res)).toBe("pass");
    expect(res.upstream!.headers.get(":path")).toBe("/v1/chat?x=1");
    expect(res.upstream!.headers.get("x-note")).toBe("fine");
    expect(res.upstream!.body.toString()).toBe("hello world");
  });
});

describe("block_urls", () => {
  it("blocks a :path containing an entry anywhere, query included", async () => {
    expect(await pathOutcomes({ block_urls: ["password", "pw"] }, ["/password", "/a/b/xpasswordy", "/?text=pw=1", "/v1/pwa", "/pass/word", "/p%20w", "/"])).toEqual([
      "request-block.blocked_url", "request-block.blocked_url", "request-block.blocked_url", "request-block.blocked_url", "pass", "pass", "pass",
    ]);
  });

  it("is case-sensitive by default", async () => {
    expect(await pathOutcomes({ block_urls: ["Swagger"] }, ["/Swagger", "/swagger", "/SWAGGER"])).toEqual(["request-block.blocked_url", "pass", "pass"]);
  });

  it("with case_sensitive false, folds ASCII letters only", async () => {
    const config = { block_urls: ["swagger", "résumé"], case_sensitive: false };
    expect(await pathOutcomes(config, ["/SWAGGER", "/SwAgGeR.html", "/RÉSUMÉ", "/RéSUMé", "/résumé"])).toEqual([
      "request-block.blocked_url", "request-block.blocked_url", "pass", "request-block.blocked_url", "request-block.blocked_url",
    ]);
  });

  it("an empty entry blocks every request (as Higress)", async () => {
    expect(await pathOutcomes({ block_urls: [""] }, ["/", "/anything"])).toEqual(["request-block.blocked_url", "request-block.blocked_url"]);
  });
});

describe("block_exact_urls", () => {
  it("blocks only a :path equal to an entry, query included", async () => {
    const config = { block_exact_urls: ["/web/info", "/a?b=1"] };
    expect(await pathOutcomes(config, ["/web/info", "/web/info/", "/web/info?x", "/x/web/info", "/a?b=1", "/a", "/a?b=12", "/WEB/INFO"])).toEqual([
      "request-block.blocked_url", "pass", "pass", "pass", "request-block.blocked_url", "pass", "pass", "pass",
    ]);
  });

  it("with case_sensitive false, compares ignoring ASCII case", async () => {
    expect(await pathOutcomes({ block_exact_urls: ["/Web/Info"], case_sensitive: false }, ["/WEB/INFO", "/web/info", "/web/inf"])).toEqual([
      "request-block.blocked_url", "request-block.blocked_url", "pass",
    ]);
  });

  it("blocks on its own, without block_urls (Higress bug #1676)", async () => {
    expect(await pathOutcomes({ block_exact_urls: ["/admin"] }, ["/admin", "/admins"])).toEqual(["request-block.blocked_url", "pass"]);
  });
});

describe("block_regexp_urls", () => {
  it("blocks a :path the pattern matches in full, query included", async () => {
    const config = { block_regexp_urls: ["/env.*", "/api/v[0-9]+/admin(/.*)?", ".*[?&]debug=(1|true)(&.*)?"] };
    expect(await pathOutcomes(config, ["/env", "/env/info?x", "/api/v2/admin", "/api/v10/admin/users", "/api/vx/admin", "/x?debug=true", "/x?a=1&debug=1&b", "/x?debug=10", "/my/env"])).toEqual([
      "request-block.blocked_url", "request-block.blocked_url", "request-block.blocked_url", "request-block.blocked_url", "pass", "request-block.blocked_url", "request-block.blocked_url", "pass", "pass",
    ]);
  });

  it("needs a full match: a pattern matching part of the path does not block", async () => {
    expect(await pathOutcomes({ block_regexp_urls: ["/env/[a-z]+", "admin"] }, ["/env/prod", "/env/prod/x", "/api/env/prod", "/admin"])).toEqual([
      "request-block.blocked_url", "pass", "pass", "pass",
    ]);
  });

  it("blocks on its own, without block_urls: the exchange of Higress issue #1676", async () => {
    const config = { block_regexp_urls: [".*name=Alice.*"], blocked_code: 404, case_sensitive: false };
    const [alice, bob] = await sendAll(config, [{ path: "/greet?name=Alice&age=30&city=BeiJing" }, { path: "/greet?name=Bob" }]);
    expectBlocked(alice, "request-block.blocked_url", 404);
    expect(outcome(bob)).toBe("pass");
  });

  it("with case_sensitive false, matches letters in either case and keeps \\D \\S \\W meaning what they say", async () => {
    // Higress lowercases the pattern, which turns /\D+ into /\d+: it would block /d/123 and pass /d/ABC.
    const config = { block_regexp_urls: ["/d/\\D+", "/w/\\W+", "/s/\\S+", "/Key/[A-Z]+"], case_sensitive: false };
    const paths = ["/d/ABC", "/d/abc", "/d/123", "/w/..", "/w/ab", "/s/AB", "/s/", "/KEY/abc", "/key/ABC", "/key/12"];
    expect(await pathOutcomes(config, paths)).toEqual([
      "request-block.blocked_url", "request-block.blocked_url", "pass", "request-block.blocked_url", "pass",
      "request-block.blocked_url", "pass", "request-block.blocked_url", "request-block.blocked_url", "pass",
    ]);
  });

  it("is case-sensitive by default", async () => {
    expect(await pathOutcomes({ block_regexp_urls: ["/Admin.*"] }, ["/Admin/x", "/admin/x"])).toEqual(["request-block.blocked_url", "pass"]);
  });

  it("matches paths that are not UTF-8: such a byte is one character", async () => {
    const gw = gateway({ block_regexp_urls: ["/.*secret.*", "/x.y"] });
    const results = [];
    for (const path of [Buffer.from([0x2f, 0xff, 0xfe, ...Buffer.from("secret")]), Buffer.from([0x2f, 0x78, 0xc3, 0x79]), Buffer.from([0x2f, 0x78, 0x80, 0x80, 0x79])]) {
      results.push((await rawRequest(gw, { path })).details);
    }
    expect(results).toEqual(["request-block.blocked_url", "request-block.blocked_url", "via_upstream"]);
  });

  // Paths of up to 1 KiB are read into one reused buffer (the loan in proxy-runtime's patch), longer
  // ones into memory of their own: a needle at the very end of paths on both sides of that limit,
  // plain and percent-encoded, and the same paths without it.
  it("matches paths on both sides of 1 KiB to their last byte", async () => {
    const config = { block_urls: ["secret"], block_regexp_urls: ["/.*tail-x$"] };
    const paths = [1023, 1024, 1025, 4096].flatMap((length) => {
      const pad = (end: string) => "/" + "p".repeat(length - 1 - end.length) + end;
      return [pad("secret"), pad("secre%74"), pad("tail-x"), pad("secrex"), pad("tail-y")];
    });
    expect(paths.map((p) => p.length)).toEqual([1023, 1024, 1025, 4096].flatMap((n) => Array(5).fill(n)));
    const outcomes = await pathOutcomes(config, paths);
    expect(outcomes).toEqual([1023, 1024, 1025, 4096].flatMap(() => ["request-block.blocked_url", "request-block.blocked_url", "request-block.blocked_url", "pass", "pass"]));
  });

  it("completes (a+)+$ on a 64 KiB path, with the right answer both ways", async () => {
    const a = "a".repeat(64 * 1024);
    // (a+)+$ backtracks exponentially in engines that backtrack; here it is a linear scan.
    const config = { block_regexp_urls: ["/(a+)+$", "/(x+x+)+y"] };
    expect(await pathOutcomes(config, [`/${a}!`, `/${a}`, `/${"x".repeat(64 * 1024)}`, `/${"x".repeat(64 * 1024)}y`])).toEqual([
      "pass", "request-block.blocked_url", "pass", "request-block.blocked_url",
    ]);
  });
});

describe("URLs: percent-decoded paths (beyond Higress)", () => {
  it("matches every URL list against the percent-decoded path too", async () => {
    const config = { block_urls: ["password"], block_exact_urls: ["/admin"], block_regexp_urls: ["/env/.*"] };
    expect(await pathOutcomes(config, ["/pass%77ord", "/%70%61%73%73%77%6F%72%64", "/%61dmin", "/%65nv%2Fx", "/admin%3F", "/pass%2577ord"])).toEqual([
      "request-block.blocked_url", "request-block.blocked_url", "request-block.blocked_url", "request-block.blocked_url", "pass", "pass",
    ]);
  });

  it("leaves '+' and a '%' without two hex digits as they are", async () => {
    const config = { block_urls: ["a b", "%zz", "100%"] };
    expect(await pathOutcomes(config, ["/a+b", "/a%20b", "/%zz", "/100%", "/100%2"])).toEqual([
      "pass", "request-block.blocked_url", "request-block.blocked_url", "request-block.blocked_url", "request-block.blocked_url",
    ]);
  });

  it("decodes case-insensitively too, and forwards the path as sent", async () => {
    const [blocked, passed] = await sendAll({ block_urls: ["password"], case_sensitive: false }, [{ path: "/My%50ASSWORD" }, { path: "/%41%42" }]);
    expect(outcome(blocked)).toBe("request-block.blocked_url");
    expect(passed.upstream!.headers.get(":path")).toBe("/%41%42");
  });

  it("catches a NUL byte hidden in an escape", async () => {
    expect(await pathOutcomes({ block_urls: ["\u0000"] }, ["/a%00b", "/a%01b"])).toEqual(["request-block.blocked_url", "pass"]);
  });
});

describe("block_headers", () => {
  const config = { block_headers: ["x-evil", "evil-value", "x-token: secret", "x-token:secret"] };

  it("blocks a request with a header whose name or value contains an entry", async () => {
    const results = await sendAll(config, [
      { headers: { "x-evil": "1" } },
      { headers: { "x-evil-twin": "1" } },
      { headers: { "x-note": "an evil-value here" } },
      { headers: { "x-note": "fine" } },
    ]);
    expect(results.map(outcome)).toEqual(["request-block.blocked_header", "request-block.blocked_header", "request-block.blocked_header", "pass"]);
    expect(results[0].upstream).toBeNull();
  });

  it("never matches across a name and its value", async () => {
    const [res] = await sendAll(config, [{ headers: { "x-token": "secret" } }]);
    expect(outcome(res)).toBe("pass");
    expect(res.upstream!.headers.get("x-token")).toBe("secret");
  });

  // Header maps of up to 1 KiB are read into one reused buffer (the loan), larger ones into memory of
  // their own: an entry in the last header of maps on both sides of that size.
  it.each([200, 1000, 3000])("blocks on the last header of a map with a %i-byte header before it", async (size) => {
    const results = await sendAll(config, [
      { headers: [["x-pad", "p".repeat(size)], ["x-last", "an evil-value"]] },
      { headers: [["x-pad", "p".repeat(size)], ["x-last", "an evil-valu"]] },
    ]);
    expect(results.map(outcome)).toEqual(["request-block.blocked_header", "pass"]);
  });

  it("never matches across two headers", async () => {
    expect((await sendAll({ block_headers: ["ab"] }, [{ headers: [["x-1", "a"], ["b", "2"]] }])).map(outcome)).toEqual(["pass"]);
  });

  it("searches the pseudo-headers :path, :method and :authority too", async () => {
    const results = await sendAll({ block_headers: ["/internal", "DELETE", "admin.example.com"] }, [
      { path: "/internal/x" },
      { method: "DELETE", path: "/x" },
      { authority: "admin.example.com" },
      { authority: "www.example.com", path: "/x" },
    ]);
    expect(results.map(outcome)).toEqual(["request-block.blocked_header", "request-block.blocked_header", "request-block.blocked_header", "pass"]);
  });

  it("checks every value of a repeated header", async () => {
    expect((await sendAll({ block_headers: ["bad"] }, [{ headers: [["x-v", "ok"], ["x-v", "bad"]] }])).map(outcome)).toEqual(["request-block.blocked_header"]);
  });

  it("sees names in lower case: an upper-case needle matches names only when case_sensitive is false", async () => {
    const results = await sendAll({ block_headers: ["X-Evil"] }, [{ headers: { "X-Evil": "1" } }, { headers: { "x-note": "X-Evil" } }]);
    expect(results.map(outcome)).toEqual(["pass", "request-block.blocked_header"]);
    expect((await sendAll({ block_headers: ["X-Evil"], case_sensitive: false }, [{ headers: { "x-evil": "1" } }])).map(outcome)).toEqual(["request-block.blocked_header"]);
  });

  it("does not decode header values", async () => {
    expect((await sendAll({ block_headers: ["secret"] }, [{ headers: { "x-v": "s%65cret" } }])).map(outcome)).toEqual(["pass"]);
  });

  it("matches values that are not UTF-8", async () => {
    const gw = gateway({ block_headers: ["\u00ff"] });
    const latin1 = await rawRequest(gw, { headers: [["x-v", Buffer.from([0x61, 0xff])]] });
    const utf8 = await rawRequest(gw, { headers: [["x-v", Buffer.from("aÿ")]] });
    expect([latin1.details, utf8.details]).toEqual(["via_upstream", "request-block.blocked_header"]);
  });
});

describe("block_bodies", () => {
  it("blocks a body containing an entry; the body never reaches the upstream", async () => {
    const [hit, miss] = await sendAll({ block_bodies: ["hello world"] }, [{ body: "say hello world!" }, { body: "hello higress" }]);
    expectBlocked(hit, "request-block.blocked_body");
    expect(hit.upstream?.body.length ?? 0).toBe(0);
    expect(miss.upstream!.body.toString()).toBe("hello higress");
  });

  it("is case-sensitive by default, folds ASCII with case_sensitive false", async () => {
    expect((await sendAll({ block_bodies: ["Hello World"] }, [{ body: "hello world" }, { body: "Hello World" }])).map(outcome)).toEqual(["pass", "request-block.blocked_body"]);
    expect((await sendAll({ block_bodies: ["Hello World"], case_sensitive: false }, [{ body: "HELLO world" }])).map(outcome)).toEqual(["request-block.blocked_body"]);
  });

  it("reads block_bodys (Higress's older spelling), and both lists when both are given", async () => {
    expect((await sendAll({ block_bodys: ["old"] }, [{ body: "an old one" }])).map(outcome)).toEqual(["request-block.blocked_body"]);
    const both = { block_bodys: ["old"], block_bodies: ["new"] };
    expect((await sendAll(both, [{ body: "old" }, { body: "new" }, { body: "neither" }])).map(outcome)).toEqual(["request-block.blocked_body", "request-block.blocked_body", "pass"]);
  });

  it("never checks a request without a body, even with an empty entry", async () => {
    const results = await sendAll({ block_bodies: [""] }, [{ path: "/" }, { body: "x" }]);
    expect(results.map(outcome)).toEqual(["pass", "request-block.blocked_body"]);
  });

  it("does not hold bodies when there are no body rules", async () => {
    const [res] = await sendAll({ block_urls: ["nothing"] }, [{ chunks: ["a", "b", "c"] }]);
    expect(res.upstream!.chunks.map(String)).toEqual(["a", "b", "c"]);
  });

  it("matches bodies that are not UTF-8", async () => {
    const gw = gateway({ block_bodies: ["\u00e9t\u00e9"] });
    const utf8 = await gw.request({ body: Buffer.from("un été chaud") });
    const latin1 = await gw.request({ body: Buffer.from([0x75, 0x6e, 0x20, 0xe9, 0x74, 0xe9]) });
    const broken = await gw.request({ body: Buffer.concat([Buffer.from([0xff, 0xc3]), Buffer.from("été"), Buffer.from([0xe2, 0x82])]) });
    expect([outcome(utf8), outcome(latin1), outcome(broken)]).toEqual(["request-block.blocked_body", "pass", "request-block.blocked_body"]);
  });
});

describe("bodies: decoded forms (beyond Higress)", () => {
  it("matches the JSON-unescaped body: \\u escapes, surrogate pairs and short escapes", async () => {
    const config = { block_bodies: ["password", "ключ", "🔑", "http://evil.example", 'say "hi"', "a\tb"] };
    const bodies = [
      '{"q":"my pass\\u0077ord"}',
      '{"q":"\\u043a\\u043b\\u044e\\u0447"}',
      '{"q":"\\ud83d\\udd11"}',
      '{"q":"http:\\/\\/evil.example"}',
      '{"q":"say \\"hi\\""}',
      '{"q":"a\\tb"}',
      '{"q":"pass\\\\u0077ord"}', // an escaped backslash, then the text u0077: not a w
      '{"q":"pass\\u077ord"}', // three hex digits: kept as is
    ];
    expect((await sendAll(config, bodies.map((body) => ({ body })))).map(outcome)).toEqual([
      "request-block.blocked_body", "request-block.blocked_body", "request-block.blocked_body", "request-block.blocked_body",
      "request-block.blocked_body", "request-block.blocked_body", "pass", "pass",
    ]);
  });

  it("matches the percent-decoded body, after JSON-unescaping", async () => {
    const config = { block_bodies: ["password=", "drop table"] };
    const bodies = ["user=a&pass%77ord=b", "q=drop%20table", "q=drop+table", '{"u":"drop%20t\\u0061ble"}', "pass%2577ord="];
    expect((await sendAll(config, bodies.map((body) => ({ body })))).map(outcome)).toEqual([
      "request-block.blocked_body", "request-block.blocked_body", "pass", "request-block.blocked_body", "pass",
    ]);
  });

  it("forwards the body as sent when nothing matches", async () => {
    const body = '{"q":"\\u0068i %41"}';
    const [res] = await sendAll({ block_bodies: ["secret"] }, [{ body }]);
    expect(res.upstream!.body.toString()).toBe(body);
  });
});

describe("bodies in chunks (beyond Higress)", () => {
  it("finds an entry split between two chunks at every position", async () => {
    const gw = gateway({ block_bodies: ["password"] });
    const body = "xx password yy";
    for (let cut = 0; cut <= body.length; cut++) {
      const res = await gw.request({ chunks: [body.slice(0, cut), body.slice(cut)] });
      expect(outcome(res), `cut at ${cut}`).toBe("request-block.blocked_body");
    }
  });

  it("finds an entry sent one byte per chunk, and an escape split across chunks", async () => {
    const results = await sendAll({ block_bodies: ["password"] }, [
      { chunks: [..."my password"] },
      { chunks: ['{"q":"pass\\u00', '77ord"}'] },
      { chunks: ["pass%7", "7ord"] },
      { chunks: [..."my passw0rd"] },
    ]);
    expect(results.map(outcome)).toEqual(["request-block.blocked_body", "request-block.blocked_body", "request-block.blocked_body", "pass"]);
    expect(results[3].upstream!.body.toString()).toBe("my passw0rd");
  });
});

describe("max_body_bytes and oversize_body (beyond Higress)", () => {
  const needle = "BEGIN PRIVATE KEY";

  it("inspects bodies up to max_body_bytes, in any number of chunks", async () => {
    const body = "x".repeat(990) + needle;
    const results = await sendAll({ block_bodies: [needle], max_body_bytes: 1007 }, [{ body }, { chunks: [body.slice(0, 500), body.slice(500)] }]);
    expect(body.length).toBe(1007);
    expect(results.map(outcome)).toEqual(["request-block.blocked_body", "request-block.blocked_body"]);
  });

  it("allow (the default): a larger body goes on, with only its first max_body_bytes inspected", async () => {
    const config = { block_bodies: [needle], max_body_bytes: 100 };
    const late = "y".repeat(100) + needle;
    const early = needle + "y".repeat(100);
    const straddling = "y".repeat(90) + needle;
    const results = await sendAll(config, [{ chunks: [late.slice(0, 60), late.slice(60)] }, { body: late }, { chunks: [early.slice(0, 50), early.slice(50)] }, { body: straddling }]);
    expect(results.map(outcome)).toEqual(["pass", "pass", "request-block.blocked_body", "pass"]);
    expect(results[0].upstream!.body.toString()).toBe(late);
  });

  it("block: a larger body gets 413, unless its first max_body_bytes already match", async () => {
    const config = { block_bodies: [needle], max_body_bytes: 100, oversize_body: "block", blocked_code: 400 };
    const results = await sendAll(config, [{ body: "y".repeat(101) }, { chunks: ["y".repeat(60), "y".repeat(41)] }, { body: needle + "y".repeat(100) }, { body: "y".repeat(100) }]);
    expectBlocked(results[0], "request-block.body_too_large", 413, "request body too large to inspect");
    expectBlocked(results[1], "request-block.body_too_large", 413, "request body too large to inspect");
    expectBlocked(results[2], "request-block.blocked_body", 400);
    expect(outcome(results[3])).toBe("pass");
  });

  it("defaults to 1 MiB", async () => {
    const MiB = 1024 * 1024;
    const gw = gateway({ block_bodies: [needle], oversize_body: "block" }, { bufferLimitBytes: 4 * MiB });
    const within = await gw.request({ chunks: ["y".repeat(MiB - needle.length - 1), needle] });
    const over = await gw.request({ chunks: ["y".repeat(MiB), "y"] });
    expect([outcome(within), outcome(over)]).toEqual(["request-block.blocked_body", "request-block.body_too_large"]);
  });

  it("cannot act on bodies past Envoy's buffer limit: Envoy answers 413 itself while the body is held", async () => {
    // Documented in the README: keep max_body_bytes below Envoy's limit by at least one read.
    const gw = gateway({ block_bodies: [needle], max_body_bytes: 3000 }, { bufferLimitBytes: 2000 });
    const res = await gw.request({ chunks: ["y".repeat(1500), "y".repeat(1500), "y"] });
    expect([res.status, res.details]).toEqual([413, "request_payload_too_large"]);
    const below = gateway({ block_bodies: [needle], max_body_bytes: 1000 }, { bufferLimitBytes: 2000 });
    const passed = await below.request({ chunks: ["y".repeat(900), "y".repeat(900), "y".repeat(900)] });
    expect(outcome(passed)).toBe("pass");
    expect(passed.upstream!.body.length).toBe(2700);
  });
});

describe("bodies followed by trailers (beyond Higress)", () => {
  it("checks the body when the trailers arrive", async () => {
    const results = await sendAll({ block_bodies: ["secret"] }, [
      { chunks: ["a sec", "ret"], trailers: { "grpc-status": "0" } },
      { chunks: ["harmless"], trailers: { "x-checksum": "1" } },
    ]);
    expectBlocked(results[0], "request-block.blocked_body");
    expect(outcome(results[1])).toBe("pass");
    expect(results[1].upstream!.body.toString()).toBe("harmless");
    expect(results[1].upstream!.trailers!.get("x-checksum")).toBe("1");
  });

  it("does not search the trailers themselves", async () => {
    expect((await sendAll({ block_bodies: ["secret"] }, [{ chunks: ["x"], trailers: { "x-t": "secret" } }])).map(outcome)).toEqual(["pass"]);
  });
});

describe("matching order", () => {
  it("checks the URL, then headers, then the body: the first kind that matches answers", async () => {
    const config = { block_urls: ["/u"], block_headers: ["x-h"], block_bodies: ["b0dy"] };
    const results = await sendAll(config, [
      { path: "/u", headers: { "x-h": "1" }, body: "b0dy" },
      { path: "/", headers: { "x-h": "1" }, body: "b0dy" },
      { path: "/", body: "b0dy" },
    ]);
    expect(results.map(outcome)).toEqual(["request-block.blocked_url", "request-block.blocked_header", "request-block.blocked_body"]);
    // Header rules answer before the body is read: nothing reaches the upstream.
    expect(results[1].upstream).toBeNull();
  });
});

describe("rules", () => {
  const config = {
    block_urls: ["swagger"],
    blocked_code: 451,
    _rules_: [
      { _match_route_: ["admin-route"], block_urls: ["admin"], case_sensitive: false },
      { _match_domain_: ["*.internal.example"], block_bodies: ["secret"], blocked_message: "internal" },
    ],
  };

  it("applies the first matching rule as a whole configuration, else the global one", async () => {
    const gw = gateway(config);
    const cases: [RequestSpec, number][] = [
      [{ route: "public", path: "/swagger" }, 451],
      [{ route: "public", path: "/admin" }, 200],
      [{ route: "admin-route", path: "/ADMIN" }, 403], // inherits neither blocked_code nor the global list
      [{ route: "admin-route", path: "/swagger" }, 200],
      [{ route: "public", authority: "api.internal.example", body: "a secret" }, 403],
      [{ route: "public", authority: "api.internal.example", path: "/swagger" }, 200],
      [{ route: "admin-route", authority: "api.internal.example", path: "/admin" }, 403], // first match wins
    ];
    for (const [spec, status] of cases) expect((await gw.request(spec)).status, JSON.stringify(spec)).toBe(status);
    expect((await gw.request({ authority: "x.internal.example", body: "secret" })).text()).toBe("internal");
  });

  it("leaves requests no rule matches alone when there is no global part", async () => {
    const gw = gateway({ _rules_: [{ _match_route_: ["r"], block_urls: ["x"] }] });
    expect([(await gw.request({ route: "r", path: "/x" })).status, (await gw.request({ route: "s", path: "/x" })).status]).toEqual([403, 200]);
  });

  it("is off with an empty configuration", async () => {
    const gw = gateway("");
    expect((await gw.request({ path: "/anything", body: "anything" })).status).toBe(200);
  });
});
