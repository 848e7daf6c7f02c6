// The compiled form of a pattern: a Thompson NFA over bytes. Each instruction takes four i32s
// [op, arg, out, out1] in one flat array so the DFA and the Pike VM read it without objects.

export const OP_RANGE: i32 = 0; // arg = lo | hi << 8: consume one byte in [lo, hi], go to out
export const OP_BYTESET: i32 = 1; // arg = index of a 256-bit set in byteSets: consume a byte in it
export const OP_SPLIT: i32 = 2; // try out first, then out1; arg = 0 or a first-byte guard (below)
export const OP_SAVE: i32 = 3; // arg = capture slot: record the position, go to out
export const OP_ASSERT: i32 = 4; // arg = kind | lo << 8 | hi << 16: go to out if the assertion holds
export const OP_MATCH: i32 = 5; // the pattern matched
export const OP_FAIL: i32 = 6; // dead end (an empty class)

export const ASSERT_BEGIN_TEXT: i32 = 0; // \A, ^ without (?m)
export const ASSERT_END_TEXT: i32 = 1; // \z, $ without (?m)
export const ASSERT_BEGIN_LINE: i32 = 2; // ^ with (?m): start of text or after \n
export const ASSERT_END_LINE: i32 = 3; // $ with (?m): end of text or before \n
export const ASSERT_WORD_BOUNDARY: i32 = 4; // \b (ASCII word characters)
export const ASSERT_NOT_WORD_BOUNDARY: i32 = 5; // \B
// Internal: the next byte is absent or outside [lo, hi]. Lets `.` and negated classes consume a
// truncated UTF-8 sequence as one (invalid) character, so no byte string escapes `.*`.
export const ASSERT_NOT_BEFORE_RANGE: i32 = 6;

/**
 * SPLIT arg flag: every path through this SPLIT starts by consuming a byte in [lo, hi]
 * (arg = SPLIT_GUARDED | lo << 8 | hi << 16), so the Pike VM can skip the whole branch when the
 * next byte is outside -- e.g. the multi-byte half of `.` when the input is ASCII.
 */
export const SPLIT_GUARDED: i32 = 1;

/**
 * Successor not known yet. The compiler emits each piece of a pattern with its exits left as HOLE
 * and patches them (ProgramBuilder.patch) once it knows what follows; an empty piece has entry HOLE.
 */
export const HOLE: i32 = -2;

export class Program {
  constructor(
    /** Four i32 per instruction. */
    public code: StaticArray<i32>,
    /** 32 bytes (256 bits) per byte set. */
    public byteSets: StaticArray<u8>,
    public length: i32,
    /** Entry for a match anchored at the start of the input. */
    public start: i32,
    /**
     * Entry for a match starting anywhere: a lazy loop over whole characters, then `start`.
     * Skipping characters rather than bytes keeps a match from starting inside a UTF-8 sequence.
     * Equal to `start` when every match must start at the start of the input (\A, ^).
     */
    public searchStart: i32,
    /** Name of each group ("" when unnamed), group 0 (the whole match) included. */
    public groupNames: Array<string>,
  ) {
    for (let pc = 0; pc < length; pc++) {
      const op = this.op(pc);
      if (op == OP_RANGE || op == OP_BYTESET || op == OP_MATCH) this.leafCount++;
      if (op == OP_ASSERT) this.assertionKinds |= 1 << (this.arg(pc) & 0xff);
    }
  }

  /** Bit (1 << kind) for every assertion kind the program contains. */
  assertionKinds: i32 = 0;
  /** RANGE, BYTESET and MATCH instructions: the most threads a Pike VM list can hold. */
  leafCount: i32 = 0;

  get groupCount(): i32 {
    return this.groupNames.length;
  }

  @inline op(pc: i32): i32 {
    return unchecked(this.code[pc << 2]);
  }

  @inline arg(pc: i32): i32 {
    return unchecked(this.code[(pc << 2) + 1]);
  }

  @inline out(pc: i32): i32 {
    return unchecked(this.code[(pc << 2) + 2]);
  }

  @inline out1(pc: i32): i32 {
    return unchecked(this.code[(pc << 2) + 3]);
  }

  /** Whether the consuming instruction at pc (RANGE or BYTESET) accepts byte b. */
  @inline consumes(pc: i32, b: i32): bool {
    const arg = this.arg(pc);
    if (this.op(pc) == OP_RANGE) return b >= (arg & 0xff) && b <= ((arg >> 8) & 0xff);
    return (<i32>unchecked(this.byteSets[(arg << 5) + (b >> 3)]) & (1 << (b & 7))) != 0;
  }

  usesAssertion(kind: i32): bool {
    return (this.assertionKinds & (1 << kind)) != 0;
  }
}

