// Process-wide shared data and shared queues (cpp-host src/shared_data.cc, src/shared_queue.cc,
// src/context.cc register/lookupSharedQueue): one store per vm_id seen by every VM, one global CAS
// counter starting at 1, queue notifications on the registrant's root context.
import { afterEach, describe, expect, it } from "vitest";
import { exchange, type RequestSpec, type TestGateway } from "../../host/testing/index.ts";
import { R, conformanceGateway, conformanceWasm, loggedReport, loggedReports, num, replyReport, settle } from "./support/conformance.ts";

let gw: TestGateway;
afterEach(() => gw?.close());

function shared(op: "get" | "set", key: string, extra: { value?: string; cas?: number; worker?: number } = {}): RequestSpec {
  return {
    worker: extra.worker,
    headers: { "x-scenario": "shared", "x-op": op, "x-key": key, "x-value": extra.value ?? "", "x-cas": String(extra.cas ?? 0) },
  };
}

async function sharedOp(op: "get" | "set", key: string, extra: { value?: string; cas?: number; worker?: number } = {}) {
  return replyReport(await gw.request(shared(op, key, extra)), "shared");
}

describe("shared data", () => {
  it("answers NotFound for a key never set", async () => {
    gw = await conformanceGateway();
    expect(num(await sharedOp("get", "nothing"), "get")).toBe(R.NotFound);
  });

  it("sets unconditionally with cas 0; every write takes the next value of one global counter from 1", async () => {
    gw = await conformanceGateway();
    const first = await sharedOp("set", "a", { value: "1" });
    expect(num(first, "set")).toBe(R.Ok);
    expect(first.get("get.value")).toBe("1");
    expect(num(first, "get.cas")).toBe(1);
    const other = await sharedOp("set", "b", { value: "x" });
    expect(num(other, "get.cas")).toBe(2);
    const again = await sharedOp("set", "a", { value: "2" });
    expect(num(again, "get.cas")).toBe(3);
    expect(again.get("get.value")).toBe("2");
  });

  it("sets with the current cas, refuses a stale one with CasMismatch and keeps the value", async () => {
    gw = await conformanceGateway();
    const v1 = await sharedOp("set", "k", { value: "v1" });
    const cas1 = num(v1, "get.cas");
    const v2 = await sharedOp("set", "k", { value: "v2", cas: cas1 });
    expect(num(v2, "set")).toBe(R.Ok);
    expect(num(v2, "get.cas")).toBe(cas1 + 1);
    const stale = await sharedOp("set", "k", { value: "v3", cas: cas1 });
    expect(num(stale, "set")).toBe(R.CasMismatch);
    expect(stale.get("get.value")).toBe("v2");
  });

  it("ignores a non-zero cas when the key does not exist yet", async () => {
    gw = await conformanceGateway();
    const r = await sharedOp("set", "fresh", { value: "v", cas: 12345 });
    expect(num(r, "set")).toBe(R.Ok);
    expect(r.get("get.value")).toBe("v");
  });

  it("answers InvalidMemoryAccess for pointers outside the module's memory", async () => {
    gw = await conformanceGateway();
    const r = replyReport(await gw.request({ headers: { "x-scenario": "shared-memory" } }), "shared-memory");
    for (const key of ["get.bad_key_ptr", "set.bad_value_ptr", "set.bad_key_ptr"]) {
      expect([key, num(r, key)]).toEqual([key, R.InvalidMemoryAccess]);
    }
  });

  it("keeps one store per vm_id, while the CAS counter is shared by all", async () => {
    gw = await conformanceGateway({ plugins: [{ vmId: "vm-a" }] });
    const wasm = await conformanceWasm();
    const otherChain = gw.host.chain([gw.host.loadPlugin({ name: "other", wasm, vmId: "vm-b" })]);
    const a = await sharedOp("set", "k", { value: "from-a" });
    const fromB = replyReport(await exchange(otherChain, shared("get", "k")), "shared");
    expect(num(fromB, "get")).toBe(R.NotFound);
    const setB = replyReport(await exchange(otherChain, shared("set", "k", { value: "from-b" })), "shared");
    expect(num(setB, "get.cas")).toBe(num(a, "get.cas") + 1);
    expect((await sharedOp("get", "k")).get("get.value")).toBe("from-a");
  });
});

