// proxy_get_property as a module sees it across requests: each path (remembered by its bytes after the
// first call) must keep resolving to its own value, strings must arrive as their UTF-8 bytes whatever
// their length or alphabet, and header values as the exact bytes the map holds (no decoding round trip).
import wabtInit from "wabt";
import { describe, expect, it } from "vitest";
import { Host, HeaderMap, HttpStream, newStreamInfo } from "../index.ts";

const wabt = await wabtInit();

/** WAT string literal of raw bytes. */
const watBytes = (b: Uint8Array) => [...b].map((x) => `\\${x.toString(16).padStart(2, "0")}`).join("");

/**
 * On request headers the module reads every path and adds header `x-p<i>` with the value it got (or
 * `x-e<i>` holding the error code as one byte), through its own bump allocator reset per request.
 */
function propertyEcho(paths: string[]): Uint8Array {
  const pathAt = (i: number) => 16384 + i * 64;
  const keyAt = (i: number) => 4096 + i * 16; // "x-p<i>" then "x-e<i>" at +8
  const key = (i: number) => `x-p${i}`.length;
  const data = paths.map((p, i) => `(data (i32.const ${pathAt(i)}) "${watBytes(Buffer.from(p))}")`);
  const keys = paths.map((_, i) => `(data (i32.const ${keyAt(i)}) "x-p${i}") (data (i32.const ${keyAt(i) + 8}) "x-e${i}")`);
  const reads = paths.map((p, i) => `
    (local.set $r (call $prop (i32.const ${pathAt(i)}) (i32.const ${Buffer.byteLength(p)}) (i32.const 8) (i32.const 12)))
    (if (i32.eqz (local.get $r))
      (then (drop (call $add (i32.const 0) (i32.const ${keyAt(i)}) (i32.const ${key(i)}) (i32.load (i32.const 8)) (i32.load (i32.const 12)))))
      (else (i32.store8 (i32.const 0) (local.get $r))
            (drop (call $add (i32.const 0) (i32.const ${keyAt(i) + 8}) (i32.const ${key(i)}) (i32.const 0) (i32.const 1)))))`);
  const text = `(module
    (import "env" "proxy_get_property" (func $prop (param i32 i32 i32 i32) (result i32)))
    (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    ${data.join("\n    ")}
    ${keys.join("\n    ")}
    (global $heap (mut i32) (i32.const 32768))
    (func (export "malloc") (param $n i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get $n)))
      (local.get $p))
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "proxy_on_context_create") (param i32 i32))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) i32.const 1)
    (func (export "proxy_on_configure") (param i32 i32) (result i32) i32.const 1)
    (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
      (local $r i32)
      (global.set $heap (i32.const 32768))
      ${reads.join("")}
      i32.const 0))`;
  return new Uint8Array(wabt.parseWat("props.wat", text).toBinary({}).buffer);
}

/** Runs `requests` streams through the module; returns the headers each one sent upstream. */
function run(paths: string[], opts: { name: string; route: string; headers: HeaderMap; requests: number }): HeaderMap[] {
  const host = new Host();
  const plugin = host.loadPlugin({ name: opts.name, wasm: propertyEcho(paths) });
  const upstream: HeaderMap[] = [];
  const sink = {
    upstreamHeaders: (h: HeaderMap) => upstream.push(h),
    upstreamData() {}, upstreamTrailers() {}, downstreamHeaders() {}, downstreamData() {}, downstreamTrailers() {}, reset() {},
  };
  for (let i = 0; i < opts.requests; i++) {
    const stream = new HttpStream([plugin.runtime(0)], newStreamInfo({ routeName: opts.route }), sink, 1 << 20);
    stream.sendRequestHeaders(opts.headers.clone(), true);
  }
  host.close();
  return upstream;
}

const NOT_FOUND = 1;

describe("proxy_get_property values", () => {
  // "plugin_name" and "route_name\0" have the same length: a path found by its bytes must not be
  // confused with another of that length.
  const paths = ["plugin_name", "route_name\0", "request\0host", "request\0url_path", "xds\0route_name", "request\0referer", "plugin\0name"];
  const name = "plügin-ñame-日本";
  const route = "a-route-name-longer-than-thirty-two-bytes-to-take-the-bulk-copy";
  const headers = HeaderMap.from([[":method", "GET"], [":path", "/x/y?z=1"], [":scheme", "http"]]);
  headers.add(Buffer.from(":authority"), Buffer.from([0x61, 0xe9, 0xff, 0x2e, 0x63])); // not UTF-8

  const results = run(paths, { name, route, headers, requests: 3 });

  it("answers every request, the first (paths decoded) and the later ones (paths remembered), alike", () => {
    expect(results).toHaveLength(3);
    const seen = results.map((h) => h.entries().filter(([k]) => /^x-[pe]\d$/.test(k)));
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
  });

  it("copies non-ASCII and long strings as their UTF-8 bytes", () => {
    const h = results[2];
    expect(h.getBytes(Buffer.from("x-p0"))).toEqual(Buffer.from(name));
    expect(h.getBytes(Buffer.from("x-p1"))).toEqual(Buffer.from(route));
    expect(h.getBytes(Buffer.from("x-p4"))).toEqual(Buffer.from(route));
  });

  it("hands out header values as the bytes the map holds, even when they are not UTF-8", () => {
    const h = results[2];
    expect(h.getBytes(Buffer.from("x-p2"))).toEqual(Buffer.from([0x61, 0xe9, 0xff, 0x2e, 0x63]));
    expect(h.get("x-p3")).toBe("/x/y");
  });

  it("answers NotFound for an absent header and an unknown path", () => {
    const h = results[2];
    expect(h.has("x-p5")).toBe(false);
    expect(h.getBytes(Buffer.from("x-e5"))).toEqual(Buffer.from([NOT_FOUND]));
    expect(h.getBytes(Buffer.from("x-e6"))).toEqual(Buffer.from([NOT_FOUND]));
  });

  it("keeps resolving correctly past the number of paths it remembers", () => {
    const many = Array.from({ length: 80 }, (_, i) => `request\0headers\0x-h${i}`);
    const hdrs = HeaderMap.from(Array.from({ length: 80 }, (_, i) => [`x-h${i}`, `v${i}`] as [string, string]));
    const [, second] = run(many, { name: "many", route: "r", headers: hdrs, requests: 2 });
    for (let i = 0; i < 80; i++) expect(second.get(`x-p${i}`)).toBe(`v${i}`);
  });
});
