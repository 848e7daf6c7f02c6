// Shared helpers for host function implementations.
import { VmTrap, type WasmVm } from "../vm/vm.ts";
import type { HostContext } from "../vm/context.ts";

/**
 * The context a host call acts on. There is none only while the module starts, when cpp-host allows
 * nothing but logging and WASI: any other call traps with "restricted_callback".
 */
export function activeContext(vm: WasmVm): HostContext {
  const ctx = vm.activeContext();
  if (ctx === null) throw new VmTrap("restricted_callback");
  return ctx;
}

export type HostFn = (...args: any[]) => any;
export type ImportTable = Record<string, HostFn>;
