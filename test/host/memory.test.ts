// A plugin that keeps nothing per request must not grow its linear memory: 100 000 requests through the
// SDK no-op plugin (build/noop.wasm) leave the VM's memory exactly as large as after warm-up. Growth
// here would mean the host (or the patched SDK's malloc/free) leaks guest memory on every request.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestGateway, wasmPath } from "../../host/testing/index.ts";
import { ROOT } from "../support/asc.ts";

let gw: TestGateway;

beforeAll(() => {
  if (!existsSync(wasmPath("noop"))) execFileSync(process.execPath, [join(ROOT, "scripts", "build.mjs"), "noop"], { cwd: ROOT, stdio: "ignore" });
  gw = new TestGateway({ plugins: [{ name: "noop" }] });
});
afterAll(() => gw.close());

describe("linear memory under load", () => {
  it("stays the same size over 100 000 requests after warm-up", { timeout: 300_000 }, async () => {
    const vm = gw.plugins[0].runtimes[0].vm;
    const request = { path: "/a/b?c=d", headers: { "x-request-id": "r", "user-agent": "t" }, body: "0123456789" };
    for (let i = 0; i < 2_000; i++) await gw.request(request);
    const warm = vm.memorySize;
    for (let i = 0; i < 100_000; i++) {
      const res = await gw.request(request);
      if (res.status !== 200) throw new Error(`request ${i} answered ${res.status}`);
    }
    expect(vm.failed).toBe(false);
    expect(vm.memorySize).toBe(warm);
    expect(vm.contexts.size).toBe(1); // only the root context is left
  });
});
