// Test-only module: exposes the match library to vitest through plain exports taking (ptr, len)
// byte ranges in linear memory. JS writes inputs into the scratch buffer, results come back as
// numbers or in the output buffer. Handles index module-level registries (fine for a test harness).
import "../../testing/abort-to-host";
import { ByteBuffer } from "../byte-buffer";
import { compileLiteralSet, compileRegex, Regex, RegexCompileResult } from "../index";

const regexes = new Array<Regex | null>();
let scratchBuffer = new ByteBuffer(1024);
const output = new ByteBuffer(1024);
let storedString = "";

/** A buffer of at least `size` bytes for JS to write an input into (valid until the next call). */
export function scratch(size: i32): usize {
  if (scratchBuffer.data.length < size) scratchBuffer = new ByteBuffer(size);
  return scratchBuffer.ptr;
}

export function outputPtr(): usize {
  return output.ptr;
}

export function outputLength(): i32 {
  return output.length;
}

function text(ptr: usize, len: i32): string {
  return String.UTF8.decodeUnsafe(ptr, <usize>len);
}

function setOutput(s: string): void {
  output.setUtf8(s);
}

// ---- Regex ----

/** A compiled regex's handle, or -1 with the error text in the output buffer. */
function register(result: RegexCompileResult): i32 {
  const regex = result.regex;
  if (regex === null) {
    setOutput(result.error);
    return -1;
  }
  regexes.push(regex);
  return regexes.length - 1;
}

/** Compiles the UTF-8 pattern; returns a handle, or -1 with the error text in the output buffer. */
export function regexCompile(ptr: usize, len: i32, flags: u32): i32 {
  return register(compileRegex(text(ptr, len), flags));
}

/**
 * compileLiteralSet over needles encoded as u32 count, then per needle u32 length + bytes (each
 * needle's bytes decoded as UTF-8, so WTF-8 bytes give lone surrogates); a regex handle, or -1 with
 * the error text in the output buffer.
 */
export function literalSetCompile(ptr: usize, len: i32, flags: u32): i32 {
  const needles = new Array<string>();
  const end = ptr + <usize>len;
  if (len < 4) return -2;
  const count = load<u32>(ptr);
  let at: usize = ptr + 4;
  for (let i: u32 = 0; i < count; i++) {
    // Checked before each read: a malformed encoding must not make the harness read past its input.
    if (at + 4 > end) return -2;
    const n = <usize>load<u32>(at);
    if (at + 4 + n > end) return -2;
    needles.push(String.UTF8.decodeUnsafe(at + 4, n));
    at += 4 + n;
  }
  return register(compileLiteralSet(needles, flags));
}

/** Error offset of compiling the pattern (-1 when it compiles). */
export function regexErrorOffset(ptr: usize, len: i32, flags: u32): i32 {
  return compileRegex(text(ptr, len), flags).errorOffset;
}

function regexAt(id: i32): Regex | null {
  return id >= 0 && id < regexes.length ? regexes[id] : null;
}

export function regexFree(id: i32): void {
  if (id >= 0 && id < regexes.length) regexes[id] = null;
}

export function regexFullMatch(id: i32, ptr: usize, len: i32): i32 {
  const r = regexAt(id);
  return r === null ? -1 : r.fullMatchRaw(ptr, len) ? 1 : 0;
}

export function regexSearch(id: i32, ptr: usize, len: i32): i32 {
  const r = regexAt(id);
  return r === null ? -1 : r.searchRaw(ptr, len) ? 1 : 0;
}

/** Keeps a decoded string in the module so the string API can be exercised without a decode per call. */
export function storeString(ptr: usize, len: i32): void {
  storedString = text(ptr, len);
}

export function regexFullMatchStored(id: i32): i32 {
  const r = regexAt(id);
  return r === null ? -1 : r.fullMatch(storedString) ? 1 : 0;
}

export function regexSearchStored(id: i32): i32 {
  const r = regexAt(id);
  return r === null ? -1 : r.search(storedString) ? 1 : 0;
}

