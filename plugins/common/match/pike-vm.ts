// Pike VM: simulates the NFA over the input with one thread per instruction, each carrying capture
// positions, in priority order, so the submatches are those a backtracking engine (RE2, Go, JS)
// would report for leftmost-first matching -- in O(input * program) time. Used for captures only.
import { assertionHolds, contextAfter } from "./assertions";
import { OP_ASSERT, OP_BYTESET, OP_FAIL, OP_MATCH, OP_RANGE, OP_SAVE, OP_SPLIT, Program } from "./program";
import { SparseSet } from "./sparse-set";
import { characterWidthAt } from "./utf8-characters";

class ThreadList {
  /** Every pc visited while adding threads at this position (stops duplicate work and loops). */
  visited: SparseSet;
  /** Consuming or MATCH pcs, highest priority first. */
  pcs: StaticArray<i32>;
  /** `slots` capture positions per thread. */
  caps: StaticArray<i32>;
  count: i32 = 0;

  constructor(programLength: i32, leafCount: i32, slots: i32) {
    this.visited = new SparseSet(programLength);
    this.pcs = new StaticArray<i32>(leafCount);
    this.caps = new StaticArray<i32>(leafCount * slots);
  }

  @inline clear(): void {
    this.visited.clear();
    this.count = 0;
  }
}

export class PikeVm {
  private current: ThreadList;
  private next: ThreadList;
  private slots: i32;
  /** Capture positions of the thread being added (saved and restored around SAVE). */
  private work: StaticArray<i32>;
  private noCaptures: StaticArray<i32>;
  /** Pairs: (pc, 0) to explore pc, or (-1 - slot, old value) to restore a capture slot. */
  private stack: StaticArray<i32>;
  /** Capture positions of the last match (byte offsets from the start of the input), -1 if unset. */
  matchCaps: StaticArray<i32>;
  steps: u64 = 0;

  constructor(private program: Program) {
    const slots = program.groupCount << 1;
    this.slots = slots;
    this.current = new ThreadList(program.length, program.leafCount, slots);
    this.next = new ThreadList(program.length, program.leafCount, slots);
    this.work = new StaticArray<i32>(slots);
    const noCaptures = new StaticArray<i32>(slots);
    for (let i = 0; i < slots; i++) noCaptures[i] = -1;
    this.noCaptures = noCaptures;
    this.matchCaps = new StaticArray<i32>(slots);
    this.stack = new StaticArray<i32>(4 * program.length + 4);
  }

  /**
   * Finds the leftmost-first match in the `len` bytes at `base`, starting the search at `from`
   * (earlier bytes still count for ^, \b). `anchorStart`: only a match starting at `from`;
   * `anchorEnd`: only a match ending at `len`. Fills matchCaps on success.
   */
  exec(base: usize, len: i32, from: i32, anchorStart: bool, anchorEnd: bool): bool {
    const program = this.program;
    let current = this.current;
    let next = this.next;
    current.clear();
    let matched = false;
    let nextStart = from;
    for (let pos = from; ; pos++) {
      // A new attempt starts at each character boundary (never inside a UTF-8 sequence), with
      // lower priority than the attempts already running, until a match is found.
      const b = pos < len ? <i32>load<u8>(base + <usize>pos) : -1;
      if (pos == nextStart && !matched && (!anchorStart || pos == from)) {
        const context = contextAfter(pos > 0 ? <i32>load<u8>(base + <usize>(pos - 1)) : -1);
        this.addThread(current, program.start, pos, context, b, this.noCaptures, 0);
        nextStart = pos < len ? pos + characterWidthAt(base, len, pos) : pos + 1;
      }
      if (current.count == 0 && (matched || anchorStart || pos >= len)) break;
      next.clear();
      const contextAfterByte = contextAfter(b);
      const byteAfter = pos + 1 < len ? <i32>load<u8>(base + <usize>(pos + 1)) : -1;
      for (let t = 0; t < current.count; t++) {
        const pc = unchecked(current.pcs[t]);
        this.steps++;
        if (program.op(pc) == OP_MATCH) {
          if (anchorEnd && pos != len) continue;
          memory.copy(changetype<usize>(this.matchCaps), changetype<usize>(current.caps) + (<usize>(t * this.slots) << 2), <usize>this.slots << 2);
          matched = true;
          break; // lower-priority threads lose to this match
        }
        if (b >= 0 && program.consumes(pc, b)) this.addThread(next, program.out(pc), pos + 1, contextAfterByte, byteAfter, current.caps, t * this.slots);
      }
      const swap = current;
      current = next;
      next = swap;
      if (pos >= len) break;
    }
    this.current = current;
    this.next = next;
    return matched;
  }

  /**
   * Adds the threads reachable from `pc` at `pos` without consuming input, in priority order.
   * `context` describes the byte before pos (assertions.ts), `nextByte` the byte at pos (-1: end).
   */
  private addThread(list: ThreadList, pc: i32, pos: i32, context: i32, nextByte: i32, fromCaps: StaticArray<i32>, fromOffset: i32): void {
    const program = this.program;
    const slots = this.slots;
    const work = changetype<usize>(this.work);
    memory.copy(work, changetype<usize>(fromCaps) + (<usize>fromOffset << 2), <usize>slots << 2);
    const stack = changetype<usize>(this.stack);
    let top = 0;
    store<i32>(stack, pc);
    store<i32>(stack, 0, 4);
    top = 1;
    while (top > 0) {
      top--;
      const entry = load<i32>(stack + (<usize>top << 3));
      if (entry < 0) {
        store<i32>(work + (<usize>(-1 - entry) << 2), load<i32>(stack + (<usize>top << 3), 4));
        continue;
      }
      if (list.visited.has(entry)) continue;
      list.visited.insert(entry);
      this.steps++;
      const op = program.op(entry);
      if (op == OP_RANGE || op == OP_BYTESET || op == OP_MATCH) {
        // A consumer that cannot take the next byte would die at the next step: skip it now and
        // save copying its captures (most of `.`'s many branches end here).
        if (op != OP_MATCH && (nextByte < 0 || !program.consumes(entry, nextByte))) continue;
        const t = list.count++;
        unchecked((list.pcs[t] = entry));
        memory.copy(changetype<usize>(list.caps) + (<usize>(t * slots) << 2), work, <usize>slots << 2);
      } else if (op == OP_SPLIT) {
        const guard = program.arg(entry);
        if (guard != 0 && (nextByte < ((guard >> 8) & 0xff) || nextByte > ((guard >> 16) & 0xff))) continue;
        top = push(stack, top, program.out1(entry), 0);
        top = push(stack, top, program.out(entry), 0);
      } else if (op == OP_SAVE) {
        const slot = program.arg(entry);
        top = push(stack, top, -1 - slot, load<i32>(work + (<usize>slot << 2)));
        store<i32>(work + (<usize>slot << 2), pos);
        top = push(stack, top, program.out(entry), 0);
      } else if (op == OP_ASSERT) {
        if (assertionHolds(program.arg(entry), context, nextByte)) top = push(stack, top, program.out(entry), 0);
      } else if (op != OP_FAIL) {
        top = push(stack, top, program.out(entry), 0); // NOP
      }
    }
  }
}

@inline function push(stack: usize, top: i32, a: i32, b: i32): i32 {
  const at = stack + (<usize>top << 3);
  store<i32>(at, a);
  store<i32>(at, b, 4);
  return top + 1;
}
