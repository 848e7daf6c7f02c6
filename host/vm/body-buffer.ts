// A buffer a plugin reads with proxy_get_buffer_bytes and (when mutable) changes with
// proxy_set_buffer_bytes, following Envoy's Buffer::copyFrom (source/extensions/common/wasm/context.cc)
// exactly: start 0 drains `length` bytes and then prepends (so length 0 prepends and length >= size
// replaces everything), start >= size appends; any other start is BadArgument, since Envoy cannot
// splice into the middle.
import { WasmResult } from "../abi/constants.ts";

export class BodyBuffer {
  private joined: Buffer;
  /** Chunks buffered since `joined` was built, joined on the next read: buffering n chunks copies each once. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(bytes: Buffer = Buffer.alloc(0), readonly mutable = true) {
    this.joined = bytes;
  }

  get bytes(): Buffer {
    if (this.pending.length) {
      this.joined = Buffer.concat([this.joined, ...this.pending], this.joined.length + this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    return this.joined;
  }

  set bytes(bytes: Buffer) {
    this.joined = bytes;
    this.pending = [];
    this.pendingBytes = 0;
  }

  get size(): number {
    return this.joined.length + this.pendingBytes;
  }

  /** Buffers a chunk the caller hands over (never modified in place here, so it is not copied). */
  append(data: Buffer): void {
    this.pending.push(data);
    this.pendingBytes += data.length;
  }

  /** The (start, length) window Envoy copies out: clamped to the buffer, never an error. */
  slice(start: number, length: number): Buffer {
    if (start >= this.bytes.length) return this.bytes.subarray(0, 0);
    return this.bytes.subarray(start, Math.min(this.bytes.length, start + length));
  }

  /** `data` may be a view of guest memory: it is copied once, into the new buffer. */
  set(start: number, length: number, data: Uint8Array): number {
    if (!this.mutable) return WasmResult.BadArgument;
    if (start === 0) {
      const rest = this.bytes.subarray(Math.min(length, this.bytes.length));
      const out = Buffer.allocUnsafe(data.length + rest.length);
      out.set(data, 0);
      out.set(rest, data.length);
      this.bytes = out;
      return WasmResult.Ok;
    }
    if (start >= this.size) {
      this.append(Buffer.from(data));
      return WasmResult.Ok;
    }
    return WasmResult.BadArgument;
  }
}
