// Storage for the lazy DFA's states: each state is a sorted set of NFA pcs plus context flags,
// with one transition row (one i32 per byte class). Rows hold the next state's row offset
// (index * stride) so the matching loop needs no multiply, or one of the negative sentinels.
// Memory is bounded: arrays double from a small start up to `maxBytes`, after which the cache is
// flushed (all states forgotten) whenever it fills; matching then rebuilds what it needs.

/** Transition not computed yet. */
export const UNKNOWN: i32 = -1;
/** No match is possible any more. */
export const DEAD: i32 = -2;
/** A match was found (search mode stops here). */
export const MATCH: i32 = -3;

const INITIAL_STATES: i32 = 16;
const INITIAL_POOL: i32 = 256;

export class DfaCache {
  count: i32 = 0;
  capacity: i32 = 0;
  /** Bumped by every flush: state indexes from an older generation are gone. */
  generation: i32 = 0;
  flushes: i32 = 0;
  trans: StaticArray<i32> = new StaticArray<i32>(0);
  pcStart: StaticArray<i32> = new StaticArray<i32>(0);
  pcLength: StaticArray<i32> = new StaticArray<i32>(0);
  context: StaticArray<i32> = new StaticArray<i32>(0);
  hashes: StaticArray<u32> = new StaticArray<u32>(0);
  /** Per state: -1 not computed, 0 no match at end of input, 1 match at end of input. */
  acceptsAtEnd: StaticArray<i8> = new StaticArray<i8>(0);
  pool: StaticArray<i32> = new StaticArray<i32>(0);
  poolUsed: i32 = 0;
  private table: StaticArray<i32> = new StaticArray<i32>(0);

  constructor(
    public stride: i32,
    public maxBytes: i32,
  ) {
    this.resize(INITIAL_STATES);
    this.pool = new StaticArray<i32>(INITIAL_POOL);
  }

  get bytesUsed(): i32 {
    return this.bytesFor(this.capacity, this.pool.length);
  }

  private bytesFor(states: i32, poolLength: i32): i32 {
    // row + pcStart + pcLength + context + hash + acceptsAtEnd, then two table slots per state.
    return states * (this.stride * 4 + 4 * 4 + 1 + 2 * 4) + poolLength * 4;
  }

  @inline static hashOf(pcs: usize, n: i32, context: i32): u32 {
    let h: u32 = 2166136261 ^ <u32>context;
    for (let i = 0; i < n; i++) {
      h = (h ^ load<u32>(pcs + (<usize>i << 2))) * 16777619;
    }
    return h ^ (h >> 15);
  }

  /** The index of the state with exactly these pcs and context, or -1. */
  find(pcs: usize, n: i32, context: i32, hash: u32): i32 {
    const mask = this.table.length - 1;
    let slot = <i32>(hash & <u32>mask);
    while (true) {
      const entry = unchecked(this.table[slot]);
      if (entry == 0) return -1;
      const index = entry - 1;
      if (unchecked(this.hashes[index]) == hash && this.sameState(index, pcs, n, context)) return index;
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  private sameState(index: i32, pcs: usize, n: i32, context: i32): bool {
    if (unchecked(this.pcLength[index]) != n || unchecked(this.context[index]) != context) return false;
    const start = changetype<usize>(this.pool) + (<usize>unchecked(this.pcStart[index]) << 2);
    return memory.compare(start, pcs, <usize>n << 2) == 0;
  }

  /** Whether a state of n pcs fits now, growing within the budget if needed. False: flush first. */
  makeRoom(n: i32): bool {
    if (this.count == this.capacity) {
      const bigger = this.capacity << 1;
      if (this.bytesFor(bigger, this.pool.length) > this.maxBytes) return false;
      this.resize(bigger);
    }
    if (this.poolUsed + n > this.pool.length) {
      let bigger = this.pool.length << 1;
      while (bigger < this.poolUsed + n) bigger <<= 1;
      // A single state must always fit, whatever the budget says (its size is bounded by the program).
      if (this.bytesFor(this.capacity, bigger) > this.maxBytes && this.poolUsed > 0) return false;
      const pool = new StaticArray<i32>(bigger);
      memory.copy(changetype<usize>(pool), changetype<usize>(this.pool), <usize>this.poolUsed << 2);
      this.pool = pool;
    }
    return true;
  }

  /** Adds a state (makeRoom(n) must have returned true) and returns its index. */
  add(pcs: usize, n: i32, context: i32, hash: u32): i32 {
    const index = this.count++;
    unchecked((this.pcStart[index] = this.poolUsed));
    unchecked((this.pcLength[index] = n));
    unchecked((this.context[index] = context));
    unchecked((this.hashes[index] = hash));
    unchecked((this.acceptsAtEnd[index] = -1));
    memory.copy(changetype<usize>(this.pool) + (<usize>this.poolUsed << 2), pcs, <usize>n << 2);
    this.poolUsed += n;
    const row = changetype<usize>(this.trans) + (<usize>(index * this.stride) << 2);
    memory.fill(row, 0xff, <usize>this.stride << 2); // every entry UNKNOWN (-1)
    const mask = this.table.length - 1;
    let slot = <i32>(hash & <u32>mask);
    while (unchecked(this.table[slot]) != 0) slot = (slot + 1) & mask;
    unchecked((this.table[slot] = index + 1));
    return index;
  }

  /** Forgets every state. Amortised O(1) per state added since the previous flush. */
  flush(): void {
    this.count = 0;
    this.poolUsed = 0;
    memory.fill(changetype<usize>(this.table), 0, <usize>this.table.length << 2);
    this.generation++;
    this.flushes++;
  }

  private resize(states: i32): void {
    const old = this.count;
    this.trans = copyInto(new StaticArray<i32>(states * this.stride), this.trans, old * this.stride);
    this.pcStart = copyInto(new StaticArray<i32>(states), this.pcStart, old);
    this.pcLength = copyInto(new StaticArray<i32>(states), this.pcLength, old);
    this.context = copyInto(new StaticArray<i32>(states), this.context, old);
    const hashes = new StaticArray<u32>(states);
    memory.copy(changetype<usize>(hashes), changetype<usize>(this.hashes), <usize>old << 2);
    this.hashes = hashes;
    const accepts = new StaticArray<i8>(states);
    memory.copy(changetype<usize>(accepts), changetype<usize>(this.acceptsAtEnd), <usize>old);
    this.acceptsAtEnd = accepts;
    this.capacity = states;
    // Open addressing at load <= 1/2; rebuilt from the stored hashes.
    this.table = new StaticArray<i32>(states * 2);
    const mask = this.table.length - 1;
    for (let index = 0; index < old; index++) {
      let slot = <i32>(unchecked(this.hashes[index]) & <u32>mask);
      while (unchecked(this.table[slot]) != 0) slot = (slot + 1) & mask;
      unchecked((this.table[slot] = index + 1));
    }
  }
}

function copyInto(to: StaticArray<i32>, from: StaticArray<i32>, count: i32): StaticArray<i32> {
  memory.copy(changetype<usize>(to), changetype<usize>(from), <usize>count << 2);
  return to;
}
