// A DFA built lazily from the NFA program, one state per reachable set of NFA positions, as input
// arrives. Warm, each input byte costs two loads (byte class, transition); a missing transition
// costs one pass over the NFA (O(program size)), so matching is O(input * program) at worst.
//
// A state holds the NFA's "leaf" instructions reached at a position: byte consumers, MATCH, and
// assertions that need the next byte ($, \b, ...); those are settled when the next byte (or the
// end) is known, as RE2 does. Assertions about what came before (^, \A) are settled at once.
//
// States live in a bounded cache: arrays double from a small start up to the memory limit, after
// which the cache is flushed (every state forgotten) whenever it fills; matching then rebuilds
// what it needs, so even patterns with exponentially many states stay linear.
import { assertionHolds, CONTEXT_AFTER_NEWLINE, CONTEXT_AFTER_WORD, CONTEXT_AT_START, contextAfter, dependsOnlyOnContext } from "./assertions";
import { ByteClasses } from "./byte-classes";
import {
  ASSERT_BEGIN_LINE,
  ASSERT_BEGIN_TEXT,
  ASSERT_NOT_WORD_BOUNDARY,
  ASSERT_WORD_BOUNDARY,
  OP_ASSERT,
  OP_BYTESET,
  OP_FAIL,
  OP_MATCH,
  OP_RANGE,
  OP_SPLIT,
  Program,
} from "./program";

/** Transition not computed yet. */
const UNKNOWN: i32 = -1;
/** No match is possible any more. */
const DEAD: i32 = -2;
/** A match was found (search mode stops here). */
const MATCH: i32 = -3;

const INITIAL_STATES: i32 = 16;
const INITIAL_POOL: i32 = 256;
/** Per state: offset of its key in the pool, key hash, match at end of input (-1 not known, 0, 1). */
const INFO_WORDS: i32 = 3;
/**
 * Key flag (beside the context bits): the state holds the search restart, i.e. every leaf the
 * unanchored loop reaches from the program's searchStart. Those leaves are left out of the key and
 * walked again from searchStart when the state is stepped, so a state of `needle1|...|needleN`
 * costs its own few positions rather than N: literal sets get Aho-Corasick-sized states.
 */
const RESTART: i32 = 8;

export class LazyDfa {
  private classOf: StaticArray<u8>;
  private stride: i32;
  /** Context bits the program can observe; others are dropped so states are not duplicated. */
  private contextMask: i32 = 0;
  /** NFA positions seen before / after the byte being stepped over (one bit per instruction). */
  private before: StaticArray<u32>;
  private after: StaticArray<u32>;
  private stack: StaticArray<i32>;
  /** A state's key being built: context (| RESTART), leaf count, the leaves in increasing order. */
  private key: StaticArray<i32>;
  /** The positions the restart reaches, left out of keys that hold RESTART; null: no RESTART states. */
  private restartSet: StaticArray<u32> | null = null;

  // The cache. Rows of `trans` hold the next state's row offset (index * stride), or a sentinel.
  private trans: StaticArray<i32> = new StaticArray<i32>(0);
  private info: StaticArray<i32> = new StaticArray<i32>(0);
  /** Open addressing (load <= 1/2) over state index + 1. */
  private table: StaticArray<i32> = new StaticArray<i32>(0);
  /** State keys, one after the other. */
  private pool: StaticArray<i32> = new StaticArray<i32>(INITIAL_POOL);
  private poolUsed: i32 = 0;
  private count: i32 = 0;
  private capacity: i32 = 0;
  /** Bumped by every flush: state indexes from an older generation are gone. */
  private generation: i32 = 0;
  private startRow: i32 = 0;
  private startGeneration: i32 = -1;
  cacheFlushes: i32 = 0;
  /** Work done (bytes stepped + NFA instructions visited + flush work): a linear-time witness. */
  steps: u64 = 0;

