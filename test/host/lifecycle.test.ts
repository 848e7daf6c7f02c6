// The order in which Envoy calls a plugin (cpp-host src/context.cc onStart/onConfigure/onCreate,
// Envoy context.cc decode*/encode*/log/onDestroy): root context start on a canary VM and on each
// worker's VM, per-VM context ids, the stream callbacks in order, on_log/on_done/on_delete at the
// end, and contexts created at on_log for filters a local reply kept the request from reaching.
import { afterEach, describe, expect, it } from "vitest";
import { PluginConfigError } from "../../host/index.ts";
import type { TestGateway } from "../../host/testing/index.ts";
import { conformanceGateway, traceOf } from "./support/conformance.ts";

let gw: TestGateway | undefined;
afterEach(() => {
  gw?.close();
  gw = undefined;
});

const streamTrace = (g: TestGateway, plugin?: string) => traceOf(g, plugin).filter((l) => !/^(vm_start|configure|tick) /.test(l));

describe("a stream's callbacks", () => {
  it("run context_create, request headers/body/trailers, response headers/body/trailers, log, done, delete", async () => {
    gw = await conformanceGateway({ plugins: [{ config: "trace" }] });
    await gw.request({
      headers: { "x-a": "1" },
      body: "12345",
      trailers: { "x-t": "1" },
      upstream: { status: 200, headers: { "x-b": "2" }, body: "abc", trailers: { "x-rt": "1" } },
    });
    expect(streamTrace(gw)).toEqual([
      "context_create 2 root=1",
      "request_headers 2 headers=5 eos=0",
      "request_body 2 size=5 eos=0",
      "request_trailers 2 trailers=1",
      "response_headers 2 headers=2 eos=0",
      "response_body 2 size=3 eos=0",
      "response_trailers 2 trailers=1",
      "log 2",
      "done 2",
      "delete 2",
    ]);
  });

  it("flags the end of stream on the last callback of each direction when there are no trailers", async () => {
    gw = await conformanceGateway({ plugins: [{ config: "trace" }] });
    await gw.request({ upstream: { status: 204 } });
    expect(streamTrace(gw)).toEqual([
      "context_create 2 root=1",
      "request_headers 2 headers=4 eos=1",
      "response_headers 2 headers=1 eos=1",
      "log 2",
      "done 2",
      "delete 2",
    ]);
  });
});

describe("root contexts and VMs", () => {
  it("starts and configures the plugin on a canary VM, then on every worker's VM, each with root context 1", async () => {
    gw = await conformanceGateway({ workers: 3 });
    const starts = gw.logs.messages().filter((m) => /^cb (vm_start|configure) /.test(m));
    expect(starts).toEqual(Array(4).fill(["cb vm_start 1 vm_config=0", "cb configure 1 size=0"]).flat());
    expect(gw.plugins[0].runtimes).toHaveLength(3);
  });

  it("counts stream context ids per VM, from 2 (after the root context)", async () => {
    gw = await conformanceGateway({ workers: 2, plugins: [{ config: "trace" }] });
    await gw.request({ worker: 0 });
    await gw.request({ worker: 1 });
    await gw.request({ worker: 0 });
    await gw.request({ worker: 0 });
    const created = streamTrace(gw).filter((l) => l.startsWith("context_create"));
    expect(created).toEqual(["context_create 2 root=1", "context_create 2 root=1", "context_create 3 root=1", "context_create 4 root=1"]);
  });

  it("rejects the plugin when on_configure returns false (PluginConfigError)", async () => {
    await expect(conformanceGateway({ plugins: [{ name: "picky", config: "fail-configure" }] })).rejects.toThrow(PluginConfigError);
    await expect(conformanceGateway({ plugins: [{ name: "picky", config: "fail-configure" }] })).rejects.toThrow(/picky.*rejected its configuration/);
  });

  it("rejects the plugin when on_vm_start returns false", async () => {
    await expect(conformanceGateway({ plugins: [{ vmConfiguration: "fail-start" }] })).rejects.toThrow(PluginConfigError);
  });
});

describe("contexts a local reply never reached", () => {
  it("are created at on_log, get on_log/on_done/on_delete, and nothing else", async () => {
    gw = await conformanceGateway({
      plugins: [
        { name: "first", config: "trace" },
        { name: "denier", config: "trace reply-at=request-headers" },
        { name: "never-reached", config: "trace" },
      ],
    });
    const res = await gw.request({ body: "x" });
    expect(res.status).toBe(403);
    expect(streamTrace(gw, "never-reached")).toEqual(["context_create 2 root=1", "log 2", "done 2", "delete 2"]);
    // on_log runs for every filter before any on_done.
    const all = gw.logs.records.filter((r) => /^cb (log|done) /.test(r.message)).map((r) => `${r.plugin}:${r.message.slice(3, 7).trim()}`);
    expect(all).toEqual(["first:log", "denier:log", "never-reached:log", "first:done", "denier:done", "never-reached:done"]);
  });
});
