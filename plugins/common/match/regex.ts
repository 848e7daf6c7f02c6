// The public regular-expression API. Compiling never traps (errors come back as values), matching
// never traps on any input, and runs in time linear in the input (times the pattern's size).
// Engines are built on first use and reused; once warm, matching allocates nothing.
import { ByteBuffer } from "./byte-buffer";
import { ByteClasses } from "./byte-classes";
import { LazyDfa } from "./lazy-dfa";
import { Parser } from "./parser";
import { isAsciiLetter, isDigit } from "./pattern-reader";
import { PikeVm } from "./pike-vm";
import { Program } from "./program";
import { MAX_PROGRAM_SIZE, REGEX_ALL_FLAGS, REGEX_CASE_INSENSITIVE } from "./regex-flags";
import { replaceAllInto } from "./replace";

/** Memory bound for each of a regex's two DFA caches (full match, search). */
export const DEFAULT_DFA_CACHE_BYTES: i32 = 256 * 1024;
/** Most instructions a literal set compiles to (about one per needle byte; 16 bytes each). */
export const MAX_LITERAL_SET_SIZE: i32 = 1 << 18;
/**
 * DFA cache bound of a literal set: its states are Aho-Corasick's (one per needle prefix), so this
 * is the bound the separate Aho-Corasick table had; the cache grows only as far as the input needs.
 */
export const LITERAL_SET_DFA_CACHE_BYTES: i32 = 4 * 1024 * 1024;
/** Capture bookkeeping bound: leaf instructions x capture slots (two Pike VM lists of this many i32). */
const MAX_CAPTURE_CELLS: i32 = 1 << 18;

export class RegexCompileResult {
  constructor(
    /** The compiled regex, or null when the pattern was rejected. */
    public regex: Regex | null,
    /** Why the pattern was rejected ("" when it compiled), naming the offset in the pattern. */
    public error: string,
    /** Offset (UTF-16 code units) of the problem in the pattern, -1 when none. */
    public errorOffset: i32,
  ) {}

  get ok(): bool {
    return this.regex !== null;
  }
}

/** Compiles `pattern` (RE2 syntax, see README.md) with REGEX_* flags. Never traps. */
export function compileRegex(pattern: string, flags: u32 = 0): RegexCompileResult {
  if ((flags & ~REGEX_ALL_FLAGS) != 0) return new RegexCompileResult(null, "unknown flag bits " + flags.toString(), -1);
  const parser = new Parser(pattern, flags, MAX_PROGRAM_SIZE);
  if (parser.failed) return new RegexCompileResult(null, parser.error, parser.errorOffset);
  const program = parser.program;
  if (program === null) {
    return new RegexCompileResult(null, "pattern too large: it compiles to more than " + MAX_PROGRAM_SIZE.toString() + " instructions", 0);
  }
  if (program.leafCount * (program.groupCount << 1) > MAX_CAPTURE_CELLS) {
    return new RegexCompileResult(null, "too many capture groups for a pattern this large; use (?:...) where no capture is needed", 0);
  }
  return new RegexCompileResult(new Regex(pattern, program), "", -1);
}

/**
 * A regex matching any of `needles` as plain text (at least one): `search` tells whether one occurs
 * in the input, `fullMatch` whether the input is one. The one lazy DFA does the work of an
 * Aho-Corasick automaton: a search state holds only the needle positions in progress (see
 * lazy-dfa.ts), so warm matching costs one table lookup per byte whatever the number of needles.
 * REGEX_CASE_INSENSITIVE folds ASCII letters. Never traps.
 */
export function compileLiteralSet(needles: Array<string>, flags: u32 = 0): RegexCompileResult {
  if (needles.length == 0) return new RegexCompileResult(null, "no needles", -1);
  const pattern = quoteAlternatives(needles);
  const parser = new Parser(pattern, flags & REGEX_CASE_INSENSITIVE, MAX_LITERAL_SET_SIZE, pattern.length);
  const program = parser.program;
  if (program === null) {
    return new RegexCompileResult(null, "needles too large: they compile to more than " + MAX_LITERAL_SET_SIZE.toString() + " instructions", -1);
  }
  const regex = new Regex(pattern, program);
  regex.limitDfaCache(LITERAL_SET_DFA_CACHE_BYTES);
  return new RegexCompileResult(regex, "", -1);
}