export function regexCaptures(id: i32, ptr: usize, len: i32, whole: i32): i32 {
  const r = regexAt(id);
  return r === null ? -1 : r.capturesRaw(ptr, len, whole != 0) ? 1 : 0;
}

export function regexCapturesStored(id: i32, whole: i32): i32 {
  const r = regexAt(id);
  return r === null ? -1 : r.captures(storedString, whole != 0) ? 1 : 0;
}

export function regexGroupCount(id: i32): i32 {
  const r = regexAt(id);
  return r === null ? -1 : r.groupCount;
}

export function regexGroupIndex(id: i32, ptr: usize, len: i32): i32 {
  const r = regexAt(id);
  return r === null ? -2 : r.groupIndex(text(ptr, len));
}

export function regexGroupStart(id: i32, group: i32): i32 {
  const r = regexAt(id);
  return r === null ? -2 : r.groupStart(group);
}

export function regexGroupEnd(id: i32, group: i32): i32 {
  const r = regexAt(id);
  return r === null ? -2 : r.groupEnd(group);
}

/** Puts group `group` of the last captures (as decoded by Regex.group) in the output buffer; 0 if null. */
export function regexGroupText(id: i32, group: i32): i32 {
  const r = regexAt(id);
  if (r === null) return -1;
  const g = r.group(group);
  if (g === null) return 0;
  setOutput(g);
  return 1;
}

/** Input and template are consecutive in the scratch buffer; the result goes to the output buffer. */
export function regexReplaceAll(id: i32, inputPtr: usize, inputLen: i32, templatePtr: usize, templateLen: i32): i32 {
  const r = regexAt(id);
  if (r === null) return -1;
  setOutput(r.replaceAll(text(inputPtr, inputLen), text(templatePtr, templateLen)));
  return output.length;
}

export function regexSteps(id: i32): f64 {
  const r = regexAt(id);
  return r === null ? -1 : <f64>r.steps;
}

export function regexFlushes(id: i32): i32 {
  const r = regexAt(id);
  return r === null ? -1 : r.cacheFlushes;
}

export function regexCacheBytes(id: i32): i32 {
  const r = regexAt(id);
  return r === null ? -1 : r.dfaCacheBytes;
}

export function regexLimitCache(id: i32, bytes: i32): void {
  const r = regexAt(id);
  if (r !== null) r.limitDfaCache(bytes);
}

export function regexProgramSize(id: i32): i32 {
  const r = regexAt(id);
  return r === null ? -1 : r.programSize;
}

// ---- Benchmark loops: the engine called from AssemblyScript, as a plugin would (no JS boundary) ----

export function benchFullMatch(id: i32, ptr: usize, len: i32, iterations: i32): i32 {
  const r = regexAt(id);
  if (r === null) return -1;
  let hits = 0;
  for (let i = 0; i < iterations; i++) if (r.fullMatchRaw(ptr, len)) hits++;
  return hits;
}

export function benchSearch(id: i32, ptr: usize, len: i32, iterations: i32): i32 {
  const r = regexAt(id);
  if (r === null) return -1;
  let hits = 0;
  for (let i = 0; i < iterations; i++) if (r.searchRaw(ptr, len)) hits++;
  return hits;
}

export function benchCaptures(id: i32, ptr: usize, len: i32, iterations: i32): i32 {
  const r = regexAt(id);
  if (r === null) return -1;
  let hits = 0;
  for (let i = 0; i < iterations; i++) if (r.capturesRaw(ptr, len)) hits++;
  return hits;
}

/** The string API: UTF-8 encoding of the stored string into the regex's reused buffer, then the DFA. */
export function benchFullMatchStored(id: i32, iterations: i32): i32 {
  const r = regexAt(id);
  if (r === null) return -1;
  let hits = 0;
  for (let i = 0; i < iterations; i++) if (r.fullMatch(storedString)) hits++;
  return hits;
}

/** Same, searching (literal sets: does any needle occur in the stored string?). */
export function benchSearchStored(id: i32, iterations: i32): i32 {
  const r = regexAt(id);
  if (r === null) return -1;
  let hits = 0;
  for (let i = 0; i < iterations; i++) if (r.search(storedString)) hits++;
  return hits;
}
