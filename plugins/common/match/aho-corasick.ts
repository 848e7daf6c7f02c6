// Multi-substring matching: does any of N needles occur in the input, and which. One pass over
// the input, one table lookup per byte (Aho-Corasick). ASCII case folding is optional.
import { AhoCorasickTables, buildAhoCorasickTables } from "./aho-corasick-builder";
import { ByteBuffer } from "./byte-buffer";

export class AhoCorasickBuildResult {
  constructor(
    public matcher: AhoCorasick | null,
    /** Why the needles were rejected ("" on success). */
    public error: string,
  ) {}

  get ok(): bool {
    return this.matcher !== null;
  }
}

/** Builds a matcher for `needles` (matched as UTF-8). Never traps. */
export function buildAhoCorasick(needles: Array<string>, caseInsensitive: bool = false): AhoCorasickBuildResult {
  const bytes = new Array<Uint8Array>(needles.length);
  for (let i = 0; i < needles.length; i++) bytes[i] = Uint8Array.wrap(String.UTF8.encode(needles[i]));
  return buildAhoCorasickBytes(bytes, caseInsensitive);
}

/** Builds a matcher for byte-string needles. Never traps. */
export function buildAhoCorasickBytes(needles: Array<Uint8Array>, caseInsensitive: bool = false): AhoCorasickBuildResult {
  const folded = new Array<Uint8Array>(needles.length);
  for (let i = 0; i < needles.length; i++) {
    const copy = new Uint8Array(needles[i].length);
    for (let k = 0; k < copy.length; k++) {
      const b = needles[i][k];
      copy[k] = caseInsensitive && b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
    }
    folded[i] = copy;
  }
  const tables = buildAhoCorasickTables(folded, caseInsensitive);
  if (tables.error.length > 0) return new AhoCorasickBuildResult(null, tables.error);
  return new AhoCorasickBuildResult(new AhoCorasick(tables, needles.length), "");
}

export class AhoCorasick {
  private input: ByteBuffer = new ByteBuffer();
  /** Needles found by the last findAll*, in the order first seen. */
  private found: StaticArray<i32>;
  private foundCount: i32 = 0;
  /** seenIn[needle] == call stamp: already reported in this findAll call (no clearing per call). */
  private seenIn: StaticArray<u32>;
  private stamp: u32 = 0;

  constructor(
    private tables: AhoCorasickTables,
    public readonly needleCount: i32,
  ) {
    this.found = new StaticArray<i32>(needleCount);
    this.seenIn = new StaticArray<u32>(needleCount);
  }

  // ---- Does any needle occur? Which one first? ----

  /** Index of the needle whose first occurrence ends earliest (the longest such), or -1. */
  findFirst(input: string): i32 {
    this.input.setUtf8(input);
    return this.findFirstRaw(this.input.ptr, this.input.length);
  }

  findFirstBuffer(input: ArrayBuffer): i32 {
    return this.findFirstRaw(changetype<usize>(input), input.byteLength);
  }

  findFirstRaw(ptr: usize, len: i32): i32 {
    const tables = this.tables;
    if (tables.emptyNeedle >= 0) return tables.emptyNeedle;
    if (len <= 0) return -1;
    const trans = changetype<usize>(tables.transitions);
    const classOf = changetype<usize>(tables.classOf);
    const threshold = tables.reportThreshold;
    const end = ptr + <usize>len;
    let state = 0;
    for (let p = ptr; p < end; p++) {
      state = load<i32>(trans + (<usize>(state + <i32>load<u8>(classOf + <usize>load<u8>(p))) << 2));
      if (state >= threshold) return unchecked(tables.longestNeedle[state / tables.stride]);
    }
    return -1;
  }

  matchesAny(input: string): bool {
    return this.findFirst(input) >= 0;
  }

  matchesAnyBuffer(input: ArrayBuffer): bool {
    return this.findFirstBuffer(input) >= 0;
  }

  matchesAnyRaw(ptr: usize, len: i32): bool {
    return this.findFirstRaw(ptr, len) >= 0;
  }

  // ---- Every needle that occurs ----

  /** Number of distinct needles occurring in the input; read them with foundNeedle(0..n-1). */
  findAll(input: string): i32 {
    this.input.setUtf8(input);
    return this.findAllRaw(this.input.ptr, this.input.length);
  }

  findAllBuffer(input: ArrayBuffer): i32 {
    return this.findAllRaw(changetype<usize>(input), input.byteLength);
  }

  findAllRaw(ptr: usize, len: i32): i32 {
    const tables = this.tables;
    this.foundCount = 0;
    this.stamp++;
    if (this.stamp == 0) {
      // Wrapped after 2^32 calls: old stamps could collide, so start over.
      memory.fill(changetype<usize>(this.seenIn), 0, <usize>this.needleCount << 2);
      this.stamp = 1;
    }
    if (tables.emptyNeedle >= 0) this.reportNeedle(tables.emptyNeedle);
    if (len <= 0) return this.foundCount;
    const trans = changetype<usize>(tables.transitions);
    const classOf = changetype<usize>(tables.classOf);
    const threshold = tables.reportThreshold;
    const end = ptr + <usize>len;
    let state = 0;
    for (let p = ptr; p < end; p++) {
      state = load<i32>(trans + (<usize>(state + <i32>load<u8>(classOf + <usize>load<u8>(p))) << 2));
      if (state >= threshold) {
        this.reportState(state / tables.stride);
        if (this.foundCount == this.needleCount) break;
      }
    }
    return this.foundCount;
  }

  /** The k-th needle index found by the last findAll* call (-1 when k is out of range). */
  foundNeedle(k: i32): i32 {
    return k >= 0 && k < this.foundCount ? this.found[k] : -1;
  }

  private reportState(index: i32): void {
    const tables = this.tables;
    let at = index;
    while (at >= 0) {
      const needle = unchecked(tables.longestNeedle[at]);
      // The chain below a needle is always the same, so a needle already reported in this call
      // means the rest of the chain was too: stopping keeps findAll linear in the input.
      if (unchecked(this.seenIn[needle]) == this.stamp) break;
      this.reportNeedle(needle);
      at = unchecked(tables.shorterReport[at]);
    }
  }

  private reportNeedle(first: i32): void {
    const tables = this.tables;
    let needle = first;
    while (needle >= 0) {
      if (unchecked(this.seenIn[needle]) != this.stamp) {
        unchecked((this.seenIn[needle] = this.stamp));
        unchecked((this.found[this.foundCount++] = needle));
      }
      needle = unchecked(tables.sameBytesNext[needle]);
    }
  }
}