/** Appends instructions; stops at `limit` (the pattern is then reported as too large). */
export class ProgramBuilder {
  code: i32[] = [];
  byteSets: u8[] = [];
  /** A cheap hash of each byte set, so interning compares 32 bytes only on a likely hit. */
  private setHashes: u32[] = [];
  overflowed: bool = false;

  constructor(public limit: i32) {}

  get length(): i32 {
    return this.code.length >> 2;
  }

  /** Appends an instruction and returns its pc, or -1 once the size limit is passed. */
  emit(op: i32, arg: i32, out: i32, out1: i32 = -1): i32 {
    if (this.length >= this.limit) {
      this.overflowed = true;
      return -1;
    }
    const code = this.code;
    code.push(op);
    code.push(arg);
    code.push(out);
    code.push(out1);
    return this.length - 1;
  }

  /** Points every HOLE successor of the instructions in [from, to) at `target`. */
  patch(from: i32, to: i32, target: i32): void {
    const code = this.code;
    for (let i = from << 2; i < to << 2; i += 4) {
      if (unchecked(code[i + 2]) == HOLE) unchecked((code[i + 2] = target));
      if (unchecked(code[i + 3]) == HOLE) unchecked((code[i + 3] = target));
    }
  }

  /** Sets the successors of an instruction emitted before they were known. */
  setOut(pc: i32, out: i32, out1: i32 = -1): void {
    if (pc < 0) return; // past the size limit
    unchecked((this.code[(pc << 2) + 2] = out));
    unchecked((this.code[(pc << 2) + 3] = out1));
  }

  /** Whether every match must start at the start of the input: each path from `start` meets \A first. */
  anchoredAtStart(start: i32): bool {
    const code = this.code;
    const seen = new StaticArray<bool>(this.length);
    const stack: i32[] = [start];
    while (stack.length) {
      const pc = stack.pop();
      if (seen[pc]) continue;
      seen[pc] = true;
      const op = code[pc << 2];
      if (op == OP_RANGE || op == OP_BYTESET || op == OP_MATCH) return false;
      if (op == OP_FAIL || (op == OP_ASSERT && code[(pc << 2) + 1] == ASSERT_BEGIN_TEXT)) continue;
      stack.push(code[(pc << 2) + 2]);
      if (op == OP_SPLIT) stack.push(code[(pc << 2) + 3]);
    }
    return true;
  }

  /** Forgets the instructions from `length` on (a repeated atom is re-emitted copy by copy). */
  truncate(length: i32): void {
    this.code.length = length << 2;
  }

  /** SPLIT chain over `heads` (earlier preferred), the first SPLIT carrying `guard`; returns its entry. */
  alternation(heads: i32[], guard: i32 = 0): i32 {
    let pc = heads[heads.length - 1];
    for (let i = heads.length - 2; i >= 0; i--) pc = this.emit(OP_SPLIT, i == 0 ? guard : 0, heads[i], pc);
    return pc;
  }

  /** RANGE when the 256-bit set is one run of bytes, else an interned BYTESET; -1 for an empty set. */
  byteSet(bits: StaticArray<u8>, next: i32): i32 {
    let lo = -1;
    let hi = -1;
    let runs = 0;
    let hash: u32 = 0;
    for (let c = 0; c < 256; c++) {
      if ((c & 7) == 0) hash = (hash ^ bits[c >> 3]) * 16777619;
      if ((<i32>bits[c >> 3] & (1 << (c & 7))) == 0) continue;
      if (lo < 0 || hi != c - 1) runs++;
      if (lo < 0) lo = c;
      hi = c;
    }
    if (lo < 0) return -1;
    if (runs == 1) return this.emit(OP_RANGE, lo | (hi << 8), next);
    const sets = this.byteSets;
    let index = 0;
    while (index < this.setHashes.length) {
      if (this.setHashes[index] == hash && memory.compare(sets.dataStart + (<usize>index << 5), changetype<usize>(bits), 32) == 0) break;
      index++;
    }
    if (index == this.setHashes.length) {
      this.setHashes.push(hash);
      for (let i = 0; i < 32; i++) sets.push(bits[i]);
    }
    return this.emit(OP_BYTESET, index, next);
  }

  finish(start: i32, searchStart: i32, groupNames: Array<string>): Program {
    const code = this.code;
    const out = new StaticArray<i32>(code.length);
    memory.copy(changetype<usize>(out), code.dataStart, <usize>code.length << 2);
    const sets = new StaticArray<u8>(this.byteSets.length);
    memory.copy(changetype<usize>(sets), this.byteSets.dataStart, <usize>sets.length);
    return new Program(out, sets, this.length, start, searchStart, groupNames);
  }
}

/** Sets bits lo..hi of a 256-bit byte set. */
export function setBits(bits: StaticArray<u8>, lo: i32, hi: i32): void {
  for (let c = lo; c <= hi; c++) bits[c >> 3] |= <u8>(1 << <u8>(c & 7));
}
