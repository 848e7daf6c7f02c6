// Assembles the import object a VM is instantiated with: every host function Envoy offers a module of
// this ABI version (see signatures.ts), under env and both WASI module names.
import { HIGRESS_REDIS, WASI_MODULES, hostFunctionTable } from "./signatures.ts";
import type { WasmVm } from "../vm/vm.ts";
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
    pthread_equal: (a: number, b: number) => (a === b ? 1 : 0),
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
  return Object.fromEntries([["env", env], ...WASI_MODULES.map((m) => [m, wasi])]);
}
