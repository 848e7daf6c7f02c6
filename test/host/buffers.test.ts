// Bodies and other buffers (Envoy context.cc getBuffer and Buffer::copyFrom; cpp-host exports.cc
// get_buffer_bytes / get_buffer_status / set_buffer_bytes), and the body callbacks' return codes.
import { afterEach, describe, expect, it } from "vitest";
import type { TestGateway } from "../../host/testing/index.ts";
import { R, conformanceGateway, loggedReport, loggedReports, num, traceOf } from "./support/conformance.ts";

let gw: TestGateway;
afterEach(() => gw?.close());

describe("proxy_set_buffer_bytes on the request body", () => {
  // Envoy's Buffer::copyFrom: start 0 drains `length` bytes then prepends (so length >= size replaces);
  // start >= size appends; any other start is BadArgument.
  const cases: [op: string, result: number, body: string][] = [
    ["prepend", R.Ok, "XYhello world"],
    ["replace", R.Ok, "XY"],
    ["replace-longer", R.Ok, "XY"],
    ["drain", R.Ok, "XYlo world"],
    ["append", R.Ok, "hello worldXY"],
    ["append-beyond", R.Ok, "hello worldXY"],
    ["middle", R.BadArgument, "hello world"],
  ];
  for (const [op, result, body] of cases) {
    it(`${op}: answers ${result} and the upstream gets ${JSON.stringify(body)}`, async () => {
      gw = await conformanceGateway();
      const res = await gw.request({ headers: { "x-scenario": "body-edit", "x-op": op }, body: "hello world" });
      const report = loggedReport(gw, "body-edit");
      expect(num(report, "set")).toBe(result);
      expect(report.get("after.value")).toBe(body);
      expect(res.upstream!.body.toString()).toBe(body);
    });
  }

  it("edits the response body the same way", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({
      headers: { "x-scenario": "response-body-edit", "x-op": "drain" },
      upstream: { status: 200, body: "hello world" },
    });
    expect(num(loggedReport(gw, "response-body-edit"), "set")).toBe(R.Ok);
    expect(res.text()).toBe("XYlo world");
  });
});

describe("buffer reads and their error results", () => {
  async function run() {
    gw = await conformanceGateway({ plugins: [{ vmConfiguration: "vm-config-text" }] });
    await gw.request({ headers: { "x-scenario": "buffer-checks" }, body: "0123456789" });
    return { headers: loggedReport(gw, "buffer-checks.headers"), body: loggedReport(gw, "buffer-checks.body") };
  }

  it("shows an empty, immutable request body before the body arrives", async () => {
    const { headers } = await run();
    expect(num(headers, "status.request_body")).toBe(R.Ok);
    expect(num(headers, "status.request_body.num")).toBe(0);
    expect(num(headers, "set.request_body")).toBe(R.BadArgument);
  });

  it("copies windows, clamps to the end, and answers an empty (ptr 0, size 0) copy past the end", async () => {
    const { body } = await run();
    expect(num(body, "callback_size")).toBe(10);
    expect(num(body, "status.request_body.num")).toBe(10);
    expect(body.get("get.all.value")).toBe("0123456789");
    expect(body.get("get.window.value")).toBe("234");
    expect(body.get("get.clamped.value")).toBe("89");
    expect(num(body, "get.past_end")).toBe(R.Ok);
    expect(num(body, "get.past_end.ptr")).toBe(0);
    expect(num(body, "get.past_end.size")).toBe(0);
  });

  it("clamps a length that runs past the end however large (cpp-host checks overflow in 64 bits)", async () => {
    const { body } = await run();
    expect(num(body, "get.huge_length")).toBe(R.Ok);
    expect(body.get("get.huge_length.value")).toBe("123456789");
  });

  it("answers BadArgument for a type out of range or writing a read-only buffer", async () => {
    const { body } = await run();
    for (const key of ["get.type_out_of_range", "status.type_out_of_range", "set.vm_config", "set.type_out_of_range"]) {
      expect([key, num(body, key)]).toEqual([key, R.BadArgument]);
    }
  });

  it("answers NotFound only for the http-call body outside its callback and the plugin configuration outside configure", async () => {
    const { body } = await run();
    expect(num(body, "get.http_call_body_now")).toBe(R.NotFound);
    expect(num(body, "status.http_call_body_now")).toBe(R.NotFound);
    expect(num(body, "get.plugin_config_now")).toBe(R.NotFound);
    // Envoy's getBuffer returns an empty buffer (not nullptr) for the network, gRPC and call-data types.
    for (const key of ["status.downstream", "status.grpc_receive", "status.call_data"]) {
      expect([key, num(body, key), num(body, `${key}.num`)]).toEqual([key, R.Ok, 0]);
    }
  });

  it("serves the VM configuration at any time", async () => {
    const { body } = await run();
    expect(body.get("get.vm_config.value")).toBe("vm-config-text");
  });

  it("answers InvalidMemoryAccess for pointers outside the module's memory", async () => {
    const { body } = await run();
    for (const key of ["set.bad_data_ptr", "get.bad_out_ptr", "status.bad_out_ptr"]) {
      expect([key, num(body, key)]).toEqual([key, R.InvalidMemoryAccess]);
    }
  });
});

