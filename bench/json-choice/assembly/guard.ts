// A strict JSON syntax check (RFC 8259) over UTF-8 bytes, meant to run before a JSON library
// parses untrusted input. Neither AssemblyScript JSON library can report a syntax error without
// trapping (AssemblyScript has no exceptions: `throw` aborts the module), and a trapped proxy-wasm
// VM fails every later request. So a plugin first asks this check, and only hands the library
// documents that are well formed and no deeper than `maxDepth`.
//
// Beyond the grammar it checks that strings hold valid UTF-8: AssemblyScript's UTF-8 decoder takes
// a truncated sequence's lead byte together with the next bytes, so `"\xC3"` swallows its closing
// quote and json-as, which parses the decoded text, then traps on an "unterminated" string.
//
// Speed matters (it runs on every streamed event), so it is one loop over a local cursor: no
// recursion (nesting is tracked in a static byte stack), no allocation unless it reports an error,
// and plain string runs are skipped eight bytes at a time.

/** Nesting limit when a caller has no reason to choose another. Configs and chat bodies with tool
 *  schemas stay far below it; both libraries parse this depth without exhausting their stacks. */
export const DEFAULT_MAX_DEPTH: i32 = 128;
/** Upper bound for `maxDepth`: the size of the static nesting stack. */
export const MAX_DEPTH_LIMIT: i32 = 512;

/** Why and where a document was rejected; `offset` counts bytes from the start of the document. */
export class JsonSyntaxError {
  constructor(public offset: i32, public reason: string) {}

  toString(): string {
    return this.reason + " at byte " + this.offset.toString();
  }
}

// One byte per open container. The check never re-enters itself, so one static stack serves every call.
const NESTING: usize = memory.data(MAX_DEPTH_LIMIT);
const IN_ARRAY: u8 = 1;
const IN_OBJECT: u8 = 2;

// Helpers return the position after what they consumed, or a negative value from `failAt`
// encoding the failure position and one of these reasons.
const E_UNEXPECTED = 1;
const E_CONTROL = 2;
const E_ESCAPE = 3;
const E_UTF8 = 4;
const E_UNTERMINATED = 5;
const E_NUMBER = 6;
const E_LITERAL = 7;
const REASON_BITS = 3;

function reasonText(code: i32): string {
  switch (code) {
    case E_CONTROL: return "control character in string";
    case E_ESCAPE: return "bad escape";
    case E_UTF8: return "invalid UTF-8";
    case E_UNTERMINATED: return "unterminated string";
    case E_NUMBER: return "bad number";
    case E_LITERAL: return "bad literal";
    default: return "unexpected character";
  }
}

@inline
function failAt(pos: i32, code: i32): i32 {
  return -1 - ((pos << REASON_BITS) | code);
}

function errorFrom(failure: i32, length: i32): JsonSyntaxError {
  const packed = -1 - failure;
  return describe(packed >> REASON_BITS, reasonText(packed & ((1 << REASON_BITS) - 1)), length);
}

function describe(pos: i32, reason: string, length: i32): JsonSyntaxError {
  if (pos < length) return new JsonSyntaxError(pos, reason);
  return new JsonSyntaxError(pos, reason == reasonText(E_UNEXPECTED) ? "unexpected end of input" : reason + " (input ended)");
}

/** Returns null when bytes [base, base+length) hold exactly one well-formed JSON value (surrounding
 *  whitespace allowed), else the first error. With `objectOnly`, that value must be an object,
 *  which is what every configuration and API body is. */
