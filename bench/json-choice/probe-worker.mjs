// Runs one workload on one input in a fresh instance, in its own thread, so the runner can survive
// traps, stack exhaustion and endless loops alike. Receives { module, input, op, guard }.
import { parentPort, workerData } from "node:worker_threads";
import { openHarness } from "./wasm-harness.mjs";

const { module, input, op, guard } = workerData;
const harness = openHarness(module);
harness.setGuard(guard);
harness.load(input);
const result = harness.run(op, 1);
parentPort.postMessage(result.trap !== undefined ? result : { status: result.status, output: harness.output() });
