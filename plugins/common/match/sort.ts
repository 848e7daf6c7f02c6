// Small allocation-free sorts used on the compile path (class ranges) and the DFA's slow path
// (canonical order of NFA instruction sets). No closures: AssemblyScript has none.

/** Shell sort of the (lo, hi) pairs in a flat array, by lo. O(n^1.3) even for large classes. */
export function sortPairsByFirst(pairs: Array<i32>): void {
  const n = pairs.length >> 1;
  let gap = 1;
  while (gap < n / 3) gap = gap * 3 + 1;
  while (gap >= 1) {
    for (let i = gap; i < n; i++) {
      const lo = pairs[i << 1];
      const hi = pairs[(i << 1) + 1];
      let j = i;
      while (j >= gap && pairs[(j - gap) << 1] > lo) {
        pairs[j << 1] = pairs[(j - gap) << 1];
        pairs[(j << 1) + 1] = pairs[((j - gap) << 1) + 1];
        j -= gap;
      }
      pairs[j << 1] = lo;
      pairs[(j << 1) + 1] = hi;
    }
    gap = (gap - 1) / 3;
  }
}

/**
 * Sorts `n` non-negative values below 65536 stored at `data` (i32 each), using `tmp` (room for n
 * i32) and `counts` (room for 256 i32). Insertion sort for short runs, else two counting passes:
 * O(n + 256) either way, which keeps the DFA's per-byte work linear in the program size.
 */
export function sortSmallInts(data: usize, n: i32, tmp: usize, counts: usize): void {
  if (n <= 24) {
    for (let i = 1; i < n; i++) {
      const v = load<i32>(data + (<usize>i << 2));
      let j = i - 1;
      while (j >= 0 && load<i32>(data + (<usize>j << 2)) > v) {
        store<i32>(data + (<usize>(j + 1) << 2), load<i32>(data + (<usize>j << 2)));
        j--;
      }
      store<i32>(data + (<usize>(j + 1) << 2), v);
    }
    return;
  }
  countingPass(data, tmp, n, counts, 0);
  countingPass(tmp, data, n, counts, 8);
}

function countingPass(src: usize, dst: usize, n: i32, counts: usize, shift: i32): void {
  memory.fill(counts, 0, 256 << 2);
  for (let i = 0; i < n; i++) {
    const digit = (load<i32>(src + (<usize>i << 2)) >> shift) & 0xff;
    const at = counts + (<usize>digit << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  let total = 0;
  for (let d = 0; d < 256; d++) {
    const at = counts + (<usize>d << 2);
    const c = load<i32>(at);
    store<i32>(at, total);
    total += c;
  }
  for (let i = 0; i < n; i++) {
    const v = load<i32>(src + (<usize>i << 2));
    const at = counts + (<usize>((v >> shift) & 0xff) << 2);
    const pos = load<i32>(at);
    store<i32>(dst + (<usize>pos << 2), v);
    store<i32>(at, pos + 1);
  }
}