/**
 * `a|b|...` with every ASCII character other than letters and digits escaped, so each needle is
 * read as literal text. A lone
 * surrogate becomes \uXXXX, which the compiler encodes as String.UTF8.encode does (WTF-8).
 */
function quoteAlternatives(needles: Array<string>): string {
  let units = needles.length - 1;
  for (let i = 0; i < needles.length; i++) units += needles[i].length * 6;
  const out = new ArrayBuffer(units << 1);
  let at = changetype<usize>(out);
  for (let i = 0; i < needles.length; i++) {
    if (i > 0) at = putUnit(at, 0x7c); // |
    const needle = needles[i];
    for (let k = 0; k < needle.length; k++) {
      const c = <i32>needle.charCodeAt(k);
      if ((c & 0xf800) == 0xd800) {
        const paired = c < 0xdc00 ? (<i32>needle.charCodeAt(k + 1) & 0xfc00) == 0xdc00 : k > 0 && (<i32>needle.charCodeAt(k - 1) & 0xfc00) == 0xd800;
        if (!paired) {
          at = putUnit(putUnit(at, 0x5c), 0x75); // \u
          for (let shift = 12; shift >= 0; shift -= 4) at = putUnit(at, "0123456789abcdef".charCodeAt((c >> shift) & 15));
          continue;
        }
      } else if (c < 0x80 && !isAsciiLetter(c) && !isDigit(c)) {
        at = putUnit(at, 0x5c); // an escaped ASCII character other than a letter or digit is itself
      }
      at = putUnit(at, c);
    }
  }
  return String.UTF16.decodeUnsafe(changetype<usize>(out), at - changetype<usize>(out));
}

@inline function putUnit(at: usize, unit: i32): usize {
  store<u16>(at, <u16>unit);
  return at + 2;
}

export class Regex {
  private classes: ByteClasses;
  private fullDfa: LazyDfa | null = null;
  private searchDfa: LazyDfa | null = null;
  private vm: PikeVm | null = null;
  private input: ByteBuffer = new ByteBuffer();
  private template: ByteBuffer = new ByteBuffer();
  private output: ByteBuffer = new ByteBuffer();
  private capturedBase: usize = 0;
  private captured: bool = false;
  private dfaCacheLimit: i32 = DEFAULT_DFA_CACHE_BYTES;

  constructor(
    public readonly pattern: string,
    private program: Program,
  ) {
    this.classes = ByteClasses.forProgram(program);
  }

  /** Number of groups, counting group 0 (the whole match). */
  get groupCount(): i32 {
    return this.program.groupCount;
  }

  /** Index of the group named `name` by (?P<name>...) or (?<name>...); -1 if none. */
  groupIndex(name: string): i32 {
    const names = this.program.groupNames;
    for (let i = 1; i < names.length; i++) if (names[i] == name) return i;
    return -1;
  }

  /** Compiled size in instructions. */
  get programSize(): i32 {
    return this.program.length;
  }

  // ---- Whole-input match (RE2::FullMatch): lazy DFA ----

  fullMatch(input: string): bool {
    this.input.setUtf8(input);
    return this.fullMatchRaw(this.input.ptr, this.input.length);
  }

  fullMatchBuffer(input: ArrayBuffer): bool {
    return this.fullMatchRaw(changetype<usize>(input), input.byteLength);
  }

  /** `len` bytes at `ptr` (which must be readable memory, e.g. Uint8Array.dataStart). */
  fullMatchRaw(ptr: usize, len: i32): bool {
    if (len < 0) return false;
    let dfa = this.fullDfa;
    if (dfa === null) {
      dfa = new LazyDfa(this.program, this.classes, false, this.dfaCacheLimit);
      this.fullDfa = dfa;
    }
    return dfa.matches(ptr, len);
  }

  // ---- Match anywhere (RE2::PartialMatch): lazy DFA, stops at the first match ----

  search(input: string): bool {
    this.input.setUtf8(input);
    return this.searchRaw(this.input.ptr, this.input.length);
  }

  searchBuffer(input: ArrayBuffer): bool {
    return this.searchRaw(changetype<usize>(input), input.byteLength);
  }

  searchRaw(ptr: usize, len: i32): bool {
    if (len < 0) return false;
    let dfa = this.searchDfa;
    if (dfa === null) {
      dfa = new LazyDfa(this.program, this.classes, true, this.dfaCacheLimit);
      this.searchDfa = dfa;
    }
    return dfa.matches(ptr, len);
  }

