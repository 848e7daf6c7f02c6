// One Wasm VM: an instance of a plugin module, as Envoy runs one per worker thread. It owns the
// module's memory, the contexts living in it, and the call discipline cpp-host applies around every
// callback: the current/effective context, "after VM call" actions (local replies and stream
// continuation happen only once the callback has returned), and trap handling (a trap fails the VM
// for good).
import type { AbiVersion } from "../abi/constants.ts";
import { WasmResult } from "../abi/constants.ts";
import { buildImports } from "../abi/imports.ts";
import type { HostServices } from "../services/services.ts";
import type { HostContext } from "./context.ts";
import { RootContext, type PluginIdentity } from "./context.ts";
import { GuestMemory } from "./memory.ts";
import type { LoadedModule } from "./module.ts";

type Export = (...args: number[]) => number;

export interface VmOptions {
  /** Label used in logs, e.g. "key-auth/worker-0". */
  label: string;
  vmId: string;
  vmConfiguration: Buffer;
  environment: Record<string, string>;
  /** Higress gateways offer the Redis extension. */
  higress: boolean;
}

export class VmTrap extends Error {
  override name = "VmTrap";
}

export class WasmVm {
  readonly abi: AbiVersion;
  readonly label: string;
  readonly vmId: string;
  readonly vmConfiguration: Buffer;
  readonly environment: Record<string, string>;
  readonly higress: boolean;
  mem!: GuestMemory;
  private exports!: Record<string, Export>;

  failed = false;
  failure = "";
  /** True while the module starts: only logging and WASI calls are allowed then. */
  restricted = true;
  /** Set by proxy_send_local_response: the callback's return value is overridden to "stop". */
  stopNextIteration = false;
  /** Whether the last finished callback asked to stop iteration (read right after invoke()). */
  lastCallStopped = false;

  private current: HostContext | null = null;
  private effective: HostContext | null = null;
  private readonly afterCallActions: (() => void)[] = [];
  readonly contexts = new Map<number, HostContext>();
  private nextContextId = 1;

  // Callbacks resolved once at instantiation; absent ones are null (a no-op, as in cpp-host).
  onContextCreate: Export | null = null;
  onVmStart: Export | null = null;
  onConfigure: Export | null = null;
  onRequestHeaders: Export | null = null;
  onRequestBody: Export | null = null;
  onRequestTrailers: Export | null = null;
  onResponseHeaders: Export | null = null;
  onResponseBody: Export | null = null;
  onResponseTrailers: Export | null = null;
  onLog: Export | null = null;
  onDone: Export | null = null;
  onDelete: Export | null = null;
  onTick: Export | null = null;
  onQueueReady: Export | null = null;
  onHttpCallResponse: Export | null = null;
  onRedisCallResponse: Export | null = null;
  private malloc!: Export;

  constructor(readonly loaded: LoadedModule, readonly services: HostServices, opts: VmOptions) {
    this.abi = loaded.abi;
    this.label = opts.label;
    this.vmId = opts.vmId;
    this.vmConfiguration = opts.vmConfiguration;
    this.environment = opts.environment;
    this.higress = opts.higress;
  }

  /** Instantiates and starts the module (`_initialize` then `main`, or `_start`). Throws VmTrap. */
  start(): void {
    const instance = new WebAssembly.Instance(this.loaded.module, buildImports(this));
    this.exports = instance.exports as unknown as Record<string, Export>;
    this.mem = new GuestMemory(instance.exports.memory as WebAssembly.Memory);
    const e = this.exports;
    this.malloc = e.malloc ?? e.proxy_on_memory_allocate;
    const pick = (n: string) => (typeof e[n] === "function" ? e[n] : null);
    this.onContextCreate = pick("proxy_on_context_create");
    this.onVmStart = pick("proxy_on_vm_start");
    this.onConfigure = pick("proxy_on_configure");
    this.onRequestHeaders = pick("proxy_on_request_headers");
    this.onRequestBody = pick("proxy_on_request_body");
    this.onRequestTrailers = pick("proxy_on_request_trailers");
    this.onResponseHeaders = pick("proxy_on_response_headers");
    this.onResponseBody = pick("proxy_on_response_body");
    this.onResponseTrailers = pick("proxy_on_response_trailers");
    this.onLog = pick("proxy_on_log");
    this.onDone = pick("proxy_on_done");
    this.onDelete = pick("proxy_on_delete");
    this.onTick = pick("proxy_on_tick");
    this.onQueueReady = pick("proxy_on_queue_ready");
    this.onHttpCallResponse = pick("proxy_on_http_call_response");
    this.onRedisCallResponse = pick("proxy_on_redis_call_response");
    try {
      if (e._initialize) {
        e._initialize();
        if (e.main) e.main(0, 0);
        else if (e.__main_void) e.__main_void();
      } else if (e._start) {
        e._start();
      }
    } catch (err) {
      this.fail("_initialize", err);
      throw new VmTrap(this.failure);
    } finally {
      this.restricted = false;
    }
  }

  /** The context host functions act on right now (the effective one if the module chose one). */
  activeContext(): HostContext | null {
    return this.effective ?? this.current;
  }