export function findJsonSyntaxError(
  base: usize,
  length: i32,
  maxDepth: i32 = DEFAULT_MAX_DEPTH,
  objectOnly: bool = false,
): JsonSyntaxError | null {
  if (maxDepth > MAX_DEPTH_LIMIT) maxDepth = MAX_DEPTH_LIMIT;
  let depth = 0;
  let pos = skipWhitespace(base, length, 0);
  if (objectOnly && byteAt(base, length, pos) != 0x7b) return describe(pos, "expected a JSON object", length);

  // Each turn reads one value; a container pushes a frame and the loop goes on with its first member.
  while (true) {
    const c = byteAt(base, length, pos);
    if (c == 0x7b /* { */ || c == 0x5b /* [ */) {
      if (depth == maxDepth) return describe(pos, "nesting deeper than " + maxDepth.toString(), length);
      const isObject = c == 0x7b;
      store<u8>(NESTING + <usize>depth, isObject ? IN_OBJECT : IN_ARRAY);
      depth++;
      pos = skipWhitespace(base, length, pos + 1);
      if (byteAt(base, length, pos) == (isObject ? 0x7d : 0x5d)) {
        pos++;
        depth--;
      } else {
        if (isObject) {
          pos = memberKey(base, length, pos);
          if (pos < 0) return errorFrom(pos, length);
        }
        continue;
      }
    } else {
      pos = scalar(base, length, pos, c);
      if (pos < 0) return errorFrom(pos, length);
    }

    // After a value: close finished containers, or move on to the next member.
    while (true) {
      pos = skipWhitespace(base, length, pos);
      if (depth == 0) return pos >= length ? null : describe(pos, "unexpected data after the JSON value", length);
      const inObject = load<u8>(NESTING + <usize>(depth - 1)) == IN_OBJECT;
      const next = byteAt(base, length, pos);
      if (next == 0x2c /* , */) {
        pos = skipWhitespace(base, length, pos + 1);
        if (inObject) {
          pos = memberKey(base, length, pos);
          if (pos < 0) return errorFrom(pos, length);
        }
        break;
      }
      if (next != (inObject ? 0x7d : 0x5d)) return describe(pos, inObject ? "expected ',' or '}'" : "expected ',' or ']'", length);
      pos++;
      depth--;
    }
  }
  return null;
}

/** Convenience for the common case: is the whole buffer one well-formed JSON object? */
export function isWellFormedJsonObject(bytes: ArrayBuffer, maxDepth: i32 = DEFAULT_MAX_DEPTH): bool {
  return findJsonSyntaxError(changetype<usize>(bytes), bytes.byteLength, maxDepth, true) === null;
}

/** The byte at `pos`, or -1 past the end. */
@inline
function byteAt(base: usize, length: i32, pos: i32): i32 {
  return pos < length ? <i32>load<u8>(base + <usize>pos) : -1;
}

@inline
function skipWhitespace(base: usize, length: i32, pos: i32): i32 {
  while (pos < length) {
    const c = load<u8>(base + <usize>pos);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    pos++;
  }
  return pos;
}

/** `"key"` then `:`; returns the position of the member's value. */
function memberKey(base: usize, length: i32, pos: i32): i32 {
  if (byteAt(base, length, pos) != 0x22) return failAt(pos, E_UNEXPECTED);
  pos = scanString(base, length, pos);
  if (pos < 0) return pos;
  pos = skipWhitespace(base, length, pos);
  if (byteAt(base, length, pos) != 0x3a /* : */) return failAt(pos, E_UNEXPECTED);
  return skipWhitespace(base, length, pos + 1);
}

/** A string, number or literal starting with byte `c` at `pos`. */
function scalar(base: usize, length: i32, pos: i32, c: i32): i32 {
  if (c == 0x22) return scanString(base, length, pos);
  if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return scanNumber(base, length, pos);
  if (c == 0x74) return literal(base, length, pos, 0x65757274); // "true" read as a little-endian u32
  if (c == 0x66) return literal(base, length, pos + 1, 0x65736c61); // "alse" after the 'f'
  if (c == 0x6e) return literal(base, length, pos, 0x6c6c756e); // "null"
  return failAt(pos, E_UNEXPECTED);
}

/** The 4 bytes at `pos` must equal `word` (little-endian). */
function literal(base: usize, length: i32, pos: i32, word: u32): i32 {
  if (pos + 4 > length || load<u32>(base + <usize>pos) != word) return failAt(pos, E_LITERAL);
  return pos + 4;
}

const ONES: u64 = 0x0101010101010101;
const HIGH_BITS: u64 = 0x8080808080808080;

