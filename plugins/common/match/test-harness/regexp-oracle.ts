// JavaScript's RegExp as a test oracle, run in a worker thread with a time limit. V8's RegExp
// backtracks, so some random patterns (`(?:(?:a|a|.)+)*b`) take exponential time on short inputs;
// such cases are reported as unanswered (null) instead of hanging the test. The main thread waits
// synchronously (Atomics.wait) so fast-check properties stay synchronous.
import { Worker } from "node:worker_threads";

export type OracleCase = { source: string; flags: string; input: string };
/** RegExp.exec with the `d` flag: null, or the group index pairs (UTF-16 code units). */
export type OracleResult = null | { index: number; indices: Array<[number, number] | null> };

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const control = new Int32Array(workerData.control);
const data = new Uint8Array(workerData.data);
const encoder = new TextEncoder();
parentPort.on("message", (cases) => {
  let results;
  try {
    results = cases.map(({ source, flags, input }) => {
      const m = new RegExp(source, flags + "d").exec(input);
      return m ? { index: m.index, indices: Array.from(m.indices, (pair) => pair || null) } : null;
    });
  } catch (e) {
    results = { error: String(e) };
  }
  const bytes = encoder.encode(JSON.stringify(results));
  data.set(bytes);
  Atomics.store(control, 1, bytes.length);
  Atomics.store(control, 0, 1);
  Atomics.notify(control, 0);
});
`;

export class RegExpOracle {
  private control = new Int32Array(new SharedArrayBuffer(8));
  private data = new Uint8Array(new SharedArrayBuffer(1 << 20));
  private worker!: Worker;
  /** Batches that ran out of time. */
  unanswered = 0;
  answered = 0;

  constructor(private readonly timeoutMs = 2000) {
    this.start();
  }

  private start(): void {
    // Fresh buffers per worker: a terminated worker that finishes late cannot touch the next batch.
    this.control = new Int32Array(new SharedArrayBuffer(8));
    this.data = new Uint8Array(new SharedArrayBuffer(1 << 20));
    this.worker = new Worker(WORKER, { eval: true, workerData: { control: this.control.buffer, data: this.data.buffer } });
    this.worker.unref();
  }

  /** Runs every case (sticky `y` in flags anchors at 0); null when the batch took too long. */
  exec(cases: OracleCase[]): OracleResult[] | null {
    Atomics.store(this.control, 0, 0);
    this.worker.postMessage(cases);
    if (Atomics.wait(this.control, 0, 0, this.timeoutMs) === "timed-out") {
      void this.worker.terminate();
      this.start();
      this.unanswered++;
      return null;
    }
    const length = Atomics.load(this.control, 1);
    const parsed = JSON.parse(new TextDecoder().decode(this.data.slice(0, length)));
    if (!Array.isArray(parsed)) throw new Error(`oracle failed: ${parsed.error}`);
    this.answered++;
    return parsed as OracleResult[];
  }

  close(): void {
    void this.worker.terminate();
  }
}
