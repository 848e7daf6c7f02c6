// Strict loading as Envoy (proxy-wasm-cpp-host) does it: the ABI marker export picks the version, every
// import must be a host function of that version with the exact signature (src/wasm.cc, the V8 link
// step), an allocator must be exported, and only logging and WASI may be called while the module
// starts (src/wasm.cc startVm). Modules are tiny hand-written WAT, assembled with wabt.
import wabtInit from "wabt";
import { beforeAll, describe, expect, it } from "vitest";
import { Host, ModuleLoadError, PluginConfigError, loadModule } from "../../host/index.ts";

let wabt: Awaited<ReturnType<typeof wabtInit>>;
beforeAll(async () => {
  wabt = await wabtInit();
});

interface ModuleParts {
  imports?: string[];
  marker?: string | null;
  allocator?: "malloc" | "proxy_on_memory_allocate" | null;
  /** Body of an exported _initialize (the module's start). */
  start?: string;
}

/** A minimal proxy-wasm module: memory, an allocator, the ABI marker, a root context that starts. */
function wat({ imports = [], marker = "proxy_abi_version_0_2_1", allocator = "malloc", start }: ModuleParts): Uint8Array {
  const text = `(module
    ${imports.join("\n    ")}
    (memory (export "memory") 1)
    (data (i32.const 16) "request\\00path")
    ${allocator ? `(func (export "${allocator}") (param i32) (result i32) i32.const 1024)` : ""}
    ${marker ? `(func (export "${marker}"))` : ""}
    (func (export "proxy_on_context_create") (param i32 i32))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) i32.const 1)
    ${start !== undefined ? `(func (export "_initialize") ${start})` : ""}
  )`;
  return new Uint8Array(wabt.parseWat("test.wat", text).toBinary({}).buffer);
}

const LOG = `(import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))`;

function refusal(bytes: Uint8Array, opts: { higress?: boolean } = {}): string {
  try {
    loadModule(bytes, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ModuleLoadError);
    return (e as Error).message;
  }
  throw new Error("the module was accepted");
}

describe("the ABI version marker", () => {
  it("accepts a 0.2.1 module and a 0.2.0 module", () => {
    expect(loadModule(wat({ imports: [LOG] })).abi).toBe("0.2.1");
    expect(loadModule(wat({ imports: [LOG], marker: "proxy_abi_version_0_2_0" })).abi).toBe("0.2.0");
  });

  it("refuses a module without a proxy_abi_version_* export", () => {
    expect(refusal(wat({ imports: [LOG], marker: null }))).toMatch(/proxy_abi_version/);
  });

  it("offers proxy_get_log_level to 0.2.1 modules only", () => {
    const getLogLevel = `(import "env" "proxy_get_log_level" (func (param i32) (result i32)))`;
    expect(loadModule(wat({ imports: [getLogLevel] })).abi).toBe("0.2.1");
    expect(refusal(wat({ imports: [getLogLevel], marker: "proxy_abi_version_0_2_0" }))).toContain("env.proxy_get_log_level");
  });
});

