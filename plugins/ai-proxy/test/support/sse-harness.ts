// Test-only AssemblyScript module: ai-proxy's SseParser on its own, so a test can feed it chunks cut
// anywhere and compare its events with a reference parser (sse-cuts.test.ts). Compiled by
// test/support/asc.ts (compileTestModule); never shipped.
//
// The caller writes a chunk into scratch(), calls feed(len), and reads the completed events from
// output(): per event, u32 length + bytes of the event name, of the data, then of the raw bytes.
import { SseParser } from "../../sse";
import "../../../common/testing/abort-trap";

let parser = new SseParser();
let input = new ArrayBuffer(0);
let out = new ArrayBuffer(0);
let outLength = 0;

/** A buffer of at least `size` bytes for the caller to fill. */
export function scratch(size: i32): usize {
  if (size > input.byteLength) input = new ArrayBuffer(size);
  return changetype<usize>(input);
}

/** Starts a new stream. */
export function reset(): void {
  parser = new SseParser();
}

function put(bytes: ArrayBuffer): void {
  const need = outLength + 4 + bytes.byteLength;
  if (need > out.byteLength) {
    const grown = new ArrayBuffer(max(need, out.byteLength * 2));
    memory.copy(changetype<usize>(grown), changetype<usize>(out), outLength);
    out = grown;
  }
  store<u32>(changetype<usize>(out) + outLength, bytes.byteLength);
  memory.copy(changetype<usize>(out) + outLength + 4, changetype<usize>(bytes), bytes.byteLength);
  outLength = need;
}

/** Feeds the first `len` scratch bytes as one chunk; returns how many events it completed. */
export function feed(len: i32): i32 {
  const count = parser.push(input.slice(0, len));
  outLength = 0;
  for (let k = 0; k < count; k++) {
    const ev = parser.eventAt(k);
    put(String.UTF8.encode(ev.event));
    put(ev.data);
    put(ev.raw);
  }
  return count;
}

export function output(): usize {
  return changetype<usize>(out);
}

export function outputLength(): i32 {
  return outLength;
}

export function pendingBytes(): i32 {
  return parser.pendingBytes;
}
