// A configured plugin: one module, one configuration, one VM per worker (plus Envoy's throwaway canary
// VM that validates the configuration first). A plugin whose root context refuses to start or
// configure is rejected, as Envoy rejects the filter config.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { LogRecord, LogSink } from "./services/logger.ts";
import type { HostServices } from "./services/services.ts";
import type { PluginIdentity, RootContext } from "./vm/context.ts";
import { loadModule, type LoadedModule } from "./vm/module.ts";
import { VmTrap, WasmVm } from "./vm/vm.ts";

export interface PluginOptions {
  /** The filter's name; also the `plugin_name` property. */
  name: string;
  /** Path to the .wasm file, or its bytes. */
  wasm: string | Uint8Array;
  /** Plugin configuration: a string is passed as is, anything else as JSON. */
  configuration?: unknown;
  rootId?: string;
  vmId?: string;
  vmConfiguration?: string;
  /** vm_config.environment_variables (WASI environ). */
  environment?: Record<string, string>;
  /** Envoy's fail_open: a failed VM skips the filter instead of answering 503. */
  failOpen?: boolean;
  /** Envoy's allow_on_headers_stop_iteration. */
  allowOnHeadersStopIteration?: boolean;
  /** VMs to run (Envoy: one per worker thread). Defaults to the host's worker count. */
  workers?: number;
}

export class PluginConfigError extends Error {
  override name = "PluginConfigError";
  constructor(message: string, readonly logs: LogRecord[]) {
    super(message);
  }
}

/** What a stream needs of a plugin on one worker. */
export interface FilterRuntime {
  readonly plugin: Plugin;
  readonly vm: WasmVm;
  readonly root: RootContext;
  readonly failOpen: boolean;
  readonly allowOnHeadersStopIteration: boolean;
}

class CapturingLog implements LogSink {
  readonly records: LogRecord[] = [];
  constructor(private readonly next: LogSink) {}
  write(r: LogRecord): void {
    this.records.push(r);
    this.next.write(r);
  }
}

const moduleCache = new WeakMap<HostServices, Map<string, LoadedModule>>();

function compile(services: HostServices, bytes: Uint8Array, higress: boolean): LoadedModule {
  let cache = moduleCache.get(services);
  if (!cache) moduleCache.set(services, (cache = new Map()));
  const key = `${higress}:${createHash("sha256").update(bytes).digest("hex")}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const loaded = loadModule(bytes, { higress });
  cache.set(key, loaded);
  return loaded;
}

export class Plugin {
  readonly runtimes: FilterRuntime[] = [];
  readonly module: LoadedModule;
  readonly identity: PluginIdentity;
  /** Milliseconds to instantiate and configure one VM (the canary's), for start-up measurements. */
  readonly startupMs: number;

  constructor(services: HostServices, readonly options: PluginOptions, defaults: { workers: number; higress: boolean; node: { id: string; cluster: string } }) {
    const bytes = typeof options.wasm === "string" ? readFileSync(options.wasm) : options.wasm;
    this.module = compile(services, bytes, defaults.higress);
    const configuration = options.configuration === undefined ? "" : typeof options.configuration === "string" ? options.configuration : JSON.stringify(options.configuration);
    this.identity = {
      name: options.name,
      rootId: options.rootId ?? "",
      vmId: options.vmId ?? "",
      configuration: Buffer.from(configuration),
      node: defaults.node,
    };
    const vmOptions = (label: string) => ({
      label,
      vmId: this.identity.vmId,
      vmConfiguration: Buffer.from(options.vmConfiguration ?? ""),
      environment: options.environment ?? {},
      higress: defaults.higress,
    });

    // The canary VM: Envoy validates a new plugin on a throwaway VM before the workers get it.
    const capture = new CapturingLog(services.log);
    const t0 = performance.now();
    const canary = new WasmVm(this.module, { ...services, log: capture }, vmOptions(`${options.name}/canary`));
    const root = this.startVm(canary, capture);
    this.startupMs = performance.now() - t0;
    root.tick?.cancel();

    const workers = options.workers ?? defaults.workers;
    for (let w = 0; w < workers; w++) {
      const workerLog = new CapturingLog(services.log);
      const vm = new WasmVm(this.module, { ...services, log: workerLog }, vmOptions(`${options.name}/worker-${w}`));
      const workerRoot = this.startVm(vm, workerLog);
      this.runtimes.push({
        plugin: this,
        vm,
        root: workerRoot,
        failOpen: !!options.failOpen,
        allowOnHeadersStopIteration: !!options.allowOnHeadersStopIteration,
      });
    }
  }

  private startVm(vm: WasmVm, log: CapturingLog): RootContext {
    const name = this.options.name;
    try {
      vm.start();
    } catch (e) {
      const reason = e instanceof VmTrap ? e.message : String(e);
      throw new PluginConfigError(`Wasm VM for plugin ${name} failed to start: ${reason}`, log.records);
    }
    const root = vm.createRootContext(this.identity);
    if (!root) {
      const why = vm.failed ? vm.failure : "the plugin rejected its configuration";
      const lines = log.records.filter((r) => r.level !== "trace" && r.level !== "debug").map((r) => `  [${r.level}] ${r.message}`);
      throw new PluginConfigError(`Unable to create Wasm HTTP filter ${name}: ${why}${lines.length ? `\n${lines.join("\n")}` : ""}`, log.records);
    }
    return root;
  }

  /** The runtime serving a worker (streams are spread over workers round-robin). */
  runtime(worker: number): FilterRuntime {
    return this.runtimes[worker % this.runtimes.length];
  }

  /** Stops timers; VMs are left to the garbage collector. */
  close(): void {
    for (const rt of this.runtimes) {
      rt.root.tick?.cancel();
      rt.root.tick = null;
    }
  }
}
