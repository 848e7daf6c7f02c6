// A set of small integers (program counters) with O(1) insert, membership and clear, and
// insertion-ordered iteration (Briggs & Torczon). Both arrays are allocated once, at the capacity.

export class SparseSet {
  dense: StaticArray<i32>;
  sparse: StaticArray<i32>;
  size: i32 = 0;

  constructor(public capacity: i32) {
    this.dense = new StaticArray<i32>(capacity);
    this.sparse = new StaticArray<i32>(capacity);
  }

  @inline has(value: i32): bool {
    const index = unchecked(this.sparse[value]);
    return <u32>index < <u32>this.size && unchecked(this.dense[index]) == value;
  }

  /** Adds `value` (0 <= value < capacity) unless present; returns its position in insertion order. */
  @inline insert(value: i32): i32 {
    const index = this.size++;
    unchecked((this.dense[index] = value));
    unchecked((this.sparse[value] = index));
    return index;
  }

  @inline at(index: i32): i32 {
    return unchecked(this.dense[index]);
  }

  @inline clear(): void {
    this.size = 0;
  }
}
