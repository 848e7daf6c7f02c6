// Runs a workload on one input in an isolated worker thread and classifies what happened.
import { Worker } from "node:worker_threads";

/** V8's default stack on the main thread is about 1 MB, like an Envoy worker's; use the same here. */
const STACK_MB = 1;
const TIMEOUT_MS = 10_000;

export type ProbeResult =
  | { kind: "ok"; status: number; output: string }
  | { kind: "trap"; message: string }
  | { kind: "hang" };

export function probe(module: WebAssembly.Module, input: Uint8Array, op: string, guard: boolean): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL("./probe-worker.mjs", import.meta.url), {
      workerData: { module, input, op, guard },
      resourceLimits: { stackSizeMb: STACK_MB },
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({ kind: "hang" });
    }, TIMEOUT_MS);
    worker.once("message", (m: { status?: number; output?: string; trap?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(m.trap !== undefined ? { kind: "trap", message: m.trap } : { kind: "ok", status: m.status!, output: m.output! });
    });
    worker.once("error", (error) => {
      clearTimeout(timer);
      resolve({ kind: "trap", message: `worker error: ${error.message}` });
    });
  });
}
