// A Wasm trap fails the VM for good (cpp-host WasmBase::fail, CHECK_FAIL in src/context.cc; Envoy
// context.cc failStream): fail-closed answers 503 `wasm_fail_stream` for that stream and every later
// one served by that VM, fail-open skips the filter, and a trap while starting or configuring
// rejects the plugin.
import { afterEach, describe, expect, it } from "vitest";
import { PluginConfigError } from "../../host/index.ts";
import type { TestGateway } from "../../host/testing/index.ts";
import { conformanceGateway, traceOf } from "./support/conformance.ts";

let gw: TestGateway | undefined;
afterEach(() => {
  gw?.close();
  gw = undefined;
});

describe("a trap in a stream callback, fail-closed (the default)", () => {
  it("answers 503 wasm_fail_stream and marks the VM failed", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({ headers: { "x-scenario": "trap" } });
    expect(res.status).toBe(503);
    expect(res.details).toBe("wasm_fail_stream");
    expect(res.upstream).toBeNull();
    const vm = gw.plugins[0].runtimes[0].vm;
    expect(vm.failed).toBe(true);
    expect(gw.logs.records.some((r) => r.level === "critical" && r.message.includes("proxy_on_request_headers"))).toBe(true);
  });

  it("answers 503 for every later stream on that VM, while other workers' VMs keep serving", async () => {
    gw = await conformanceGateway({ workers: 2 });
    await gw.request({ headers: { "x-scenario": "trap" }, worker: 0 });
    for (let i = 0; i < 3; i++) {
      const again = await gw.request({ worker: 0 });
      expect([again.status, again.details, again.upstream]).toEqual([503, "wasm_fail_stream", null]);
    }
    expect((await gw.request({ worker: 1 })).status).toBe(200);
  });

  it("sends the 503 through the encoders of the other filters that saw the request, not the failed one", async () => {
    gw = await conformanceGateway({
      plugins: [
        { name: "before", config: "trace" },
        { name: "failing", config: "trace trap-at=request-headers" },
      ],
    });
    const res = await gw.request({});
    expect(res.status).toBe(503);
    const before = traceOf(gw, "before").filter((l) => l.startsWith("response_headers"));
    expect(before).toEqual(["response_headers 2 headers=1 eos=1"]);
    expect(traceOf(gw, "failing").filter((l) => /^(response_|log|done|delete)/.test(l))).toEqual([]);
  });

  it("fails a stream whose response callback traps, before the response leaves", async () => {
    gw = await conformanceGateway({ plugins: [{ config: "trap-at=response-headers" }] });
    const res = await gw.request({ upstream: { status: 200, headers: { "x-up": "1" }, body: "upstream body" } });
    expect(res.status).toBe(503);
    expect(res.details).toBe("wasm_fail_stream");
    expect(res.headers.has("x-up")).toBe(false);
  });
});

describe("a trap with fail_open", () => {
  it("lets the stream continue, then skips the filter for every later stream", async () => {
    gw = await conformanceGateway({ plugins: [{ config: "trace append-request-header=x-seen:1", failOpen: true }] });
    const trapped = await gw.request({ headers: { "x-scenario": "trap" } });
    expect(trapped.status).toBe(200);
    expect(trapped.upstream).not.toBeNull();
    const calls = traceOf(gw).length;
    const later = await gw.request({});
    expect(later.status).toBe(200);
    expect(later.upstream!.headers.has("x-seen")).toBe(false);
    expect(traceOf(gw)).toHaveLength(calls); // the plugin was not called at all
  });
});

describe("a trap before the plugin serves", () => {
  it("in on_configure rejects the plugin with PluginConfigError naming the callback", async () => {
    const load = conformanceGateway({ plugins: [{ name: "boom", config: "trap-configure" }] });
    await expect(load).rejects.toThrow(PluginConfigError);
    await expect(conformanceGateway({ plugins: [{ name: "boom", config: "trap-configure" }] })).rejects.toThrow(/proxy_on_configure/);
  });

  it("in on_vm_start rejects the plugin", async () => {
    await expect(conformanceGateway({ plugins: [{ vmConfiguration: "trap-start" }] })).rejects.toThrow(/proxy_on_vm_start/);
  });
});