describe("imports", () => {
  it("refuses env.abort (AssemblyScript's default abort), naming the import", () => {
    const msg = refusal(wat({ imports: [`(import "env" "abort" (func (param i32 i32 i32 i32)))`] }));
    expect(msg).toContain("env.abort");
    expect(msg).toMatch(/missing import/);
  });

  it("refuses a host function imported with another signature, naming it and both signatures", () => {
    const msg = refusal(wat({ imports: [`(import "env" "proxy_log" (func (param i32 i32) (result i32)))`] }));
    expect(msg).toContain("env.proxy_log");
    expect(msg).toMatch(/type mismatch/);
    expect(msg).toContain("(i32, i32) -> (i32)");
    expect(msg).toContain("(i32, i32, i32) -> (i32)");
  });

  it("refuses an i32 where the ABI has an i64 (proxy_increment_metric's offset)", () => {
    const msg = refusal(wat({ imports: [`(import "env" "proxy_increment_metric" (func (param i32 i32) (result i32)))`] }));
    expect(msg).toContain("env.proxy_increment_metric");
  });

  it("refuses a WASI function with another signature and an unknown import module", () => {
    expect(refusal(wat({ imports: [`(import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))`] }))).toContain(
      "wasi_snapshot_preview1.fd_write",
    );
    expect(refusal(wat({ imports: [`(import "wasi" "fd_write" (func (param i32 i32 i32 i32) (result i32)))`] }))).toContain("wasi.fd_write");
  });

  it("accepts WASI under both wasi_unstable and wasi_snapshot_preview1", () => {
    const bytes = wat({
      imports: [
        `(import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))`,
        `(import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))`,
      ],
    });
    expect(loadModule(bytes).imports.map((i) => `${i.module}.${i.name}`)).toEqual(["wasi_unstable.fd_write", "wasi_snapshot_preview1.clock_time_get"]);
  });

  it("offers Higress's Redis calls only on a Higress host", () => {
    const redis = `(import "env" "proxy_redis_call" (func (param i32 i32 i32 i32 i32) (result i32)))`;
    expect(refusal(wat({ imports: [redis] }))).toContain("env.proxy_redis_call");
    expect(loadModule(wat({ imports: [redis] }), { higress: true }).abi).toBe("0.2.1");
  });

  it("refuses through host.loadPlugin too, before any VM starts", () => {
    const host = new Host();
    const load = () => host.loadPlugin({ name: "bad", wasm: wat({ imports: [`(import "env" "seed" (func (result f64)))`] }) });
    expect(load).toThrow(ModuleLoadError);
    expect(load).toThrow(/env\.seed/);
    host.close();
  });
});

describe("the allocator", () => {
  it("refuses a module exporting neither malloc nor proxy_on_memory_allocate", () => {
    expect(refusal(wat({ imports: [LOG], allocator: null }))).toMatch(/malloc/);
  });

  it("accepts proxy_on_memory_allocate in place of malloc", () => {
    expect(loadModule(wat({ imports: [LOG], allocator: "proxy_on_memory_allocate" })).abi).toBe("0.2.1");
  });
});

describe("host calls while the module starts", () => {
  function startWith(imports: string[], start: string) {
    const host = new Host();
    try {
      return host.loadPlugin({ name: "starter", wasm: wat({ imports, start }) });
    } finally {
      host.close();
    }
  }

  it("allows logging (and the line is logged)", () => {
    const host = new Host();
    host.loadPlugin({ name: "starter", wasm: wat({ imports: [LOG], start: "(drop (call $log (i32.const 2) (i32.const 16) (i32.const 7)))" }) });
    expect(host.logs.messages()).toContain("request");
    host.close();
  });

  it("traps on any other proxy_* call (restricted_callback), which rejects the plugin", () => {
    const getProperty = `(import "env" "proxy_get_property" (func $gp (param i32 i32 i32 i32) (result i32)))`;
    const load = () => startWith([getProperty], "(drop (call $gp (i32.const 16) (i32.const 12) (i32.const 64) (i32.const 68)))");
    expect(load).toThrow(PluginConfigError);
    expect(load).toThrow(/restricted_callback/);
  });

  it("allows the WASI calls cpp-host allows (clock_time_get) and traps on the others (fd_seek)", () => {
    const clock = `(import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))`;
    expect(() => startWith([clock], "(drop (call $clock (i32.const 0) (i64.const 1) (i32.const 64)))")).not.toThrow();
    const seek = `(import "wasi_snapshot_preview1" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))`;
    const load = () => startWith([seek], "(drop (call $seek (i32.const 1) (i64.const 0) (i32.const 0) (i32.const 64)))");
    expect(load).toThrow(PluginConfigError);
    expect(load).toThrow(/restricted_callback/);
  });
});
