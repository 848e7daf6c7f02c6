// Linear memory over many parses: a Wasm memory never shrinks, so growth that keeps going after
// the first thousand operations means the module leaks (or its heap fragments) and will run out.
import type { BuiltModule, ModuleName } from "./build.ts";
import { openHarness } from "./wasm-harness.mjs";

export const CHECKPOINTS = [1, 1_000, 10_000, 50_000, 100_000];

/** Linear memory size in bytes after each checkpoint's number of operations, on one instance. */
export function memoryGrowth(built: Record<ModuleName, BuiltModule>, module: ModuleName, op: string, input: string): number[] {
  const harness = openHarness(built[module].module);
  harness.load(new Uint8Array(Buffer.from(input, "utf8")));
  const sizes: number[] = [];
  let done = 0;
  for (const checkpoint of CHECKPOINTS) {
    while (done < checkpoint) {
      const batch = Math.min(1_000, checkpoint - done);
      const result = harness.run(op, batch);
      if (result.trap !== undefined) throw new Error(`${module} ${op} trapped after ${done} operations: ${result.trap}`);
      done += batch;
    }
    sizes.push(harness.memoryBytes());
  }
  return sizes;
}

/** Linear memory right after the module's start function, before any workload ran. */
export function memoryAfterStart(built: Record<ModuleName, BuiltModule>, module: ModuleName): number {
  return openHarness(built[module].module).memoryBytes();
}