  /**
   * `search`: match anywhere (from the program's searchStart) and stop at the first match.
   * Otherwise the match must span the whole input.
   */
  constructor(
    private program: Program,
    classes: ByteClasses,
    private search: bool,
    private maxBytes: i32,
  ) {
    this.classOf = classes.classOf;
    this.stride = classes.count;
    const n = program.length;
    this.before = new StaticArray<u32>((n + 31) >> 5);
    this.after = new StaticArray<u32>((n + 31) >> 5);
    this.stack = new StaticArray<i32>(5 * n + 8);
    this.key = new StaticArray<i32>(n + 2);
    this.grow(INITIAL_STATES);
    if (program.usesAssertion(ASSERT_BEGIN_TEXT)) this.contextMask |= CONTEXT_AT_START;
    if (program.usesAssertion(ASSERT_BEGIN_LINE)) this.contextMask |= CONTEXT_AFTER_NEWLINE;
    if (program.usesAssertion(ASSERT_WORD_BOUNDARY) || program.usesAssertion(ASSERT_NOT_WORD_BOUNDARY)) this.contextMask |= CONTEXT_AFTER_WORD;
    // What the restart reaches depends on the context only through ^ and \A (assertions about what
    // came before); without them it is one set for every state. (With them, states list it in full.)
    if (search && (this.contextMask & (CONTEXT_AT_START | CONTEXT_AFTER_NEWLINE)) == 0) {
      this.clearSets();
      unchecked((this.stack[0] = (program.searchStart << 1) | 1));
      this.walk(1, 0, -1, 0);
      const set = new StaticArray<u32>(this.after.length);
      memory.copy(changetype<usize>(set), changetype<usize>(this.after), <usize>set.length << 2);
      this.restartSet = set;
    }
  }

  /** Memory the cache holds now. */
  get cacheBytes(): i32 {
    return this.bytesFor(this.capacity, this.pool.length);
  }

  private bytesFor(states: i32, poolLength: i32): i32 {
    // A row, the info words and two table slots per state, then the pool.
    return states * ((this.stride + INFO_WORDS + 2) << 2) + (poolLength << 2);
  }

  /** Whether the `len` bytes at `ptr` match (fully, or somewhere in search mode). */
  matches(ptr: usize, len: i32): bool {
    let state = this.startState();
    if (state < 0) return false;
    let trans = changetype<usize>(this.trans);
    const classOf = changetype<usize>(this.classOf);
    const end = ptr + <usize>len;
    for (let p = ptr; p < end; p++) {
      const b = <i32>load<u8>(p);
      let next = load<i32>(trans + (<usize>(state + <i32>load<u8>(classOf + <usize>b)) << 2));
      if (next < 0) {
        next = this.slowTransition(state, b);
        if (next < 0) {
          this.steps += <u64>(p - ptr);
          return next == MATCH;
        }
        trans = changetype<usize>(this.trans);
      }
      state = next;
    }
    this.steps += <u64>len;
    // Whether the state matches at the end of the input, worked out once per state.
    const at = (state / this.stride) * INFO_WORDS + 2;
    let known = unchecked(this.info[at]);
    if (known < 0) known = unchecked((this.info[at] = this.advance(state / this.stride, -1) ? 1 : 0));
    return known == 1;
  }

  /** Row offset of the start state (building it if needed); DEAD when nothing can match. */
  private startState(): i32 {
    if (this.startGeneration == this.generation) return this.startRow;
    const program = this.program;
    this.clearSets();
    unchecked((this.stack[0] = ((this.search ? program.searchStart : program.start) << 1) | 1));
    this.walk(1, 0, -1, CONTEXT_AT_START | CONTEXT_AFTER_NEWLINE);
    const row = this.intern(CONTEXT_AT_START | CONTEXT_AFTER_NEWLINE);
    this.startRow = row;
    this.startGeneration = this.generation;
    return row;
  }

  /** Computes (and records) the transition from the state at row offset `row` on byte `b`. */
  private slowTransition(row: i32, b: i32): i32 {
    const cell = row + <i32>unchecked(this.classOf[b]);
    const known = unchecked(this.trans[cell]);
    if (known != UNKNOWN) return known;
    const generation = this.generation;
    const next = this.advance(row / this.stride, b) && this.search ? MATCH : this.intern(contextAfter(b));
    // After a flush the source state no longer exists; its row must not be written.
    if (this.generation == generation) unchecked((this.trans[cell] = next));
    return next;
  }

  private clearSets(): void {
    const words = <usize>this.before.length << 2;
    memory.fill(changetype<usize>(this.before), 0, words);
    memory.fill(changetype<usize>(this.after), 0, words);
    this.steps += <u64>(words >> 1);
  }

