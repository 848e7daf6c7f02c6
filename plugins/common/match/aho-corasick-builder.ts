// Builds the Aho-Corasick automaton for a set of byte-string needles: a trie, failure links found
// breadth-first, then a complete transition table over byte classes (bytes that appear in no
// needle share one class). States that report a needle are numbered last so the matching loop
// needs one comparison per byte to notice them.

/** Largest transition table accepted (the build reports an error beyond it). */
export const MAX_AHO_CORASICK_TABLE_BYTES: i32 = 4 * 1024 * 1024;

export class AhoCorasickTables {
  /** Class of each byte value (ASCII upper case shares its lower-case class when folding). */
  classOf: StaticArray<u8> = new StaticArray<u8>(256);
  stride: i32 = 0;
  /** transitions[state * stride + class] = next state * stride. State 0 is the root. */
  transitions: StaticArray<i32> = new StaticArray<i32>(0);
  /** Row offsets at or above this belong to states that report a needle. */
  reportThreshold: i32 = 0;
  /** Per state: longest needle ending there (-1 for non-reporting states). */
  longestNeedle: StaticArray<i32> = new StaticArray<i32>(0);
  /** Per state: next shorter reporting state along the failure links (-1 when none). */
  shorterReport: StaticArray<i32> = new StaticArray<i32>(0);
  /** Per needle: the next needle with identical bytes (-1 when none). */
  sameBytesNext: StaticArray<i32> = new StaticArray<i32>(0);
  /** An empty needle occurs in every input: its index, or -1. */
  emptyNeedle: i32 = -1;
  error: string = "";
}

export function buildAhoCorasickTables(needles: Array<Uint8Array>, caseInsensitive: bool): AhoCorasickTables {
  const tables = new AhoCorasickTables();
  const classOf = tables.classOf;
  const stride = assignClasses(needles, caseInsensitive, classOf);
  tables.stride = stride;

  // Trie over classes; -1 = no edge.
  let totalBytes: i64 = 0;
  for (let i = 0; i < needles.length; i++) totalBytes += needles[i].length;
  if ((totalBytes + 1) * <i64>stride * 4 > <i64>MAX_AHO_CORASICK_TABLE_BYTES) {
    tables.error = "needles too large: the automaton would exceed " + MAX_AHO_CORASICK_TABLE_BYTES.toString() + " bytes";
    return tables;
  }
  const nodeLimit = <i32>totalBytes + 1;
  const goto = new StaticArray<i32>(nodeLimit * stride);
  memory.fill(changetype<usize>(goto), 0xff, <usize>goto.length << 2);
  const ownNeedle = new StaticArray<i32>(nodeLimit);
  memory.fill(changetype<usize>(ownNeedle), 0xff, <usize>nodeLimit << 2);
  const sameBytesNext = new StaticArray<i32>(needles.length);
  memory.fill(changetype<usize>(sameBytesNext), 0xff, <usize>needles.length << 2);
  let nodes = 1;
  for (let i = 0; i < needles.length; i++) {
    const needle = needles[i];
    if (needle.length == 0) {
      if (tables.emptyNeedle < 0) tables.emptyNeedle = i;
      else chainAfter(sameBytesNext, tables.emptyNeedle, i);
      continue;
    }
    let node = 0;
    for (let k = 0; k < needle.length; k++) {
      const at = node * stride + <i32>classOf[needle[k]];
      if (goto[at] < 0) goto[at] = nodes++;
      node = goto[at];
    }
    if (ownNeedle[node] < 0) ownNeedle[node] = i;
    else chainAfter(sameBytesNext, ownNeedle[node], i);
  }

  // Breadth-first: failure links, report links, and the missing transitions.
  const fail = new StaticArray<i32>(nodes);
  const reportLink = new StaticArray<i32>(nodes);
  const order = new StaticArray<i32>(nodes);
  reportLink[0] = -1;
  let head = 0;
  let tail = 0;
  order[tail++] = 0;
  while (head < tail) {
    const node = order[head++];
    for (let c = 0; c < stride; c++) {
      const at = node * stride + c;
      const child = goto[at];
      const viaFail = node == 0 ? 0 : goto[fail[node] * stride + c];
      if (child < 0) {
        goto[at] = viaFail;
        continue;
      }
      fail[child] = viaFail;
      reportLink[child] = ownNeedle[viaFail] >= 0 ? viaFail : reportLink[viaFail];
      order[tail++] = child;
    }
  }

  // Renumber: non-reporting states first, reporting states last. The root never reports (empty
  // needles are kept aside), so it is the first non-reporting state and keeps number 0.
  const renumbered = new StaticArray<i32>(nodes);
  let nextId = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let node = 0; node < nodes; node++) {
      const reports = ownNeedle[node] >= 0 || reportLink[node] >= 0;
      if (reports == (pass == 1)) renumbered[node] = nextId++;
    }
    if (pass == 0) tables.reportThreshold = nextId * stride;
  }
  const transitions = new StaticArray<i32>(nodes * stride);
  const longest = new StaticArray<i32>(nodes);
  const shorter = new StaticArray<i32>(nodes);
  for (let node = 0; node < nodes; node++) {
    const id = renumbered[node];
    for (let c = 0; c < stride; c++) transitions[id * stride + c] = renumbered[goto[node * stride + c]] * stride;
    const link = reportLink[node];
    longest[id] = ownNeedle[node] >= 0 ? ownNeedle[node] : link >= 0 ? ownNeedle[link] : -1;
    // The chain continues below the state's own needle (or below the link already used for `longest`).
    const below = ownNeedle[node] >= 0 ? link : link >= 0 ? reportLink[link] : -1;
    shorter[id] = below >= 0 ? renumbered[below] : -1;
  }
  tables.transitions = transitions;
  tables.longestNeedle = longest;
  tables.shorterReport = shorter;
  tables.sameBytesNext = sameBytesNext;
  return tables;
}

/** Identical needles: `needle` is chained behind `first` so find-all reports every one. */
function chainAfter(sameBytesNext: StaticArray<i32>, first: i32, needle: i32): void {
  let last = first;
  while (sameBytesNext[last] >= 0) last = sameBytesNext[last];
  sameBytesNext[last] = needle;
}

/** Gives every byte used by a needle its own class (0 = all other bytes); returns the class count. */
function assignClasses(needles: Array<Uint8Array>, caseInsensitive: bool, classOf: StaticArray<u8>): i32 {
  const used = new StaticArray<bool>(256);
  let distinct = 0;
  for (let i = 0; i < needles.length; i++) {
    const needle = needles[i];
    for (let k = 0; k < needle.length; k++) {
      const b = needle[k];
      if (!used[b]) {
        used[b] = true;
        distinct++;
      }
    }
  }
  // When every byte value is used, no "other" class is needed (and 257 classes would not fit a u8).
  let next = distinct == 256 ? 0 : 1;
  for (let b = 0; b < 256; b++) {
    if (used[b]) classOf[b] = <u8>(next++);
  }
  if (caseInsensitive) {
    for (let b = 0x41; b <= 0x5a; b++) classOf[b] = classOf[b | 0x20];
  }
  return next;
}
