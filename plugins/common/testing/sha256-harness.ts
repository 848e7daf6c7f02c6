// Test-only module: plugins/common/sha256.ts behind two plain exports, for plugins/common/sha256.test.ts.
// JS writes a message into the input buffer, then asks for its digest; both buffers live in globals
// so the collector keeps them while JS reads them.
import "./abort-to-host";
import { sha256 } from "../sha256";

let input = new ArrayBuffer(64);
let digest = new ArrayBuffer(32);

/** Address of a buffer of at least `size` bytes for the next message (valid until the next call). */
export function inputBuffer(size: i32): usize {
  if (input.byteLength < size) input = new ArrayBuffer(size);
  return changetype<usize>(input);
}

/** SHA-256 of the first `length` bytes of the input buffer; returns the address of the 32-byte digest. */
export function digestOf(length: i32): usize {
  digest = sha256(changetype<usize>(input), length);
  return changetype<usize>(digest);
}
