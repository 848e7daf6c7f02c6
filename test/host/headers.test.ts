// Header and trailer maps as Envoy hands them to a plugin (Envoy source/extensions/common/wasm/context.cc:
// getMap/getConstMap, get/add/replace/removeHeaderMapValue, get/setHeaderMapPairs, getHeaderMapSize).
import { afterEach, describe, expect, it } from "vitest";
import type { TestGateway } from "../../host/testing/index.ts";
import { R, conformanceGateway, loggedReport, num } from "./support/conformance.ts";

let gw: TestGateway;
afterEach(() => gw?.close());

describe("header map calls in on_request_headers", () => {
  async function run() {
    gw = await conformanceGateway();
    const res = await gw.request({
      path: "/p?q=1",
      headers: [["x-scenario", "headers"], ["x-multi", "a"], ["x-multi", "b"], ["x-remove-me", "1"]],
    });
    return { res, report: loggedReport(gw, "headers") };
  }

  it("gets the first value, case-insensitively, and NotFound for a missing key", async () => {
    const { report } = await run();
    expect(report.get("get.path")).toBe(String(R.Ok));
    expect(report.get("get.path.value")).toBe("/p?q=1");
    expect(report.get("get.upper_key.value")).toBe("headers");
    expect(report.get("get.multi.value")).toBe("a");
    expect(num(report, "get.missing")).toBe(R.NotFound);
  });

  it("answers BadArgument for a map type out of range or not available in this callback", async () => {
    const { report } = await run();
    for (const key of [
      "get.map_out_of_range", "get.response_map_now", "get.http_call_map_now",
      "add.response_map_now", "add.map_out_of_range", "replace.map_out_of_range", "remove.map_out_of_range",
      "pairs.map_out_of_range", "set_pairs.map_out_of_range", "set_pairs.response_map_now",
      "size.response_map_now", "size.map_out_of_range",
    ]) {
      expect([key, num(report, key)]).toEqual([key, R.BadArgument]);
    }
  });

  it("answers InvalidMemoryAccess for pointers outside the module's memory", async () => {
    const { report } = await run();
    for (const key of ["get.bad_key_ptr", "add.bad_value_ptr", "remove.bad_key_ptr", "set_pairs.bad_ptr"]) {
      expect([key, num(report, key)]).toEqual([key, R.InvalidMemoryAccess]);
    }
  });

  it("adds with a lowercased key, replaces every value, removes (Ok even when absent)", async () => {
    const { res, report } = await run();
    for (const key of ["add", "replace.multi", "replace.absent", "remove.present", "remove.absent"]) {
      expect([key, num(report, key)]).toEqual([key, R.Ok]);
    }
    const up = res.upstream!.headers;
    expect(up.getAll("x-added")).toEqual(["v1"]);
    expect(up.entries().some(([k]) => k === "X-Added")).toBe(false);
    expect(up.getAll("x-multi")).toEqual(["c"]);
    expect(up.get("x-replaced-new")).toBe("n");
    expect(up.has("x-remove-me")).toBe(false);
  });

  it("serializes the map as pairs, pseudo-headers first; an unavailable map is empty (ptr 0, size 0)", async () => {
    const { res, report } = await run();
    expect(num(report, "pairs")).toBe(R.Ok);
    expect(report.get("pairs.first_key")).toBe(":method");
    // Read before the scenario's later edits: the client's 4 pseudo-headers + x-scenario, 2 x-multi,
    // x-remove-me, after adding x-added, replacing x-multi and adding x-replaced-new, removing x-remove-me.
    expect(num(report, "pairs.count")).toBe(res.upstream!.headers.size);
    expect(num(report, "pairs.response_map_now")).toBe(R.Ok);
    expect(num(report, "pairs.response_map_now.ptr")).toBe(0);
    expect(num(report, "pairs.response_map_now.size")).toBe(0);
  });

  it("reports the map's byte size (sum of key and value lengths)", async () => {
    const { res, report } = await run();
    expect(num(report, "size")).toBe(R.Ok);
    const expected = res.upstream!.headers.entries().reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(num(report, "size.num")).toBe(expected);
  });
});

