// A DFA built lazily from the NFA program, one state per reachable set of NFA positions, as input
// arrives. Warm, each input byte costs two loads (byte class, transition); a missing transition
// costs one pass over the NFA (O(program size)), so matching is O(input * program) at worst.
//
// A state holds the NFA's "leaf" instructions reached at a position: byte consumers, MATCH, and
// assertions that need the next byte ($, \b, ...); those are settled when the next byte (or the
// end) is known, as RE2 does. Assertions about what came before (^, \A) are settled at once.
import { assertionHolds, CONTEXT_AFTER_NEWLINE, CONTEXT_AFTER_WORD, CONTEXT_AT_START, contextAfter, dependsOnlyOnContext } from "./assertions";
import { ByteClasses } from "./byte-classes";
import { DEAD, DfaCache, MATCH, UNKNOWN } from "./dfa-cache";
import {
  ASSERT_BEGIN_LINE,
  ASSERT_BEGIN_TEXT,
  ASSERT_NOT_WORD_BOUNDARY,
  ASSERT_WORD_BOUNDARY,
  OP_ASSERT,
  OP_BYTESET,
  OP_MATCH,
  OP_RANGE,
  OP_SPLIT,
  OP_FAIL,
  Program,
} from "./program";
import { sortSmallInts } from "./sort";
import { SparseSet } from "./sparse-set";

