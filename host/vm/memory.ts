// A module's linear memory as the host sees it. Views are cached and refreshed only when the memory
// grew (growing detaches the old ArrayBuffer, so a zero-length view is the cheap signal): re-reading
// `memory.buffer` on every host call costs more than most host calls do.

export class GuestMemory {
  private bytes: Buffer;
  private view: DataView;

  constructor(private readonly memory: WebAssembly.Memory) {
    this.bytes = Buffer.from(memory.buffer);
    this.view = new DataView(memory.buffer);
  }

  /** The whole memory as a Buffer (a view, not a copy). */
  get u8(): Buffer {
    if (this.bytes.length === 0) this.refresh();
    return this.bytes;
  }

  get dv(): DataView {
    if (this.view.byteLength === 0) this.refresh();
    return this.view;
  }

  get size(): number {
    return this.u8.length;
  }

  private refresh(): void {
    this.bytes = Buffer.from(this.memory.buffer);
    this.view = new DataView(this.memory.buffer);
  }

  /** Wasm passes u32 values as signed i32; pointers and sizes are unsigned. */
  inBounds(ptr: number, len: number): boolean {
    return (ptr >>> 0) + (len >>> 0) <= this.u8.length;
  }

  /** Copies bytes out of the guest; undefined when the range is outside memory. */
  read(ptr: number, len: number): Buffer | undefined {
    if (!this.inBounds(ptr, len)) return undefined;
    ptr >>>= 0;
    return Buffer.from(this.bytes.subarray(ptr, ptr + (len >>> 0)));
  }

  /** A view into guest memory, valid only until the guest runs again (it may grow memory). */
  peek(ptr: number, len: number): Buffer | undefined {
    if (!this.inBounds(ptr, len)) return undefined;
    ptr >>>= 0;
    return this.bytes.subarray(ptr, ptr + (len >>> 0));
  }

  readString(ptr: number, len: number): string | undefined {
    if (!this.inBounds(ptr, len)) return undefined;
    ptr >>>= 0;
    return this.bytes.toString("utf8", ptr, ptr + (len >>> 0));
  }

  writeU32(ptr: number, value: number): boolean {
    if (!this.inBounds(ptr, 4)) return false;
    this.view.setUint32(ptr >>> 0, value >>> 0, true);
    return true;
  }

  writeU64(ptr: number, value: bigint): boolean {
    if (!this.inBounds(ptr, 8)) return false;
    this.view.setBigUint64(ptr >>> 0, BigInt.asUintN(64, value), true);
    return true;
  }

  readU32(ptr: number): number {
    return this.dv.getUint32(ptr, true);
  }

  write(ptr: number, data: Uint8Array): boolean {
    if (!this.inBounds(ptr, data.length)) return false;
    this.bytes.set(data, ptr >>> 0);
    return true;
  }
}
