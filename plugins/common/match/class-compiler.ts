// Compiles a set of code points into byte instructions that consume exactly one character.
//
// Invalid UTF-8 follows Go's reading (a byte that does not start a valid sequence is one U+FFFD
// character), so a class containing U+FFFD -- `.`, `[^/]`, `\D`, ... -- also consumes stray and
// truncated bytes and `.*` can never be dodged with a malformed byte. One difference from Go: a
// truncated multi-byte prefix (E1 80 followed by 'A') is one character here, two in Go.
import { CodepointSet, MAX_CODEPOINT } from "./codepoint-set";
import { ASSERT_NOT_BEFORE_RANGE, OP_ASSERT, OP_BYTESET, OP_FAIL, OP_RANGE, OP_SPLIT, ProgramBuilder, SPLIT_GUARDED } from "./program";
import { appendUtf8Sequences, SEQUENCE_WORDS } from "./utf8-sequences";

export function compileClass(b: ProgramBuilder, set: CodepointSet, next: i32): i32 {
  if (set.isEmpty()) return b.emit(OP_FAIL, 0, -1, -1);
  const singleBytes = new StaticArray<u8>(32);
  const heads = new Array<i32>();
  addAsciiPart(set, singleBytes);

  if (set.containsRange(0x80, 0xd7ff) && set.containsRange(0xe000, MAX_CODEPOINT)) {
    addStrayBytes(singleBytes);
    emitAnyNonAscii(b, next, heads);
  } else {
    emitValidSequences(b, set, next, heads);
    if (set.contains(0xfffd)) {
      addStrayBytes(singleBytes);
      emitTruncatedPrefixes(b, next, heads);
    }
  }

  // Multi-byte heads all start with a lead byte C2..F4 (stray bytes are in the single-byte set).
  const all = new Array<i32>();
  const single = emitByteSet(b, singleBytes, next);
  if (single >= 0) all.push(single);
  if (heads.length > 0) all.push(b.emitGuardedAlternation(heads, SPLIT_GUARDED | (0xc2 << 8) | (0xf4 << 16)));
  if (b.overflowed) return -1;
  if (all.length == 0) return b.emit(OP_FAIL, 0, -1, -1);
  return b.emitAlternation(all);
}

function setBits(bits: StaticArray<u8>, lo: i32, hi: i32): void {
  for (let c = lo; c <= hi; c++) bits[c >> 3] |= <u8>(1 << <u8>(c & 7));
}

function addAsciiPart(set: CodepointSet, bits: StaticArray<u8>): void {
  for (let i = 0; i < set.rangeCount; i++) {
    const lo = set.lo(i);
    if (lo > 0x7f) break;
    const hi = set.hi(i);
    setBits(bits, lo, hi < 0x7f ? hi : 0x7f);
  }
}

/** Bytes that never start a valid sequence: continuation bytes, C0, C1, F5..FF. */
function addStrayBytes(bits: StaticArray<u8>): void {
  setBits(bits, 0x80, 0xc1);
  setBits(bits, 0xf5, 0xff);
}

/** RANGE when the set is one run of bytes, else an interned BYTESET; -1 for an empty set. */
export function emitByteSet(b: ProgramBuilder, bits: StaticArray<u8>, next: i32): i32 {
  let lo = -1;
  let hi = -1;
  let runs = 0;
  for (let c = 0; c < 256; c++) {
    const inSet = (<i32>bits[c >> 3] & (1 << (c & 7))) != 0;
    if (!inSet) continue;
    if (lo < 0) {
      lo = c;
      runs = 1;
    } else if (hi != c - 1) {
      runs++;
    }
    hi = c;
  }
  if (lo < 0) return -1;
  if (runs == 1) return range(b, lo, hi, next);
  return b.emit(OP_BYTESET, b.internByteSet(bits), next, -1);
}

@inline function range(b: ProgramBuilder, lo: i32, hi: i32, next: i32): i32 {
  return b.emit(OP_RANGE, lo | (hi << 8), next, -1);
}

@inline function notBefore(b: ProgramBuilder, lo: i32, hi: i32, next: i32): i32 {
  return b.emit(OP_ASSERT, ASSERT_NOT_BEFORE_RANGE | (lo << 8) | (hi << 16), next, -1);
}

@inline function split(b: ProgramBuilder, first: i32, second: i32): i32 {
  return b.emit(OP_SPLIT, 0, first, second);
}

