// Types for wasm-harness.mjs (kept in JavaScript so worker threads can load it without a loader).

export type RunResult = { status: number; trap?: undefined } | { trap: string; status?: undefined };

export interface Harness {
  has(op: string): boolean;
  load(bytes: Uint8Array): void;
  run(op: string, iterations?: number): RunResult;
  raw(op: string): (iterations: number) => number;
  output(): string;
  setGuard(on: boolean): void;
  memoryBytes(): number;
}

export function openHarness(module: WebAssembly.Module): Harness;