  setEffectiveContext(id: number): number {
    const ctx = this.contexts.get(id);
    if (!ctx) return WasmResult.BadArgument;
    this.effective = ctx;
    return WasmResult.Ok;
  }

  allocContextId(): number {
    return this.nextContextId++;
  }

  /**
   * Creates a plugin's root context: context_create, on_vm_start, on_configure, in Envoy's order.
   * Returns false (with the reason logged) when the plugin refuses to start or to configure.
   */
  createRootContext(plugin: PluginIdentity): RootContext | null {
    const root = new RootContext(this, this.allocContextId(), plugin);
    this.contexts.set(root.id, root);
    this.invoke(root, this.onContextCreate, root.id, 0);
    if (this.failed) return null;
    const started = this.onVmStart ? this.invoke(root, this.onVmStart, root.id, this.vmConfiguration.length) : 1;
    if (this.failed || started === 0) return null;
    root.configuring = true;
    const configured = this.onConfigure ? this.invoke(root, this.onConfigure, root.id, plugin.configuration.length) : 1;
    root.configuring = false;
    if (this.failed || configured === 0) return null;
    return root;
  }

  /**
   * Runs one callback on `ctx` the way cpp-host does. Returns the callback's result, or -1 when the VM
   * has failed (now or before). `lastCallStopped` tells whether the module sent a local reply during
   * the call; after-call actions (deferred replies, continuations) run before this returns.
   */
  invoke(ctx: HostContext, fn: Export | null, a = 0, b = 0, c = 0, d = 0, e = 0): number {
    if (this.failed) return -1;
    if (fn === null) {
      this.lastCallStopped = false;
      return 0;
    }
    const prevCurrent = this.current;
    const prevEffective = this.effective;
    this.current = ctx;
    this.effective = null;
    let result: number;
    try {
      result = fn(a, b, c, d, e);
    } catch (err) {
      this.fail(this.exportName(fn), err);
      result = -1;
    }
    this.current = prevCurrent;
    this.effective = prevEffective;
    this.lastCallStopped = this.stopNextIteration;
    this.stopNextIteration = false;
    this.runAfterCallActions();
    return result;
  }

  addAfterCallAction(action: () => void): void {
    this.afterCallActions.push(action);
  }

  private runAfterCallActions(): void {
    while (this.afterCallActions.length) this.afterCallActions.shift()!();
  }

  private exportName(fn: Export): string {
    for (const [name, f] of Object.entries(this.exports)) if (f === fn) return name;
    return "callback";
  }

  private fail(where: string, err: unknown): void {
    this.failed = true;
    const msg = err instanceof Error ? err.message : String(err);
    this.failure = `Function: ${where} failed: ${msg}`;
    this.services.log.write({ level: "critical", plugin: this.label, message: this.failure });
  }

  /**
   * cpp-host's copyToPointerSize: allocates in the module, copies, and writes the pointer and size to
   * the module's out-parameters. An empty value is (0, 0) without an allocation.
   */
  copyOut(bytes: Uint8Array, ptrPtr: number, sizePtr: number): number {
    const n = bytes.length;
    const ptr = this.allocateOut(n);
    if (ptr < 0) return WasmResult.InvalidMemoryAccess;
    if (n > 0) {
      const u8 = this.mem.u8;
      // Short values by hand: a native copy costs more than the loop.
      if (n > 32) u8.set(bytes, ptr);
      else for (let i = 0; i < n; i++) u8[ptr + i] = bytes[i];
    }
    return this.writePointerSize(ptrPtr, sizePtr, ptr, n);
  }

  /** copyOut of a string's UTF-8 bytes; ASCII (nearly every property value) is written without a Buffer. */
  copyOutString(s: string, ptrPtr: number, sizePtr: number): number {
    const n = s.length;
    for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 0x80) return this.copyOut(Buffer.from(s), ptrPtr, sizePtr);
    const ptr = this.allocateOut(n);
    if (ptr < 0) return WasmResult.InvalidMemoryAccess;
    if (n > 0) {
      const u8 = this.mem.u8;
      if (n > 32) u8.write(s, ptr, n, "latin1");
      else for (let i = 0; i < n; i++) u8[ptr + i] = s.charCodeAt(i);
    }
    return this.writePointerSize(ptrPtr, sizePtr, ptr, n);
  }

  /** The module's buffer for an n-byte answer: 0 when n is 0 (no allocation), -1 when malloc failed or lied. */
  allocateOut(n: number): number {
    if (n === 0) return 0;
    const ptr = this.malloc(n) >>> 0;
    // Check against the view after malloc: it may have grown (and so replaced) the memory.
    return ptr !== 0 && this.mem.inBounds(ptr, n) ? ptr : -1;
  }

  /** Writes an answer's pointer and size to the module's out-parameters. */
  writePointerSize(ptrPtr: number, sizePtr: number, ptr: number, size: number): number {
    const m = this.mem;
    if (!m.writeU32(ptrPtr, ptr) || !m.writeU32(sizePtr, size)) return WasmResult.InvalidMemoryAccess;
    return WasmResult.Ok;
  }

  /** Linear memory size in bytes. */
  get memorySize(): number {
    return this.mem.size;
  }
}
