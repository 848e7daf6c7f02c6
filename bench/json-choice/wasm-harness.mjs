// Drives one harness module (see assembly/host-io.ts for its side of the exchange).
// Plain JavaScript so the trap-probe worker threads can load it without a TypeScript loader.

/** Reads an AssemblyScript string (UTF-16LE, byte length stored just before it) from memory. */
function readAsString(memory, ptr) {
  if (ptr === 0) return "";
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return Buffer.from(memory.buffer, ptr, bytes).toString("utf16le");
}

/**
 * Instantiates `module` (a WebAssembly.Module) and returns a small driver:
 * `load(bytes)`, `run(op, iterations)` -> { status } | { trap }, `output()`, `setGuard(on)`,
 * `memoryBytes()`. After a trap the instance must be thrown away (its runtime state is undefined).
 */
export function openHarness(module) {
  let lastAbort = null;
  const instance = new WebAssembly.Instance(module, {
    env: {
      report_abort(message, file, line, column) {
        const memory = instance.exports.memory;
        lastAbort = `${readAsString(memory, message)} (${readAsString(memory, file)}:${line}:${column})`;
      },
    },
  });
  const exports = instance.exports;
  exports._initialize();

  return {
    has(op) {
      return typeof exports[op] === "function";
    },
    load(bytes) {
      const ptr = exports.input(bytes.length);
      new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
    },
    run(op, iterations = 1) {
      lastAbort = null;
      try {
        return { status: exports[op](iterations) };
      } catch (error) {
        return { trap: lastAbort ?? `${error.constructor.name}: ${error.message}` };
      }
    },
    /** The raw call, for timing loops: no try/catch, no allocation. */
    raw(op) {
      return exports[op];
    },
    output() {
      const ptr = exports.output_ptr();
      const length = exports.output_len();
      return Buffer.from(exports.memory.buffer, ptr, length).toString("utf8");
    },
    setGuard(on) {
      exports.set_guard(on ? 1 : 0);
    },
    memoryBytes() {
      return exports.memory.buffer.byteLength;
    },
  };
}
