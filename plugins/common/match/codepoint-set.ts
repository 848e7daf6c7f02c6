import { sortPairsByFirst } from "./sort";

// A set of Unicode code points kept as sorted, disjoint, non-adjacent [lo, hi] ranges.
// Character classes are parsed into one of these and later compiled to UTF-8 byte automata.

export const MAX_CODEPOINT: i32 = 0x10ffff;

export class CodepointSet {
  /** Flat [lo0, hi0, lo1, hi1, ...]; sorted and merged only after normalize(). */
  ranges: Array<i32> = new Array<i32>();

  static of(lo: i32, hi: i32): CodepointSet {
    const set = new CodepointSet();
    set.addRange(lo, hi);
    return set;
  }

  get rangeCount(): i32 {
    return this.ranges.length >> 1;
  }

  lo(i: i32): i32 {
    return this.ranges[i << 1];
  }

  hi(i: i32): i32 {
    return this.ranges[(i << 1) + 1];
  }

  addRange(lo: i32, hi: i32): void {
    this.ranges.push(lo);
    this.ranges.push(hi);
  }

  addSet(other: CodepointSet): void {
    for (let i = 0; i < other.ranges.length; i++) this.ranges.push(other.ranges[i]);
  }

  /** Sorts the ranges and merges overlapping or touching ones. */
  normalize(): void {
    const n = this.rangeCount;
    if (n < 2) return;
    const r = this.ranges;
    sortPairsByFirst(r);
    const merged = new Array<i32>();
    let curLo = r[0];
    let curHi = r[1];
    for (let i = 1; i < n; i++) {
      const lo = r[i << 1];
      const hi = r[(i << 1) + 1];
      if (lo <= curHi + 1) {
        if (hi > curHi) curHi = hi;
      } else {
        merged.push(curLo);
        merged.push(curHi);
        curLo = lo;
        curHi = hi;
      }
    }
    merged.push(curLo);
    merged.push(curHi);
    this.ranges = merged;
  }

  /** Replaces the set by its complement within [0, MAX_CODEPOINT]. Requires a normalized set. */
  negate(): void {
    const out = new Array<i32>();
    let next = 0;
    for (let i = 0; i < this.rangeCount; i++) {
      const lo = this.lo(i);
      if (lo > next) {
        out.push(next);
        out.push(lo - 1);
      }
      next = this.hi(i) + 1;
    }
    if (next <= MAX_CODEPOINT) {
      out.push(next);
      out.push(MAX_CODEPOINT);
    }
    this.ranges = out;
  }

  /** Adds the other ASCII case of every ASCII letter in the set (only ASCII folding is supported). */
  foldAsciiCase(): void {
    const n = this.rangeCount;
    for (let i = 0; i < n; i++) {
      const lo = this.lo(i);
      const hi = this.hi(i);
      addShiftedOverlap(this, lo, hi, 0x41, 0x5a, 0x20); // A-Z -> a-z
      addShiftedOverlap(this, lo, hi, 0x61, 0x7a, -0x20); // a-z -> A-Z
    }
    this.normalize();
  }

  contains(cp: i32): bool {
    for (let i = 0; i < this.rangeCount; i++) {
      if (cp >= this.lo(i) && cp <= this.hi(i)) return true;
    }
    return false;
  }

  /** True when every code point in [lo, hi] is in the set. Requires a normalized set. */
  containsRange(lo: i32, hi: i32): bool {
    for (let i = 0; i < this.rangeCount; i++) {
      if (lo >= this.lo(i) && hi <= this.hi(i)) return true;
    }
    return false;
  }

  isEmpty(): bool {
    return this.ranges.length == 0;
  }
}

function addShiftedOverlap(set: CodepointSet, lo: i32, hi: i32, letterLo: i32, letterHi: i32, shift: i32): void {
  const a = lo > letterLo ? lo : letterLo;
  const b = hi < letterHi ? hi : letterHi;
  if (a <= b) set.addRange(a + shift, b + shift);
}

/** The Perl classes \d \s \w as RE2 defines them (ASCII only). */
export function perlClass(letter: i32): CodepointSet | null {
  const set = new CodepointSet();
  switch (letter) {
    case 0x64: // d
      set.addRange(0x30, 0x39);
      break;
    case 0x73: // s: \t \n \f \r and space (RE2 leaves out \v)
      set.addRange(0x09, 0x0a);
      set.addRange(0x0c, 0x0d);
      set.addRange(0x20, 0x20);
      break;
    case 0x77: // w
      set.addRange(0x30, 0x39);
      set.addRange(0x41, 0x5a);
      set.addRange(0x5f, 0x5f);
      set.addRange(0x61, 0x7a);
      break;
    default:
      return null;
  }
  set.normalize();
  return set;
}

/** The POSIX classes usable as [[:name:]] (ASCII, as in RE2); null for an unknown name. */
export function posixClass(name: string): CodepointSet | null {
  const set = new CodepointSet();
  if (name == "alnum") {
    set.addRange(0x30, 0x39);
    set.addRange(0x41, 0x5a);
    set.addRange(0x61, 0x7a);
  } else if (name == "alpha") {
    set.addRange(0x41, 0x5a);
    set.addRange(0x61, 0x7a);
  } else if (name == "ascii") {
    set.addRange(0x00, 0x7f);
  } else if (name == "blank") {
    set.addRange(0x09, 0x09);
    set.addRange(0x20, 0x20);
  } else if (name == "cntrl") {
    set.addRange(0x00, 0x1f);
    set.addRange(0x7f, 0x7f);
  } else if (name == "digit") {
    set.addRange(0x30, 0x39);
  } else if (name == "graph") {
    set.addRange(0x21, 0x7e);
  } else if (name == "lower") {
    set.addRange(0x61, 0x7a);
  } else if (name == "print") {
    set.addRange(0x20, 0x7e);
  } else if (name == "punct") {
    set.addRange(0x21, 0x2f);
    set.addRange(0x3a, 0x40);
    set.addRange(0x5b, 0x60);
    set.addRange(0x7b, 0x7e);
  } else if (name == "space") {
    set.addRange(0x09, 0x0d);
    set.addRange(0x20, 0x20);
  } else if (name == "upper") {
    set.addRange(0x41, 0x5a);
  } else if (name == "word") {
    set.addRange(0x30, 0x39);
    set.addRange(0x41, 0x5a);
    set.addRange(0x5f, 0x5f);
    set.addRange(0x61, 0x7a);
  } else if (name == "xdigit") {
    set.addRange(0x30, 0x39);
    set.addRange(0x41, 0x46);
    set.addRange(0x61, 0x66);
  } else {
    return null;
  }
  set.normalize();
  return set;
}
