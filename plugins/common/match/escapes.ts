// Escapes valid both outside and inside classes: those standing for one code point
// (\t, \x41, \u{1F600}, \., ...) and the Perl classes \d \s \w and their negations.
import { CodepointSet, MAX_CODEPOINT, perlClass } from "./codepoint-set";
import { isAsciiLetter, isDigit, PatternCursor } from "./pattern-cursor";

/** \d \D \s \S \w \W at the cursor: consumes it and returns its set; null (nothing consumed) otherwise. */
export function parsePerlClassEscape(cursor: PatternCursor): CodepointSet | null {
  if (cursor.peek() != 0x5c) return null;
  const letter = cursor.peekAt(cursor.pos + 1);
  const lower = letter | 0x20;
  if (lower != 0x64 && lower != 0x73 && lower != 0x77) return null;
  const set = perlClass(lower);
  if (set === null) return null;
  cursor.pos += 2;
  if (letter != lower) set.negate();
  return set;
}

/** An escape standing for one code point, at the cursor. -1 after reporting an error. */
export function parseEscapedChar(cursor: PatternCursor): i32 {
  const at = cursor.pos;
  if (cursor.pos + 1 >= cursor.pattern.length) {
    cursor.fail("trailing backslash", at);
    return -1;
  }
  cursor.pos++;
  const c = cursor.nextCodepoint();
  switch (c) {
    case 0x74: return 0x09; // t
    case 0x6e: return 0x0a; // n
    case 0x72: return 0x0d; // r
    case 0x66: return 0x0c; // f
    case 0x76: return 0x0b; // v
    case 0x61: return 0x07; // a
    case 0x30: // 0, unless an octal escape follows
      if (isDigit(cursor.peek())) break;
      return 0;
    case 0x78: // x
      return parseHexEscape(cursor, at, 2);
    case 0x75: // u
      return parseHexEscape(cursor, at, 4);
  }
  if (c < 0x80 && !isAsciiLetter(c) && !isDigit(c)) return c;
  if ((c >= 0x31 && c <= 0x39) || c == 0x6b /* k */) {
    cursor.fail("backreferences are not supported", at);
  } else if (c == 0x70 || c == 0x50) {
    cursor.fail("Unicode classes \\p and \\P are not supported", at);
  } else if (c == 0x30) {
    cursor.fail("octal escapes are not supported", at);
  } else {
    cursor.fail("invalid escape sequence " + cursor.pattern.substring(at, cursor.pos), at);
  }
  return -1;
}

/** After \x or \u: exactly `digits` hex digits, or {hex...} up to U+10FFFF. */
function parseHexEscape(cursor: PatternCursor, at: i32, digits: i32): i32 {
  let value: i32 = 0;
  if (cursor.peek() == 0x7b /* { */) {
    cursor.pos++;
    let count = 0;
    while (hexValue(cursor.peek()) >= 0) {
      value = value * 16 + hexValue(cursor.peek());
      if (value > MAX_CODEPOINT) break;
      cursor.pos++;
      count++;
    }
    if (count > 0 && value <= MAX_CODEPOINT && cursor.peek() == 0x7d) {
      cursor.pos++;
      return value;
    }
  } else {
    let count = 0;
    while (count < digits && hexValue(cursor.peek()) >= 0) {
      value = value * 16 + hexValue(cursor.peek());
      cursor.pos++;
      count++;
    }
    if (count == digits) return value;
  }
  cursor.fail("invalid escape sequence " + cursor.pattern.substring(at, cursor.pos + 1), at);
  return -1;
}

function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}