describe("header maps across callbacks", () => {
  it("replaces the whole map with set_header_map_pairs, lowercasing keys", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({ path: "/orig", headers: { "x-scenario": "set-pairs", "x-gone": "1" } });
    expect(num(loggedReport(gw, "set-pairs"), "set_pairs")).toBe(R.Ok);
    const up = res.upstream!.headers;
    expect(up.get(":path")).toBe("/rewritten");
    expect(up.get(":authority")).toBe("rewritten.example");
    expect(up.get("x-only")).toBe("1");
    expect(up.has("x-gone")).toBe(false);
    expect(up.has("x-scenario")).toBe(false);
  });

  it("makes a map read-only-gone once its callback returned Continue (BadArgument), keeps the current one writable", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({ headers: { "x-scenario": "stale-map" }, body: "hello" });
    const inBody = loggedReport(gw, "stale-map.request-body");
    expect(num(inBody, "add.request_headers")).toBe(R.BadArgument);
    expect(num(inBody, "get.request_headers")).toBe(R.BadArgument);
    expect(num(inBody, "size.request_headers")).toBe(R.BadArgument);
    expect(num(inBody, "pairs.request_headers")).toBe(R.Ok);
    expect(num(inBody, "pairs.request_headers.count")).toBe(0);
    const inRespHeaders = loggedReport(gw, "stale-map.response-headers");
    expect(num(inRespHeaders, "add.response_headers")).toBe(R.Ok);
    expect(num(inRespHeaders, "add.request_headers")).toBe(R.BadArgument);
    const inRespBody = loggedReport(gw, "stale-map.response-body");
    expect(num(inRespBody, "add.response_headers")).toBe(R.BadArgument);
    expect(num(inRespBody, "get.response_headers")).toBe(R.BadArgument);
    expect(res.headers.get("x-resp")).toBe("1");
    expect(res.upstream!.headers.has("x-late")).toBe(false);
  });

  it("lets on_log read the final maps but change nothing; an absent map is NotFound there", async () => {
    gw = await conformanceGateway();
    await gw.request({ path: "/logged", headers: { "x-scenario": "log-maps" }, trailers: { "x-t": "1" }, body: "b" });
    const report = loggedReport(gw, "log-maps");
    expect(report.get("get.request_path.value")).toBe("/logged");
    expect(report.get("get.response_status.value")).toBe("200");
    expect(num(report, "get.missing")).toBe(R.NotFound);
    // Envoy gives on_log no request trailers: NotFound (not BadArgument) in the access-log phase.
    expect(num(report, "get.request_trailers")).toBe(R.NotFound);
    expect(num(report, "add.request_headers")).toBe(R.BadArgument);
    expect(num(report, "add.response_headers")).toBe(R.BadArgument);
    expect(num(report, "pairs.response_headers")).toBe(R.Ok);
    expect(num(report, "pairs.response_headers.count")).toBeGreaterThan(0);
  });

  it("hands trailers to their callbacks, writable there, and keeps the other direction's map unavailable", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({
      headers: { "x-scenario": "trailers" },
      body: "b",
      trailers: { "x-t": "1" },
      upstream: { status: 200, body: "r", trailers: { "x-rt": "orig" } },
    });
    const req = loggedReport(gw, "trailers.request");
    expect(req.get("get.value")).toBe("1");
    expect(num(req, "add")).toBe(R.Ok);
    expect(num(req, "add.response_trailers_now")).toBe(R.BadArgument);
    expect(res.upstream!.trailers!.get("x-t-added")).toBe("2");
    const resp = loggedReport(gw, "trailers.response");
    expect(resp.get("get.value")).toBe("orig");
    expect(num(resp, "replace")).toBe(R.Ok);
    expect(num(resp, "add.request_trailers_now")).toBe(R.BadArgument);
    expect(res.trailers!.get("x-rt")).toBe("changed");
  });

  it("turns a malformed pairs buffer into an empty map instead of an error", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({ headers: { "x-scenario": "malformed-trailers" }, body: "b", trailers: { "x-t": "1" } });
    expect(num(loggedReport(gw, "malformed-trailers"), "set_pairs")).toBe(R.Ok);
    expect(res.upstream!.trailers!.size).toBe(0);
  });
});
