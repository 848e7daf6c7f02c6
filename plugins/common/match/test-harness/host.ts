// JS side of the test harness: compiles test-harness/assembly.ts with the project's asc options
// and wraps its (ptr, len) exports in typed helpers. Used by the *.test.ts files and bench.ts.
import { compileTestModule } from "../../../../test/support/asc.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Input = string | Uint8Array;

export interface Exports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  scratch(size: number): number;
  outputPtr(): number;
  outputLength(): number;
  regexCompile(ptr: number, len: number, flags: number): number;
  regexErrorOffset(ptr: number, len: number, flags: number): number;
  regexFree(id: number): void;
  regexFullMatch(id: number, ptr: number, len: number): number;
  regexSearch(id: number, ptr: number, len: number): number;
  storeString(ptr: number, len: number): void;
  regexFullMatchStored(id: number): number;
  regexSearchStored(id: number): number;
  regexCaptures(id: number, ptr: number, len: number, whole: number): number;
  regexCapturesStored(id: number, whole: number): number;
  regexGroupCount(id: number): number;
  regexGroupIndex(id: number, ptr: number, len: number): number;
  regexGroupStart(id: number, group: number): number;
  regexGroupEnd(id: number, group: number): number;
  regexGroupText(id: number, group: number): number;
  regexReplaceAll(id: number, inputPtr: number, inputLen: number, templatePtr: number, templateLen: number): number;
  regexSteps(id: number): number;
  regexFlushes(id: number): number;
  regexLimitCache(id: number, bytes: number): void;
  regexCacheBytes(id: number): number;
  regexProgramSize(id: number): number;
  literalSetCompile(ptr: number, len: number, flags: number): number;
  benchFullMatch(id: number, ptr: number, len: number, iterations: number): number;
  benchSearch(id: number, ptr: number, len: number, iterations: number): number;
  benchCaptures(id: number, ptr: number, len: number, iterations: number): number;
  benchFullMatchStored(id: number, iterations: number): number;
  benchSearchStored(id: number, iterations: number): number;
}

export const CASE_INSENSITIVE = 1;
export const MULTILINE = 2;
export const DOT_MATCHES_NEWLINE = 4;
export const UNGREEDY = 8;

export function bytesOf(input: Input): Uint8Array {
  return typeof input === "string" ? encoder.encode(input) : input;
}

export class MatchHarness {
  /** Heap allocations and reallocations so far (only counted when loaded with countAllocations). */
  allocations = 0;

  private constructor(private readonly x: Exports) {}