/** A lead byte whose second byte has a narrower range (E0, ED, F0, F4), then `tail` or a truncation. */
function emitNarrowLead(b: ProgramBuilder, lead: i32, lo: i32, hi: i32, tail: i32, truncated: i32, heads: Array<i32>): void {
  const second = split(b, range(b, lo, hi, tail), truncated);
  heads.push(range(b, lead, lead, second));
}

/** Every non-ASCII character, valid or not, in one structure (the common case: `.`, `[^x]`). */
function emitAnyNonAscii(b: ProgramBuilder, next: i32, heads: Array<i32>): void {
  // tailN: N more continuation bytes, or stop early when the next byte is not a continuation.
  const stop = notBefore(b, 0x80, 0xbf, next);
  const tail1 = split(b, range(b, 0x80, 0xbf, next), stop);
  const tail2 = split(b, range(b, 0x80, 0xbf, tail1), stop);
  const tail3 = split(b, range(b, 0x80, 0xbf, tail2), stop);
  heads.push(range(b, 0xc2, 0xdf, tail1));
  const threeByteLeads = new StaticArray<u8>(32);
  setBits(threeByteLeads, 0xe1, 0xec);
  setBits(threeByteLeads, 0xee, 0xef);
  heads.push(emitByteSet(b, threeByteLeads, tail2));
  heads.push(range(b, 0xf1, 0xf3, tail3));
  emitNarrowLead(b, 0xe0, 0xa0, 0xbf, tail1, notBefore(b, 0xa0, 0xbf, next), heads);
  emitNarrowLead(b, 0xed, 0x80, 0x9f, tail1, notBefore(b, 0x80, 0x9f, next), heads);
  emitNarrowLead(b, 0xf0, 0x90, 0xbf, tail2, notBefore(b, 0x90, 0xbf, next), heads);
  emitNarrowLead(b, 0xf4, 0x80, 0x8f, tail2, notBefore(b, 0x80, 0x8f, next), heads);
}

/** Truncated sequences only (valid ones come from the set): a valid prefix not followed by its next byte. */
function emitTruncatedPrefixes(b: ProgramBuilder, next: i32, heads: Array<i32>): void {
  const stop = notBefore(b, 0x80, 0xbf, next);
  const oneMoreThenStop = range(b, 0x80, 0xbf, stop);
  const upToOneMore = split(b, stop, oneMoreThenStop);
  const upToTwoMore = split(b, stop, range(b, 0x80, 0xbf, upToOneMore));
  heads.push(range(b, 0xc2, 0xdf, stop));
  const threeByteLeads = new StaticArray<u8>(32);
  setBits(threeByteLeads, 0xe1, 0xec);
  setBits(threeByteLeads, 0xee, 0xef);
  heads.push(emitByteSet(b, threeByteLeads, upToOneMore));
  heads.push(range(b, 0xf1, 0xf3, upToTwoMore));
  emitNarrowLead(b, 0xe0, 0xa0, 0xbf, stop, notBefore(b, 0xa0, 0xbf, next), heads);
  emitNarrowLead(b, 0xed, 0x80, 0x9f, stop, notBefore(b, 0x80, 0x9f, next), heads);
  emitNarrowLead(b, 0xf0, 0x90, 0xbf, upToOneMore, notBefore(b, 0x90, 0xbf, next), heads);
  emitNarrowLead(b, 0xf4, 0x80, 0x8f, upToOneMore, notBefore(b, 0x80, 0x8f, next), heads);
}

/** The valid multi-byte encodings of the set's non-ASCII ranges, sharing common suffixes. */
function emitValidSequences(b: ProgramBuilder, set: CodepointSet, next: i32, heads: Array<i32>): void {
  const sequences = new Array<i32>();
  for (let i = 0; i < set.rangeCount; i++) {
    let lo = set.lo(i);
    const hi = set.hi(i);
    if (hi < 0x80) continue;
    if (lo < 0x80) lo = 0x80;
    appendUtf8Sequences(lo, hi, sequences);
  }
  const suffixes = new Map<i64, i32>();
  for (let s = 0; s < sequences.length; s += SEQUENCE_WORDS) {
    const length = sequences[s];
    let pc = next;
    for (let k = length - 1; k >= 0; k--) {
      const lo = sequences[s + 1 + 2 * k];
      const hi = sequences[s + 2 + 2 * k];
      const key = (<i64>lo) | (<i64>hi << 8) | (<i64>pc << 16);
      if (suffixes.has(key)) {
        pc = suffixes.get(key);
      } else {
        pc = range(b, lo, hi, pc);
        suffixes.set(key, pc);
      }
    }
    if (!heads.includes(pc)) heads.push(pc);
    if (b.overflowed) return;
  }
}
