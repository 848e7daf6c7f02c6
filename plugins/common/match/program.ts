// The compiled form of a pattern: a Thompson NFA over bytes. Each instruction takes four i32s
// [op, arg, out, out1] in one flat array so the DFA and the Pike VM read it without objects.

export const OP_RANGE: i32 = 0; // arg = lo | hi << 8: consume one byte in [lo, hi], go to out
export const OP_BYTESET: i32 = 1; // arg = index of a 256-bit set in byteSets: consume a byte in it
export const OP_SPLIT: i32 = 2; // try out first, then out1; arg = 0 or a first-byte guard (below)
export const OP_SAVE: i32 = 3; // arg = capture slot: record the position, go to out
export const OP_ASSERT: i32 = 4; // arg = kind | lo << 8 | hi << 16: go to out if the assertion holds
export const OP_MATCH: i32 = 5; // the pattern matched
export const OP_FAIL: i32 = 6; // dead end (an empty class)
export const OP_NOP: i32 = 7; // go to out

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

export const INSTRUCTION_WORDS: i32 = 4;

export class Program {
  constructor(
    /** INSTRUCTION_WORDS i32 per instruction. */
    public code: StaticArray<i32>,
    /** 32 bytes (256 bits) per byte set. */
    public byteSets: StaticArray<u8>,
    public length: i32,
    /** Entry for a match anchored at the start of the input. */
    public start: i32,
    /**
     * Entry for a match starting anywhere: a lazy loop over whole characters, then `start`.
     * Skipping characters rather than bytes keeps a match from starting inside a UTF-8 sequence.
     * Equal to `start` when the pattern can only match at the start of the input (\A, ^).
     */
    public searchStart: i32,
    /** Groups including the whole match (group 0). */
    public groupCount: i32,
    /** Name of each group; "" when unnamed. */
    public groupNames: Array<string>,
    /** Bit (1 << kind) for every assertion kind the program contains. */
    public assertionKinds: i32,
    /** RANGE, BYTESET and MATCH instructions: the most threads a Pike VM list can hold. */
    public leafCount: i32,
  ) {}

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

/** Appends instructions; the compiler stops at `limit` and reports the pattern as too large. */
export class ProgramBuilder {
  code: Array<i32> = new Array<i32>();
  byteSets: Array<u8> = new Array<u8>();
  private byteSetIndex: Map<string, i32> = new Map<string, i32>();
  length: i32 = 0;
  assertionKinds: i32 = 0;
  leafCount: i32 = 0;
  overflowed: bool = false;

  constructor(public limit: i32) {}

  /** Appends an instruction and returns its pc, or -1 once the size limit is passed. */
  emit(op: i32, arg: i32, out: i32, out1: i32): i32 {
    if (this.length >= this.limit) {
      this.overflowed = true;
      return -1;
    }
    this.code.push(op);
    this.code.push(arg);
    this.code.push(out);
    this.code.push(out1);
    if (op == OP_RANGE || op == OP_BYTESET || op == OP_MATCH) this.leafCount++;
    if (op == OP_ASSERT) this.assertionKinds |= 1 << (arg & 0xff);
    return this.length++;
  }

  /** Sets both successors of an instruction emitted before they were known (loops). */
  setOuts(pc: i32, out: i32, out1: i32): void {
    this.code[(pc << 2) + 2] = out;
    this.code[(pc << 2) + 3] = out1;
  }

  /** SPLIT chain over `heads`, earlier heads preferred; returns its entry. */
  emitAlternation(heads: Array<i32>): i32 {
    return this.emitGuardedAlternation(heads, 0);
  }

  /** As emitAlternation, the entry SPLIT carrying `guard` (0, or a SPLIT_GUARDED argument). */
  emitGuardedAlternation(heads: Array<i32>, guard: i32): i32 {
    let pc = heads[heads.length - 1];
    for (let i = heads.length - 2; i >= 0; i--) pc = this.emit(OP_SPLIT, i == 0 ? guard : 0, heads[i], pc);
    return pc;
  }

  /** Interns a 256-bit byte set (32 bytes) and returns its index; equal sets share one index. */
  internByteSet(bits: StaticArray<u8>): i32 {
    let key = "";
    for (let i = 0; i < 32; i++) key += String.fromCharCode(<i32>bits[i] + 0x100);
    if (this.byteSetIndex.has(key)) return this.byteSetIndex.get(key);
    const index = this.byteSets.length >> 5;
    for (let i = 0; i < 32; i++) this.byteSets.push(bits[i]);
    this.byteSetIndex.set(key, index);
    return index;
  }

  finish(start: i32, searchStart: i32, groupCount: i32, groupNames: Array<string>): Program {
    const code = new StaticArray<i32>(this.code.length);
    for (let i = 0; i < this.code.length; i++) code[i] = this.code[i];
    const sets = new StaticArray<u8>(this.byteSets.length);
    for (let i = 0; i < this.byteSets.length; i++) sets[i] = this.byteSets[i];
    return new Program(code, sets, this.length, start, searchStart, groupCount, groupNames, this.assertionKinds, this.leafCount);
  }
}