  /**
   * Compiles and instantiates the harness. `countAllocations` builds it with AssemblyScript's
   * rtrace hooks (ASC_RTRACE) so every heap allocation is counted in `allocations`.
   */
  static async load(name: string, options: { countAllocations?: boolean } = {}): Promise<MatchHarness> {
    const extraArgs = options.countAllocations ? ["--use", "ASC_RTRACE=1"] : [];
    const wasm = await compileTestModule("plugins/common/match/test-harness/assembly.ts", name, extraArgs);
    let memory: WebAssembly.Memory | undefined;
    let harness: MatchHarness | undefined;
    const ignore = () => {};
    const readString = (ptr: number): string => {
      if (!ptr || !memory) return "";
      const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
      return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >> 1));
    };
    const instance = await WebAssembly.instantiate(await WebAssembly.compile(new Uint8Array(wasm)), {
      harness: {
        abort(message: number, file: number, line: number, column: number) {
          throw new Error(`wasm abort: ${readString(message)} at ${readString(file)}:${line}:${column}`);
        },
      },
      rtrace: {
        onalloc() {
          if (harness) harness.allocations++;
        },
        oninit: ignore,
        onfree: ignore,
        onvisit: () => 1,
        onstore: (ptr: number) => ptr,
        onload: (ptr: number) => ptr,
        onresize() {
          if (harness) harness.allocations++;
        },
        onmove() {
          if (harness) harness.allocations++;
        },
        oncollect: ignore,
        oninterrupt: ignore,
        onyield: ignore,
      },
    });
    const x = instance.exports as unknown as Exports;
    memory = x.memory;
    x._initialize();
    harness = new MatchHarness(x);
    return harness;
  }

  /** Bytes of linear memory (grows only when the module needs more). */
  get memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }

  /** Copies `bytes` into the module's scratch buffer and returns its address. */
  private put(bytes: Uint8Array): number {
    const ptr = this.x.scratch(bytes.length);
    new Uint8Array(this.x.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  }

  private outputText(): string {
    return decoder.decode(new Uint8Array(this.x.memory.buffer, this.x.outputPtr(), this.x.outputLength()));
  }

  /** Compiles a pattern; returns its handle, or the error text. */
  compile(pattern: string, flags = 0): number | string {
    const bytes = encoder.encode(pattern);
    const id = this.x.regexCompile(this.put(bytes), bytes.length, flags);
    return id >= 0 ? id : this.outputText();
  }

  /** Compiles a pattern that must be valid. */
  regex(pattern: string, flags = 0): number {
    const id = this.compile(pattern, flags);
    if (typeof id === "string") throw new Error(`pattern ${JSON.stringify(pattern)} rejected: ${id}`);
    return id;
  }

  errorOffset(pattern: string, flags = 0): number {
    const bytes = encoder.encode(pattern);
    return this.x.regexErrorOffset(this.put(bytes), bytes.length, flags);
  }

  free(id: number): void {
    this.x.regexFree(id);
  }

  fullMatch(id: number, input: Input): boolean {
    const bytes = bytesOf(input);
    return this.bool(this.x.regexFullMatch(id, this.put(bytes), bytes.length));
  }

  search(id: number, input: Input): boolean {
    const bytes = bytesOf(input);
    return this.bool(this.x.regexSearch(id, this.put(bytes), bytes.length));
  }

  /** Makes `input` the module's stored string (for the string-taking API). */
  storeString(input: string): void {
    const bytes = encoder.encode(input);
    this.x.storeString(this.put(bytes), bytes.length);
  }

  fullMatchStored(id: number): boolean {
    return this.bool(this.x.regexFullMatchStored(id));
  }

  searchStored(id: number): boolean {
    return this.bool(this.x.regexSearchStored(id));
  }

  /** [start, end] byte offsets per group (null when a group did not take part), or null for no match. */
  captures(id: number, input: Input, whole = false): Array<[number, number] | null> | null {
    const bytes = bytesOf(input);
    const found = this.bool(this.x.regexCaptures(id, this.put(bytes), bytes.length, whole ? 1 : 0));
    return found ? this.groups(id) : null;
  }

  capturesStored(id: number, whole = false): Array<[number, number] | null> | null {
    return this.bool(this.x.regexCapturesStored(id, whole ? 1 : 0)) ? this.groups(id) : null;
  }

  private groups(id: number): Array<[number, number] | null> {
    const out: Array<[number, number] | null> = [];
    for (let g = 0; g < this.x.regexGroupCount(id); g++) {
      const start = this.x.regexGroupStart(id, g);
      out.push(start < 0 ? null : [start, this.x.regexGroupEnd(id, g)]);
    }
    return out;
  }

  groupText(id: number, group: number): string | null {
    const r = this.x.regexGroupText(id, group);
    if (r < 0) throw new Error("bad regex handle");
    return r === 0 ? null : this.outputText();
  }

  groupIndex(id: number, name: string): number {
    const bytes = encoder.encode(name);
    return this.x.regexGroupIndex(id, this.put(bytes), bytes.length);
  }

  replaceAll(id: number, input: string, template: string): string {
    const a = encoder.encode(input);
    const b = encoder.encode(template);
    const joined = new Uint8Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    const ptr = this.put(joined);
    if (this.x.regexReplaceAll(id, ptr, a.length, ptr + a.length, b.length) < 0) throw new Error("bad regex handle");
    return this.outputText();
  }

  steps(id: number): number {
    return this.x.regexSteps(id);
  }

  flushes(id: number): number {
    return this.x.regexFlushes(id);
  }

  limitCache(id: number, bytes: number): void {
    this.x.regexLimitCache(id, bytes);
  }

  cacheBytes(id: number): number {
    return this.x.regexCacheBytes(id);
  }

  programSize(id: number): number {
    return this.x.regexProgramSize(id);
  }

  /** compileLiteralSet: a regex handle (search, fullMatch, ...), or the error text. */
  literalSet(needles: Input[], flags = 0): number | string {
    const id = this.x.literalSetCompile(...this.putNeedles(needles), flags);
    return id >= 0 ? id : this.outputText();
  }

  /** Needles as u32 count, then per needle u32 length + bytes: [ptr, length]. */
  private putNeedles(needles: Input[]): [number, number] {
    const parts = needles.map(bytesOf);
    const size = 4 + parts.reduce((n, p) => n + 4 + p.length, 0);
    const buf = new Uint8Array(size);
    const view = new DataView(buf.buffer);
    view.setUint32(0, parts.length, true);
    let at = 4;
    for (const p of parts) {
      view.setUint32(at, p.length, true);
      buf.set(p, at + 4);
      at += 4 + p.length;
    }
    return [this.put(buf), buf.length];
  }

  /** Raw exports, for the benchmark's tight loops. */
  get raw(): Exports {
    return this.x;
  }

  /** Writes bytes into the scratch buffer and returns [ptr, len] for raw calls. */
  place(input: Input): [number, number] {
    const bytes = bytesOf(input);
    return [this.put(bytes), bytes.length];
  }

  private bool(r: number): boolean {
    if (r < 0) throw new Error("bad handle");
    return r === 1;
  }
}