  // ---- Captures: Pike VM ----

  /**
   * Finds the leftmost-first match (or, with `whole`, a match of the whole input) and records its
   * groups for groupStart/groupEnd/group. Offsets are in bytes of the UTF-8 encoding.
   */
  captures(input: string, whole: bool = false): bool {
    this.input.setUtf8(input);
    return this.capturesRaw(this.input.ptr, this.input.length, whole);
  }

  /** As captures(); group(i) then reads from `input`, which must stay alive meanwhile. */
  capturesBuffer(input: ArrayBuffer, whole: bool = false): bool {
    return this.capturesRaw(changetype<usize>(input), input.byteLength, whole);
  }

  /** As captures(); group(i) then reads from `ptr`, which must stay valid meanwhile. */
  capturesRaw(ptr: usize, len: i32, whole: bool = false): bool {
    this.captured = false;
    if (len < 0) return false;
    // The DFA answers "no match" at a fraction of the Pike VM's cost; only matches pay for captures.
    if (!(whole ? this.fullMatchRaw(ptr, len) : this.searchRaw(ptr, len))) return false;
    this.captured = this.pikeVm().exec(ptr, len, 0, whole, whole);
    this.capturedBase = ptr;
    return this.captured;
  }

  /** Byte offset where group `i` of the last successful captures() starts; -1 if it did not take part. */
  groupStart(i: i32): i32 {
    if (!this.captured || i < 0 || i >= this.program.groupCount) return -1;
    return this.pikeVm().matchCaps[i << 1];
  }

  groupEnd(i: i32): i32 {
    if (!this.captured || i < 0 || i >= this.program.groupCount) return -1;
    return this.pikeVm().matchCaps[(i << 1) + 1];
  }

  /** Text of group `i` of the last successful captures(); null if it did not take part. Allocates. */
  group(i: i32): string | null {
    const start = this.groupStart(i);
    const end = this.groupEnd(i);
    if (start < 0 || end < start) return null;
    return String.UTF8.decodeUnsafe(this.capturedBase + <usize>start, <usize>(end - start));
  }

  /** Go's ReplaceAllString: every match replaced by `template` ($1, ${1}, ${name}, $$). Allocates the result. */
  replaceAll(input: string, template: string): string {
    this.input.setUtf8(input);
    this.template.setUtf8(template);
    this.output.clear();
    this.captured = false;
    if (!this.searchRaw(this.input.ptr, this.input.length)) return input;
    replaceAllInto(this.pikeVm(), this.program.groupNames, this.input.ptr, this.input.length, this.template, this.output);
    this.captured = false;
    return this.output.toString();
  }

  // ---- Tuning and instrumentation ----

  /** Sets the memory bound of each DFA cache (default 256 KiB); takes effect for DFAs not built yet. */
  limitDfaCache(bytes: i32): void {
    this.dfaCacheLimit = bytes;
    this.fullDfa = null;
    this.searchDfa = null;
  }

  /** Engine work since compilation: bytes stepped plus NFA instructions visited (a linear-time witness). */
  get steps(): u64 {
    let total: u64 = 0;
    const full = this.fullDfa;
    if (full !== null) total += full.steps;
    const search = this.searchDfa;
    if (search !== null) total += search.steps;
    const vm = this.vm;
    if (vm !== null) total += vm.steps;
    return total;
  }

  /** Memory held by the DFA caches now (both; they grow on demand up to the limit each). */
  get dfaCacheBytes(): i32 {
    let total = 0;
    const full = this.fullDfa;
    if (full !== null) total += full.cacheBytes;
    const search = this.searchDfa;
    if (search !== null) total += search.cacheBytes;
    return total;
  }

  /** DFA cache flushes so far (both caches). */
  get cacheFlushes(): i32 {
    let total = 0;
    const full = this.fullDfa;
    if (full !== null) total += full.cacheFlushes;
    const search = this.searchDfa;
    if (search !== null) total += search.cacheFlushes;
    return total;
  }

  private pikeVm(): PikeVm {
    let vm = this.vm;
    if (vm === null) {
      vm = new PikeVm(this.program);
      this.vm = vm;
    }
    return vm;
  }
}
