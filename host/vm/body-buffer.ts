// A buffer a plugin reads with proxy_get_buffer_bytes and (when mutable) changes with
// proxy_set_buffer_bytes, following Envoy's Buffer::copyFrom rules exactly: start 0 with length 0
// prepends, start 0 with length >= size replaces everything, start >= size appends; any other
// (start, length) is BadArgument, since Envoy cannot splice into the middle.
import { WasmResult } from "../abi/constants.ts";

export class BodyBuffer {
  constructor(public bytes: Buffer = Buffer.alloc(0), readonly mutable = true) {}

  get size(): number {
    return this.bytes.length;
  }

  append(data: Uint8Array): void {
    this.bytes = this.bytes.length ? Buffer.concat([this.bytes, data]) : Buffer.from(data);
  }

  /** The (start, length) window Envoy copies out: clamped to the buffer, never an error. */
  slice(start: number, length: number): Buffer {
    if (start >= this.bytes.length) return this.bytes.subarray(0, 0);
    return this.bytes.subarray(start, Math.min(this.bytes.length, start + length));
  }

  set(start: number, length: number, data: Uint8Array): number {
    if (!this.mutable) return WasmResult.BadArgument;
    const copy = Buffer.from(data);
    if (start === 0) {
      if (length === 0) {
        this.bytes = Buffer.concat([copy, this.bytes]);
        return WasmResult.Ok;
      }
      if (length >= this.bytes.length) {
        this.bytes = copy;
        return WasmResult.Ok;
      }
      return WasmResult.BadArgument;
    }
    if (start >= this.bytes.length) {
      this.bytes = Buffer.concat([this.bytes, copy]);
      return WasmResult.Ok;
    }
    return WasmResult.BadArgument;
  }
}