/** High bit set in each byte of `v` that is zero (exact as an "any zero byte?" test). */
@inline
function zeroBytes(v: u64): u64 {
  return (v - ONES) & ~v & HIGH_BITS;
}

/** True when one of the eight bytes in `block` needs a closer look inside a string:
 *  a quote, a backslash, a control character (< 0x20) or a non-ASCII byte. */
@inline
function needsAttention(block: u64): bool {
  const controls = (block - ONES * 0x20) & ~block & HIGH_BITS;
  return (zeroBytes(block ^ (ONES * 0x22)) | zeroBytes(block ^ (ONES * 0x5c)) | controls | (block & HIGH_BITS)) != 0;
}

function scanString(base: usize, length: i32, pos: i32): i32 {
  pos++; // the opening quote
  while (true) {
    while (pos + 8 <= length && !needsAttention(load<u64>(base + <usize>pos))) pos += 8;
    if (pos >= length) return failAt(length, E_UNTERMINATED);
    const c = <i32>load<u8>(base + <usize>pos);
    if (c == 0x22) return pos + 1;
    if (c < 0x20) return failAt(pos, E_CONTROL);
    if (c == 0x5c) {
      pos = scanEscape(base, length, pos + 1);
      if (pos < 0) return pos;
    } else if (c >= 0x80) {
      pos = utf8Sequence(base, length, pos, c);
      if (pos < 0) return pos;
    } else {
      pos++;
    }
  }
}

/** The escape after a backslash: one of "\/bfnrt, or u and 4 hex digits. */
function scanEscape(base: usize, length: i32, pos: i32): i32 {
  const c = byteAt(base, length, pos);
  if (c == 0x75 /* u */) {
    for (let i = 1; i <= 4; i++) {
      const h = byteAt(base, length, pos + i) | 0x20; // folds A-F onto a-f
      if (!((h >= 0x30 && h <= 0x39) || (h >= 0x61 && h <= 0x66))) return failAt(pos + i, E_ESCAPE);
    }
    return pos + 5;
  }
  if (c == 0x22 || c == 0x5c || c == 0x2f || c == 0x62 || c == 0x66 || c == 0x6e || c == 0x72 || c == 0x74) return pos + 1;
  return failAt(pos, E_ESCAPE);
}

/** One multi-byte UTF-8 character starting with `lead` (RFC 3629: no overlong forms, no
 *  surrogates, nothing above U+10FFFF). */
function utf8Sequence(base: usize, length: i32, pos: i32, lead: i32): i32 {
  let continuation = 0;
  let low = 0x80; // allowed range of the second byte
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    continuation = 1;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    continuation = 2;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    continuation = 3;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return failAt(pos, E_UTF8);
  }
  for (let i = 1; i <= continuation; i++) {
    const c = byteAt(base, length, pos + i);
    if (c < low || c > high) return failAt(pos + i, E_UTF8);
    low = 0x80;
    high = 0xbf;
  }
  return pos + 1 + continuation;
}

function scanNumber(base: usize, length: i32, pos: i32): i32 {
  if (byteAt(base, length, pos) == 0x2d) pos++;
  if (byteAt(base, length, pos) == 0x30) {
    pos++;
  } else {
    const start = pos;
    pos = digits(base, length, pos);
    if (pos == start) return failAt(pos, E_NUMBER);
  }
  if (byteAt(base, length, pos) == 0x2e /* . */) {
    const start = ++pos;
    pos = digits(base, length, pos);
    if (pos == start) return failAt(pos, E_NUMBER);
  }
  if ((byteAt(base, length, pos) | 0x20) == 0x65 /* e or E */) {
    pos++;
    const sign = byteAt(base, length, pos);
    if (sign == 0x2b || sign == 0x2d) pos++;
    const start = pos;
    pos = digits(base, length, pos);
    if (pos == start) return failAt(pos, E_NUMBER);
  }
  return pos;
}

@inline
function digits(base: usize, length: i32, pos: i32): i32 {
  while (pos < length) {
    const c = load<u8>(base + <usize>pos);
    if (c < 0x30 || c > 0x39) break;
    pos++;
  }
  return pos;
}