describe("shared data across worker VMs", () => {
  it("lets a value written on one worker's VM be read on another's", async () => {
    gw = await conformanceGateway({ workers: 4 });
    expect(gw.plugins[0].runtimes).toHaveLength(4);
    await sharedOp("set", "shared-key", { value: "written-on-0", worker: 0 });
    const read = await sharedOp("get", "shared-key", { worker: 3 });
    expect(read.get("get.value")).toBe("written-on-0");
  });

  it("reports CasMismatch on one VM after another VM wrote in between", async () => {
    gw = await conformanceGateway({ workers: 4 });
    await sharedOp("set", "counter", { value: "0", worker: 0 });
    const seenBy1 = await sharedOp("get", "counter", { worker: 1 });
    await sharedOp("set", "counter", { value: "from-2", worker: 2 });
    const late = await sharedOp("set", "counter", { value: "from-1", cas: num(seenBy1, "get.cas"), worker: 1 });
    expect(num(late, "set")).toBe(R.CasMismatch);
    expect(late.get("get.value")).toBe("from-2");
  });
});

describe("shared queues", () => {
  async function queueOps(extra: Record<string, string> = {}) {
    const res = await gw.request({ headers: { "x-scenario": "queue-ops", "x-queue": "jobs", "x-value": "hello", ...extra }, worker: 0 });
    return replyReport(res, "queue-ops");
  }

  it("registers from on_configure (same name, same token) and resolves by vm_id and name", async () => {
    gw = await conformanceGateway({ plugins: [{ config: "queue=jobs" }] });
    const registered = loggedReports(gw, "configure")[1]; // [0] is the canary VM's
    const token = num(registered, "queue.register.num");
    expect(num(registered, "queue.register")).toBe(R.Ok);
    expect(token).toBeGreaterThan(0);
    const r = await queueOps();
    expect(num(r, "resolve")).toBe(R.Ok);
    expect(num(r, "resolve.num")).toBe(token);
    expect(num(r, "register.again.num")).toBe(token);
    expect(num(r, "resolve.other_vm")).toBe(R.NotFound);
    expect(num(r, "resolve.unknown_name")).toBe(R.NotFound);
  });

  it("enqueues, wakes the registrant's root context with on_queue_ready, and a drained queue answers Empty", async () => {
    gw = await conformanceGateway({ plugins: [{ config: "queue=jobs" }] });
    const r = await queueOps();
    expect(num(r, "enqueue")).toBe(R.Ok);
    expect(num(r, "dequeue.empty")).toBe(R.Empty);
    await settle();
    const ready = loggedReport(gw, "queue-ready");
    expect(num(ready, "root")).toBe(1);
    expect(num(ready, "token")).toBe(num(r, "resolve.num"));
    expect(ready.get("items")).toBe("hello");
    expect(num(ready, "last")).toBe(R.Empty);
  });

  it("answers NotFound for an unknown token and InvalidMemoryAccess for bad pointers", async () => {
    gw = await conformanceGateway({ plugins: [{ config: "queue=jobs" }] });
    const r = await queueOps();
    expect(num(r, "enqueue.unknown_token")).toBe(R.NotFound);
    expect(num(r, "dequeue.unknown_token")).toBe(R.NotFound);
    expect(num(r, "enqueue.bad_data_ptr")).toBe(R.InvalidMemoryAccess);
    expect(num(r, "register.bad_name_ptr")).toBe(R.InvalidMemoryAccess);
  });

  it("resolves an empty vm_id to the caller's own vm_id", async () => {
    gw = await conformanceGateway({ plugins: [{ config: "queue=jobs", vmId: "vm-q" }] });
    const own = await queueOps({ "x-vm-id": "" });
    expect(num(own, "resolve")).toBe(R.Ok);
    const named = await queueOps({ "x-vm-id": "vm-q" });
    expect(num(named, "resolve.num")).toBe(num(own, "resolve.num"));
  });

  it("delivers to the VM that registered last, not to the worker VM that enqueued", async () => {
    gw = await conformanceGateway({ workers: 2, plugins: [{ config: "queue=jobs" }] });
    // The canary, worker 0 and worker 1 VMs registered "jobs" in that order: worker 1 owns it now.
    const res = await gw.request({ headers: { "x-scenario": "enqueue", "x-queue": "jobs", "x-value": "cross-vm" }, worker: 0 });
    expect(num(replyReport(res, "enqueue"), "enqueue")).toBe(R.Ok);
    await settle();
    const ready = loggedReport(gw, "queue-ready");
    expect(ready.get("items")).toBe("cross-vm");
    expect(num(ready, "streams_seen")).toBe(0); // worker 0's VM has seen one stream, worker 1's none
  });
});