  /**
   * Steps state `index` over byte `b` (-1: the end of the input): settles its pending assertions,
   * moves its byte consumers past `b` and closes the result into `after`. True when the state
   * matched before `b`.
   */
  private advance(index: i32, b: i32): bool {
    this.clearSets();
    const key = unchecked(this.info[index * INFO_WORDS]);
    const pool = this.pool;
    const stack = this.stack;
    const n = unchecked(pool[key + 1]);
    const context = unchecked(pool[key]);
    let top = 0;
    if (context & RESTART) unchecked((stack[top++] = this.program.searchStart << 1));
    // Pushed in reverse so they are expanded in their stored order (not needed for correctness).
    for (let i = 0; i < n; i++) unchecked((stack[top++] = pool[key + 1 + n - i] << 1));
    return this.walk(top, context & ~RESTART, b, b < 0 ? 0 : contextAfter(b));
  }

  /**
   * Depth-first walk over the `top` entries on the stack: `pc << 1` for a position before byte `b`
   * (context `context`), `pc << 1 | 1` for one after it (context `nextContext`). Positions after
   * `b` are collected in `after`; returns whether a MATCH was reached before `b`.
   */
  private walk(top: i32, context: i32, b: i32, nextContext: i32): bool {
    // Raw addresses (nothing here allocates): this loop reads the program and the sets at every
    // step, and a raw load skips the object field and data-pointer loads of each indexed access.
    const program = this.program;
    const code = changetype<usize>(program.code);
    const byteSets = changetype<usize>(program.byteSets);
    const stack = changetype<usize>(this.stack);
    const before = changetype<usize>(this.before);
    const after = changetype<usize>(this.after);
    let matched = false;
    let work: u64 = 0;
    while (top > 0) {
      const entry = load<i32>(stack + (<usize>(--top) << 2));
      const pc = entry >> 1;
      const isAfter = entry & 1;
      const seen = (isAfter ? after : before) + (<usize>(pc >> 5) << 2);
      const bit: u32 = 1 << (pc & 31);
      const word = load<u32>(seen);
      if (word & bit) continue;
      store<u32>(seen, word | bit);
      work++;
      const instruction = code + (<usize>pc << 4); // [op, arg, out, out1]
      const op = load<i32>(instruction);
      const arg = load<i32>(instruction, 4);
      let next = (load<i32>(instruction, 8) << 1) | isAfter;
      if (op == OP_SPLIT) {
        store<i32>(stack + (<usize>(top++) << 2), (load<i32>(instruction, 12) << 1) | isAfter);
      } else if (op == OP_ASSERT) {
        // After `b`, only assertions about what came before can be settled; the others wait as leaves.
        if (!(isAfter ? dependsOnlyOnContext(arg) && assertionHolds(arg, nextContext, -1) : assertionHolds(arg, context, b))) continue;
      } else if (op == OP_MATCH) {
        if (!isAfter) matched = true;
        continue;
      } else if (op == OP_RANGE || op == OP_BYTESET) {
        if (isAfter || b < 0) continue;
        const consumed = op == OP_RANGE ? b >= (arg & 0xff) && b <= ((arg >> 8) & 0xff) : (<i32>load<u8>(byteSets + (<usize>arg << 5) + (<usize>b >> 3)) & (1 << (b & 7))) != 0;
        if (!consumed) continue;
        next |= 1;
      } else if (op == OP_FAIL) {
        continue;
      }
      store<i32>(stack + (<usize>(top++) << 2), next); // SPLIT's first branch, SAVE, a held assertion, a consumed byte
    }
    this.steps += work;
    return matched;
  }