export class LazyDfa {
  private cache: DfaCache;
  private classOf: StaticArray<u8>;
  /** Context bits the program can observe; others are dropped so states are not duplicated. */
  private contextMask: i32 = 0;
  private visited: SparseSet;
  private reached: SparseSet;
  private expandStack: StaticArray<i32>;
  private closureStack: StaticArray<i32>;
  private leaves: StaticArray<i32>;
  private sortScratch: StaticArray<i32>;
  private sortCounts: StaticArray<i32> = new StaticArray<i32>(256);
  private startIndex: i32 = -1;
  private startGeneration: i32 = -1;
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
    maxCacheBytes: i32,
  ) {
    this.classOf = classes.classOf;
    this.cache = new DfaCache(classes.count, maxCacheBytes);
    const n = program.length;
    this.visited = new SparseSet(n);
    this.reached = new SparseSet(n);
    this.expandStack = new StaticArray<i32>(3 * n + 4);
    this.closureStack = new StaticArray<i32>(2 * n + 4);
    this.leaves = new StaticArray<i32>(n);
    this.sortScratch = new StaticArray<i32>(n);
    if (program.usesAssertion(ASSERT_BEGIN_TEXT)) this.contextMask |= CONTEXT_AT_START;
    if (program.usesAssertion(ASSERT_BEGIN_LINE)) this.contextMask |= CONTEXT_AFTER_NEWLINE;
    if (program.usesAssertion(ASSERT_WORD_BOUNDARY) || program.usesAssertion(ASSERT_NOT_WORD_BOUNDARY)) {
      this.contextMask |= CONTEXT_AFTER_WORD;
    }
  }

  get cacheFlushes(): i32 {
    return this.cache.flushes;
  }

  get cacheBytes(): i32 {
    return this.cache.bytesUsed;
  }

  /** Whether the `len` bytes at `ptr` match (fully, or somewhere in search mode). */
  matches(ptr: usize, len: i32): bool {
    let state = this.startState();
    if (state < 0) return state == MATCH;
    let trans = changetype<usize>(this.cache.trans);
    const classOf = changetype<usize>(this.classOf);
    const end = ptr + <usize>len;
    let p = ptr;
    while (p < end) {
      const b = <i32>load<u8>(p);
      let next = load<i32>(trans + (<usize>(state + <i32>load<u8>(classOf + <usize>b)) << 2));
      if (next < 0) {
        next = this.slowTransition(state, b);
        if (next < 0) {
          this.steps += <u64>(p - ptr);
          return next == MATCH;
        }
        trans = changetype<usize>(this.cache.trans);
      }
      state = next;
      p++;
    }
    this.steps += <u64>len;
    return this.matchesAtEnd(state);
  }

  /** Row offset of the start state (building it if needed). */
  private startState(): i32 {
    const cache = this.cache;
    if (this.startGeneration == cache.generation) return this.startIndex * cache.stride;
    this.reached.clear();
    this.closure(this.search ? this.program.searchStart : this.program.start, CONTEXT_AT_START | CONTEXT_AFTER_NEWLINE);
    const index = this.intern(CONTEXT_AT_START | CONTEXT_AFTER_NEWLINE);
    if (index < 0) return DEAD;
    this.startIndex = index;
    this.startGeneration = cache.generation;
    return index * cache.stride;
  }

  /** Computes (and records) the transition from the state at row offset `state` on byte `b`. */
  private slowTransition(state: i32, b: i32): i32 {
    const cache = this.cache;
    const cls = <i32>unchecked(this.classOf[b]);
    const known = unchecked(cache.trans[state + cls]);
    if (known != UNKNOWN) return known;
    const generation = cache.generation;
    const matched = this.step(state / cache.stride, b);
    let next: i32;
    if (this.search && matched) {
      next = MATCH;
    } else {
      const index = this.intern(contextAfter(b));
      next = index < 0 ? DEAD : index * cache.stride;
    }
    // After a flush the source state no longer exists; its row must not be written.
    if (cache.generation == generation) unchecked((cache.trans[state + cls] = next));
    return next;
  }

  private matchesAtEnd(state: i32): bool {
    const cache = this.cache;
    const index = state / cache.stride;
    let known = unchecked(cache.acceptsAtEnd[index]);
    if (known < 0) {
      known = this.step(index, -1) ? 1 : 0;
      unchecked((cache.acceptsAtEnd[index] = <i8>known));
    }
    return known == 1;
  }

  /**
   * Settles the pending assertions of state `index` against byte `b` (-1: end of input), steps its
   * byte consumers over `b` into `reached` (closed), and reports whether a MATCH was reached
   * before `b`.
   */
  private step(index: i32, b: i32): bool {
    const cache = this.cache;
    const program = this.program;
    const context = unchecked(cache.context[index]);
    const nextContext = b < 0 ? 0 : contextAfter(b);
    this.visited.clear();
    this.reached.clear();
    const stack = changetype<usize>(this.expandStack);
    let top = 0;
    const n = unchecked(cache.pcLength[index]);
    // Pushed in reverse so they are expanded in their stored order (not needed for correctness).
    const pcs = changetype<usize>(cache.pool) + (<usize>unchecked(cache.pcStart[index]) << 2);
    for (let i = n - 1; i >= 0; i--) store<i32>(stack + (<usize>(top++) << 2), load<i32>(pcs + (<usize>i << 2)));
    let matched = false;
    let work: u64 = 0;
    while (top > 0) {
      const pc = load<i32>(stack + (<usize>(--top) << 2));
      if (this.visited.has(pc)) continue;
      this.visited.insert(pc);
      work++;
      const op = program.op(pc);
      if (op == OP_RANGE || op == OP_BYTESET) {
        if (b >= 0 && program.consumes(pc, b)) this.closure(program.out(pc), nextContext);
      } else if (op == OP_MATCH) {
        matched = true;
      } else if (op == OP_ASSERT) {
        if (assertionHolds(program.arg(pc), context, b)) store<i32>(stack + (<usize>(top++) << 2), program.out(pc));
      } else if (op == OP_SPLIT) {
        store<i32>(stack + (<usize>(top++) << 2), program.out1(pc));
        store<i32>(stack + (<usize>(top++) << 2), program.out(pc));
      } else if (op != OP_FAIL) {
        store<i32>(stack + (<usize>(top++) << 2), program.out(pc)); // SAVE, NOP
      }
    }
    this.steps += work;
    return matched;
  }

  /** Adds everything reachable from `pc` without consuming a byte to `reached`, at `context`. */
  private closure(pc: i32, context: i32): void {
    const program = this.program;
    const reached = this.reached;
    const stack = changetype<usize>(this.closureStack);
    let top = 0;
    store<i32>(stack, pc);
    top = 1;
    let work: u64 = 0;
    while (top > 0) {
      const at = load<i32>(stack + (<usize>(--top) << 2));
      if (reached.has(at)) continue;
      reached.insert(at);
      work++;
      const op = program.op(at);
      if (op == OP_SPLIT) {
        store<i32>(stack + (<usize>(top++) << 2), program.out1(at));
        store<i32>(stack + (<usize>(top++) << 2), program.out(at));
      } else if (op == OP_ASSERT) {
        const arg = program.arg(at);
        if (dependsOnlyOnContext(arg) && assertionHolds(arg, context, -1)) {
          store<i32>(stack + (<usize>(top++) << 2), program.out(at));
        }
      } else if (op != OP_RANGE && op != OP_BYTESET && op != OP_MATCH && op != OP_FAIL) {
        store<i32>(stack + (<usize>(top++) << 2), program.out(at)); // SAVE, NOP
      }
    }
    this.steps += work;
  }

  /** Turns `reached` into a state (finding or adding it); -1 when it has no leaves (dead). */
  private intern(context: i32): i32 {
    const program = this.program;
    const reached = this.reached;
    const leaves = changetype<usize>(this.leaves);
    let n = 0;
    for (let i = 0; i < reached.size; i++) {
      const pc = reached.at(i);
      const op = program.op(pc);
      const isLeaf = op == OP_RANGE || op == OP_BYTESET || op == OP_MATCH || (op == OP_ASSERT && !dependsOnlyOnContext(program.arg(pc)));
      if (isLeaf) store<i32>(leaves + (<usize>(n++) << 2), pc);
    }
    if (n == 0) return -1;
    // Sorted so that equal sets reached in different orders are one state.
    sortSmallInts(leaves, n, changetype<usize>(this.sortScratch), changetype<usize>(this.sortCounts));
    const maskedContext = context & this.contextMask;
    this.steps += <u64>(reached.size + n);
    const hash = DfaCache.hashOf(leaves, n, maskedContext);
    const cache = this.cache;
    const found = cache.find(leaves, n, maskedContext, hash);
    if (found >= 0) return found;
    if (!cache.makeRoom(n)) {
      this.steps += <u64>cache.capacity;
      cache.flush();
      cache.makeRoom(n);
    }
    return cache.add(leaves, n, maskedContext, hash);
  }
}
