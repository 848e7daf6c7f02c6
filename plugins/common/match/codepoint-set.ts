// A set of Unicode code points kept as [lo, hi] ranges; character classes are parsed into one of
// these (pattern-reader.ts) and then compiled to UTF-8 byte instructions (class-compiler.ts).

export const MAX_CODEPOINT: i32 = 0x10ffff;

export class CodepointSet {
  /** Flat [lo0, hi0, lo1, hi1, ...]; sorted, disjoint and non-adjacent only after normalize(). */
  ranges: i32[] = [];

  addRange(lo: i32, hi: i32): void {
    this.ranges.push(lo);
    this.ranges.push(hi);
  }

  addSet(other: CodepointSet): void {
    const r = other.ranges;
    for (let i = 0; i < r.length; i++) this.ranges.push(r[i]);
  }

  /** Sorts the ranges (Shell sort: fine for the thousands a long class can hold) and merges touching ones. */
  normalize(): void {
    const r = this.ranges;
    const n = r.length >> 1;
    let gap = 1;
    while (gap < n / 3) gap = gap * 3 + 1;
    for (; gap >= 1; gap = (gap - 1) / 3) {
      for (let i = gap; i < n; i++) {
        const lo = r[i << 1];
        const hi = r[(i << 1) + 1];
        let j = i;
        for (; j >= gap && r[(j - gap) << 1] > lo; j -= gap) {
          r[j << 1] = r[(j - gap) << 1];
          r[(j << 1) + 1] = r[((j - gap) << 1) + 1];
        }
        r[j << 1] = lo;
        r[(j << 1) + 1] = hi;
      }
    }
    const merged: i32[] = [];
    for (let i = 0; i < r.length; i += 2) {
      const last = merged.length - 1;
      if (last > 0 && r[i] <= merged[last] + 1) {
        if (r[i + 1] > merged[last]) merged[last] = r[i + 1];
      } else {
        merged.push(r[i]);
        merged.push(r[i + 1]);
      }
    }
    this.ranges = merged;
  }

  /** Replaces the set by its complement within [0, MAX_CODEPOINT]. Requires a normalized set. */
  negate(): void {
    const r = this.ranges;
    const out: i32[] = [];
    let next = 0;
    for (let i = 0; i < r.length; i += 2) {
      if (r[i] > next) {
        out.push(next);
        out.push(r[i] - 1);
      }
      next = r[i + 1] + 1;
    }
    if (next <= MAX_CODEPOINT) {
      out.push(next);
      out.push(MAX_CODEPOINT);
    }
    this.ranges = out;
  }

  /** Adds the other ASCII case of every ASCII letter in the set (only ASCII folding is supported). */
  foldAsciiCase(): void {
    const r = this.ranges;
    const n = r.length;
    for (let i = 0; i < n; i += 2) {
      // The part of [lo, hi] inside A-Z moves up by 0x20, the part inside a-z down by 0x20.
      for (let letters = 0x41; letters <= 0x61; letters += 0x20) {
        const a = max(r[i], letters);
        const b = min(r[i + 1], letters + 25);
        const shift = letters == 0x41 ? 0x20 : -0x20;
        if (a <= b) this.addRange(a + shift, b + shift);
      }
    }
    this.normalize();
  }

  /** True when every code point in [lo, hi] is in the set. Requires a normalized set. */
  containsRange(lo: i32, hi: i32): bool {
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) if (lo >= r[i] && hi <= r[i + 1]) return true;
    return false;
  }
}

// Named classes (ASCII, as RE2 defines them): `;name=` then pairs of characters, each pair a range.
// POSIX names are letters only, so they never meet the Perl entries (`\d`, `\s`, `\w`).
const NAMED =
  ";alnum=09AZaz;alpha=AZaz;ascii=\0\x7f;blank=\t\t  ;cntrl=\0\x1f\x7f\x7f;digit=09;graph=!~;lower=az;print= ~" +
  ";punct=!/:@[`{~;space=\t\r  ;upper=AZ;word=09AZ__az;xdigit=09AFaf;\\d=09;\\s=\t\n\f\r  ;\\w=09AZ__az;";

/** The class called `name` (a POSIX name, or `\d`, `\s`, `\w`), or null for an unknown name. */
export function namedClass(name: string): CodepointSet | null {
  const at = NAMED.indexOf(";" + name + "=");
  if (at < 0) return null;
  const set = new CodepointSet();
  for (let i = at + name.length + 2; NAMED.charCodeAt(i) != 0x3b; i += 2) set.addRange(NAMED.charCodeAt(i), NAMED.charCodeAt(i + 1));
  return set;
}