  /** Turns `after` into a state (finding or adding it) and returns its row offset; DEAD without leaves. */
  private intern(context: i32): i32 {
    // Raw addresses up to the lookup, as in walk().
    const program = this.program;
    const code = changetype<usize>(program.code);
    const key = changetype<usize>(this.key);
    const after = changetype<usize>(this.after);
    const afterWords = this.after.length;
    context &= this.contextMask;
    const restartSet = changetype<usize>(this.restartSet);
    const restartPc = program.searchStart;
    const restart = restartSet != 0 && (load<u32>(after + (<usize>(restartPc >> 5) << 2)) & (1 << (restartPc & 31))) != 0;
    let n = 0;
    // Scanning the bit set gives the leaves in increasing order: equal sets make one state.
    for (let w = 0; w < afterWords; w++) {
      let bits = load<u32>(after + (<usize>w << 2));
      if (restart) bits &= ~load<u32>(restartSet + (<usize>w << 2));
      while (bits) {
        const pc = (w << 5) + <i32>ctz(bits);
        bits &= bits - 1;
        const op = load<i32>(code + (<usize>pc << 4));
        if (op == OP_RANGE || op == OP_BYTESET || op == OP_MATCH || (op == OP_ASSERT && !dependsOnlyOnContext(load<i32>(code + (<usize>pc << 4), 4)))) store<i32>(key + (<usize>(2 + n++) << 2), pc);
      }
    }
    this.steps += <u64>(afterWords + n);
    if (restart) context |= RESTART;
    else if (n == 0) return DEAD;
    store<i32>(key, context);
    store<i32>(key, n, 4);
    const words = n + 2;
    let hash: u32 = 2166136261;
    for (let i = 0; i < words; i++) hash = (hash ^ load<u32>(key + (<usize>i << 2))) * 16777619;
    hash ^= hash >> 15;
    // Look the key up.
    let mask = this.table.length - 1;
    let slot = <i32>hash & mask;
    for (let entry = unchecked(this.table[slot]); entry != 0; entry = unchecked(this.table[slot])) {
      const at = (entry - 1) * INFO_WORDS;
      const stored = unchecked(this.info[at]);
      if (<u32>unchecked(this.info[at + 1]) == hash && memory.compare(changetype<usize>(this.pool) + (<usize>stored << 2), key, <usize>words << 2) == 0) {
        return (entry - 1) * this.stride;
      }
      slot = (slot + 1) & mask;
    }
    // Add it, making room first: grow within the memory limit, else forget every state.
    if (this.count == this.capacity && !this.grow(this.capacity << 1)) this.flush();
    if (this.poolUsed + words > this.pool.length && !this.growPool(words)) {
      this.flush();
      this.growPool(words);
    }
    const index = this.count++;
    const at = index * INFO_WORDS;
    unchecked((this.info[at] = this.poolUsed));
    unchecked((this.info[at + 1] = <i32>hash));
    unchecked((this.info[at + 2] = -1));
    memory.copy(changetype<usize>(this.pool) + (<usize>this.poolUsed << 2), key, <usize>words << 2);
    this.poolUsed += words;
    memory.fill(changetype<usize>(this.trans) + (<usize>(index * this.stride) << 2), 0xff, <usize>this.stride << 2); // all UNKNOWN
    this.place(index, hash);
    return index * this.stride;
  }

  private place(index: i32, hash: u32): void {
    const mask = this.table.length - 1;
    let slot = <i32>hash & mask;
    while (unchecked(this.table[slot]) != 0) slot = (slot + 1) & mask;
    unchecked((this.table[slot] = index + 1));
  }

  /** Room for `states` states, keeping those there are; false (nothing changed) past the memory limit. */
  private grow(states: i32): bool {
    if (this.capacity > 0 && this.bytesFor(states, this.pool.length) > this.maxBytes) return false;
    const stride = this.stride;
    const trans = new StaticArray<i32>(states * stride);
    memory.copy(changetype<usize>(trans), changetype<usize>(this.trans), <usize>(this.count * stride) << 2);
    this.trans = trans;
    const info = new StaticArray<i32>(states * INFO_WORDS);
    memory.copy(changetype<usize>(info), changetype<usize>(this.info), <usize>(this.count * INFO_WORDS) << 2);
    this.info = info;
    this.capacity = states;
    this.table = new StaticArray<i32>(states * 2);
    for (let i = 0; i < this.count; i++) this.place(i, <u32>unchecked(info[i * INFO_WORDS + 1]));
    return true;
  }

  /** Room for `words` more pool words; false past the memory limit (one state always fits an empty pool). */
  private growPool(words: i32): bool {
    let size = this.pool.length << 1;
    while (size < this.poolUsed + words) size <<= 1;
    if (this.bytesFor(this.capacity, size) > this.maxBytes && this.poolUsed > 0) return false;
    const pool = new StaticArray<i32>(size);
    memory.copy(changetype<usize>(pool), changetype<usize>(this.pool), <usize>this.poolUsed << 2);
    this.pool = pool;
    return true;
  }

  /** Forgets every state. Amortised O(1) per state added since the previous flush. */
  private flush(): void {
    this.count = 0;
    this.poolUsed = 0;
    memory.fill(changetype<usize>(this.table), 0, <usize>this.table.length << 2);
    this.generation++;
    this.cacheFlushes++;
    this.steps += <u64>this.capacity;
  }
}
