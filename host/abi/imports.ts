// Assembles the import object a VM is instantiated with: every host function Envoy offers a module of
// this ABI version (see signatures.ts), under env and both WASI module names.
import { ALLOWED_DURING_START, HIGRESS_REDIS, WASI_MODULES, hostFunctionTable } from "./signatures.ts";
import { VmTrap, type WasmVm } from "../vm/vm.ts";
import { calloutImports, redisImports } from "./callouts.ts";
import { httpStreamImports } from "./http-stream.ts";
import { stateImports } from "./state.ts";
import { wasiImports } from "./wasi.ts";

export function buildImports(vm: WasmVm): WebAssembly.Imports {
  const env: Record<string, Function> = {
    ...httpStreamImports(vm),
    ...stateImports(vm),
    ...calloutImports(vm),
    ...(vm.higress ? redisImports(vm) : {}),
    pthread_equal: (a: number, b: number) => (trapIfStarting(vm), a === b ? 1 : 0),
    emscripten_notify_memory_growth: () => {},
  };
  // Every declared host function must have an implementation, and nothing undeclared may be offered.
  const table = hostFunctionTable(vm.abi, vm.higress);
  for (const qualified of table.keys()) {
    const [mod, name] = qualified.split(".");
    if (mod === "env" && !env[name]) throw new Error(`host function ${qualified} has no implementation`);
  }
  for (const name of Object.keys(env)) {
    if (!table.has(`env.${name}`) && !(name in HIGRESS_REDIS)) delete env[name];
  }
  const wasi = wasiImports(vm);
  // cpp-host's startVm (src/wasm.cc) lets a starting module call only logging and most of WASI; the
  // rest traps with "restricted_callback". proxy_* calls already do (there is no context yet, see
  // activeContext); the few WASI functions outside the list are guarded here. Both WASI module names
  // share one table and the same allowed names.
  for (const [name, fn] of Object.entries(wasi)) {
    if (ALLOWED_DURING_START.has(`${WASI_MODULES[0]}.${name}`)) continue;
    wasi[name] = (...args: unknown[]) => (trapIfStarting(vm), fn(...args));
  }
  return Object.fromEntries([["env", env], ...WASI_MODULES.map((m) => [m, wasi])]);
}

function trapIfStarting(vm: WasmVm): void {
  if (vm.restricted) throw new VmTrap("restricted_callback");
}
