// Compiles a set of code points into byte instructions that consume exactly one character, with
// every exit left as HOLE for the caller to patch.
//
// Invalid UTF-8 follows Go's reading (a byte that does not start a valid sequence is one U+FFFD
// character), so a class containing U+FFFD -- `.`, `[^/]`, `\D`, ... -- also consumes stray and
// truncated bytes and `.*` can never be dodged with a malformed byte. One difference from Go: a
// truncated multi-byte prefix (E1 80 followed by 'A') is one character here, two in Go.
import { CodepointSet, MAX_CODEPOINT } from "./codepoint-set";
import { ASSERT_NOT_BEFORE_RANGE, HOLE, OP_ASSERT, OP_FAIL, OP_RANGE, OP_SPLIT, ProgramBuilder, setBits, SPLIT_GUARDED } from "./program";

export function compileClass(b: ProgramBuilder, set: CodepointSet): i32 {
  const singleBytes = new StaticArray<u8>(32);
  const heads: i32[] = [];
  const r = set.ranges;
  const fullTails = new StaticArray<i32>(4);
  memory.fill(changetype<usize>(fullTails), 0xff, 16); // -1: not emitted yet
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i];
    const hi = r[i + 1];
    if (lo < 0x80) setBits(singleBytes, lo, min(hi, 0x7f));
  }
  if (set.containsRange(0x80, 0xd7ff) && set.containsRange(0xe000, MAX_CODEPOINT)) {
    emitNonAscii(b, true, singleBytes, heads);
  } else {
    for (let i = 0; i < r.length; i += 2) {
      // Split by encoded length, leaving out the surrogates (never valid UTF-8).
      const lo = r[i];
      const hi = r[i + 1];
      emitLength(b, max(lo, 0x80), min(hi, 0x7ff), 2, fullTails, heads);
      emitLength(b, max(lo, 0x800), min(hi, 0xd7ff), 3, fullTails, heads);
      emitLength(b, max(lo, 0xe000), min(hi, 0xffff), 3, fullTails, heads);
      emitLength(b, max(lo, 0x10000), hi, 4, fullTails, heads);
    }
    if (set.containsRange(0xfffd, 0xfffd)) emitNonAscii(b, false, singleBytes, heads);
  }
  // Multi-byte heads all start with a lead byte C2..F4 (stray bytes are in the single-byte set).
  const all: i32[] = [];
  const single = b.byteSet(singleBytes, HOLE);
  if (single >= 0) all.push(single);
  if (heads.length) all.push(b.alternation(heads, SPLIT_GUARDED | (0xc2 << 8) | (0xf4 << 16)));
  return all.length ? b.alternation(all) : b.emit(OP_FAIL, 0, -1);
}

function range(b: ProgramBuilder, lo: i32, hi: i32, next: i32): i32 {
  return b.emit(OP_RANGE, lo | (hi << 8), next);
}

function notBefore(b: ProgramBuilder, lo: i32, hi: i32): i32 {
  return b.emit(OP_ASSERT, ASSERT_NOT_BEFORE_RANGE | (lo << 8) | (hi << 16), HOLE);
}

function split(b: ProgramBuilder, first: i32, second: i32): i32 {
  return b.emit(OP_SPLIT, 0, first, second);
}

function emitLength(b: ProgramBuilder, lo: i32, hi: i32, length: i32, fullTails: StaticArray<i32>, heads: i32[]): void {
  if (lo <= hi) heads.push(emitBytes(b, lo, hi, length, (0xf00 >> length) & 0xff, fullTails));
}

/**
 * The `n` bytes encoding code points lo..hi (all of the same length), the first byte carrying the
 * bits `base` (a lead byte's length marker, or 0x80 for a continuation byte). Splits the range
 * until each byte position is one byte range. `fullTails[k]` shares the k-continuation-byte tails
 * that cover every value.
 */
function emitBytes(b: ProgramBuilder, lo: i32, hi: i32, n: i32, base: i32, fullTails: StaticArray<i32>): i32 {
  if (n == 0) return HOLE;
  const shift = 6 * (n - 1);
  const mask = (1 << shift) - 1;
  let first = lo >> shift;
  let last = hi >> shift;
  if (first == last) return range(b, base | first, base | first, emitBytes(b, lo & mask, hi & mask, n - 1, 0x80, fullTails));
  const heads: i32[] = [];
  if ((lo & mask) != 0) heads.push(range(b, base | first, base | first, emitBytes(b, lo & mask, mask, n - 1, 0x80, fullTails)));
  if ((lo & mask) != 0) first++;
  if ((hi & mask) != mask) heads.push(range(b, base | last, base | last, emitBytes(b, 0, hi & mask, n - 1, 0x80, fullTails)));
  if ((hi & mask) != mask) last--;
  if (first <= last) {
    let tail = unchecked(fullTails[n - 1]);
    if (tail == -1) tail = unchecked((fullTails[n - 1] = emitBytes(b, 0, mask, n - 1, 0x80, fullTails)));
    heads.push(range(b, base | first, base | last, tail));
  }
  return b.alternation(heads);
}

/**
 * Non-ASCII characters in one structure, sharing the continuation-byte tails: with `valid`, every
 * character (valid or not: the common case, `.` and `[^x]`); otherwise only the invalid ones
 * (stray bytes, and a valid prefix not followed by its next byte), the valid ones coming from the set.
 */
function emitNonAscii(b: ProgramBuilder, valid: bool, singleBytes: StaticArray<u8>, heads: i32[]): void {
  // Bytes that never start a valid sequence: continuation bytes, C0, C1, F5..FF.
  setBits(singleBytes, 0x80, 0xc1);
  setBits(singleBytes, 0xf5, 0xff);
  // tailN: N more continuation bytes, or stop early when the next byte is not a continuation.
  const stop = notBefore(b, 0x80, 0xbf);
  const tail1 = valid ? split(b, range(b, 0x80, 0xbf, HOLE), stop) : stop;
  const tail2 = split(b, range(b, 0x80, 0xbf, tail1), stop);
  const tail3 = split(b, range(b, 0x80, 0xbf, tail2), stop);
  heads.push(range(b, 0xc2, 0xdf, tail1));
  const threeByteLeads = new StaticArray<u8>(32);
  setBits(threeByteLeads, 0xe1, 0xec);
  setBits(threeByteLeads, 0xee, 0xef);
  heads.push(b.byteSet(threeByteLeads, tail2));
  heads.push(range(b, 0xf1, 0xf3, tail3));
  // Lead bytes whose second byte has a narrower range (no overlongs, surrogates, > U+10FFFF).
  const narrow: StaticArray<i32> = [0xe0a0bf, 0xed809f, 0xf090bf, 0xf4808f];
  for (let i = 0; i < 4; i++) {
    const lead = narrow[i] >> 16;
    const lo = (narrow[i] >> 8) & 0xff;
    const hi = narrow[i] & 0xff;
    heads.push(range(b, lead, lead, split(b, range(b, lo, hi, i < 2 ? tail1 : tail2), notBefore(b, lo, hi))));
  }
}