describe("body callbacks", () => {
  it("StopIterationAndBuffer: each call gets the TOTAL buffered size, the last one the whole body", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({ headers: { "x-scenario": "buffer" }, chunks: ["aaa", "bbbb", "cc"] });
    const calls = loggedReports(gw, "buffer");
    expect(calls.map((r) => [r.get("size"), r.get("eos")])).toEqual([["3", "0"], ["7", "0"], ["9", "1"]]);
    expect(calls[2].get("body.value")).toBe("aaabbbbcc");
    expect(res.upstream!.body.toString()).toBe("aaabbbbcc");
    expect(res.upstream!.chunks).toHaveLength(1);
  });

  it("buffers the response body the same way", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({ headers: { "x-scenario": "buffer-response" }, upstream: { status: 200, chunks: ["12", "345"] } });
    const calls = loggedReports(gw, "buffer-response");
    expect(calls.map((r) => r.get("size"))).toEqual(["2", "5"]);
    expect(calls[1].get("body.value")).toBe("12345");
    expect(res.text()).toBe("12345");
  });

});

describe("the buffer limit (Envoy per_connection_buffer_limit_bytes)", () => {
  it("answers 413 when request headers stopped with StopAllIterationAndBuffer and the body outgrows the limit", async () => {
    gw = await conformanceGateway({ bufferLimitBytes: 8, plugins: [{ config: "request-headers=3" }] });
    const res = await gw.request({ chunks: ["12345", "67890", "abc"] });
    expect(res.status).toBe(413);
    expect(res.details).toBe("request_payload_too_large");
    expect(res.upstream).toBeNull();
  });

  it("answers 413 when StopIterationAndBuffer outgrows the limit; the upstream had the headers but gets no body", async () => {
    gw = await conformanceGateway({ bufferLimitBytes: 8, plugins: [{ config: "trace" }] });
    const res = await gw.request({ headers: { "x-scenario": "buffer" }, chunks: ["12345", "67890", "abc"] });
    expect(res.status).toBe(413);
    expect(res.upstream!.body.length).toBe(0);
    // The chunk that overflowed never reached the plugin.
    expect(loggedReports(gw, "buffer").map((r) => r.get("size"))).toEqual(["5"]);
  });

  it("answers 500 when response headers stopped with StopAllIterationAndBuffer and the body outgrows the limit", async () => {
    gw = await conformanceGateway({ bufferLimitBytes: 8, plugins: [{ config: "response-headers=3" }] });
    const res = await gw.request({ upstream: { status: 200, headers: { "x-up": "1" }, chunks: ["12345", "67890"] } });
    expect(res.status).toBe(500);
    expect(res.details).toBe("response_payload_too_large");
    expect(res.headers.has("x-up")).toBe(false);
  });

  it("resets the stream when the response headers already left and the buffered body outgrows the limit", async () => {
    gw = await conformanceGateway({ bufferLimitBytes: 8, plugins: [{ config: "trace" }] });
    const res = await gw.request({ headers: { "x-scenario": "buffer-response" }, upstream: { status: 200, chunks: ["12345", "67890"] } });
    expect(res.status).toBe(200);
    expect(res.reset).not.toBeNull();
    // Nothing reaches the plugin after its context was deleted.
    const trace = traceOf(gw);
    expect(trace[trace.length - 1]).toMatch(/^delete /);
  });
});
