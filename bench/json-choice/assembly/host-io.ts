// Byte exchange between the benchmark runner (JS) and a harness module, plus the abort hook.
// Every harness module (the JSON-free baseline included) links this file, so its cost cancels out
// when module sizes are compared.
//
// The runner writes one input document as UTF-8 into the buffer returned by `input`, exactly as a
// plugin receives a body or its configuration from the proxy-wasm host, and reads the last
// result back through `output_ptr` / `output_len`.
// Module-level state is fine here: a harness handles one document at a time and is not a plugin.

// @ts-ignore: decorator
@external("env", "report_abort")
declare function reportAbort(message: usize, file: usize, line: u32, column: u32): void;

let inputBuffer = new ArrayBuffer(0);
let outputBuffer = new ArrayBuffer(0);

/** Allocates a fresh input buffer of `length` bytes and returns where the runner must write them. */
export function input(length: i32): usize {
  inputBuffer = new ArrayBuffer(length);
  return changetype<usize>(inputBuffer);
}

export function output_ptr(): usize {
  return changetype<usize>(outputBuffer);
}

export function output_len(): i32 {
  return outputBuffer.byteLength;
}

/** The current input document, as the host delivered it (UTF-8 bytes). */
export function inputBytes(): ArrayBuffer {
  return inputBuffer;
}

/** The current input as a view, without copying. */
export function inputView(): Uint8Array {
  return Uint8Array.wrap(inputBuffer);
}

/** The current input decoded to an AssemblyScript (UTF-16) string. */
export function inputText(): string {
  return String.UTF8.decodeUnsafe(changetype<usize>(inputBuffer), inputBuffer.byteLength);
}

/** Publishes `text` as the module's result, UTF-8 encoded. */
export function setOutput(text: string): void {
  outputBuffer = String.UTF8.encode(text);
}

// `--use abort=abort_proc_exit` (asconfig.json) routes every `throw`, failed bounds check and
// failed `abort()` here. The plugins' runtime logs and calls proc_exit; a harness hands the message
// to the runner instead, then traps the same way, so the runner can tell which input trapped and why.
// @ts-ignore: decorator
@global
function abort_proc_exit(message: string | null, fileName: string | null, line: u32, column: u32): void {
  reportAbort(changetype<usize>(message), changetype<usize>(fileName), line, column);
  unreachable();
}
