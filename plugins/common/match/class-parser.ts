// Parses a bracketed class `[...]` into a code point set: ranges, escapes, \d \s \w (and negated),
// POSIX [:name:] classes; `]` first is a literal (as in RE2). Case folding applies before negation.
import { CodepointSet, posixClass } from "./codepoint-set";
import { parseEscapedChar, parsePerlClassEscape } from "./escapes";
import { PatternCursor } from "./pattern-cursor";

/** The class starting at the cursor's `[`; null after reporting an error. */
export function parseClass(cursor: PatternCursor, foldCase: bool): CodepointSet | null {
  const open = cursor.pos;
  cursor.pos++;
  let negated = false;
  if (cursor.peek() == 0x5e /* ^ */) {
    negated = true;
    cursor.pos++;
  }
  const set = new CodepointSet();
  let first = true;
  while (!cursor.failed) {
    if (cursor.atEnd) {
      cursor.fail("missing closing ]", open);
      return null;
    }
    const c = cursor.peek();
    if (c == 0x5d /* ] */ && !first) {
      cursor.pos++;
      break;
    }
    first = false;
    if (c == 0x5b /* [ */ && parsePosixClass(cursor, set)) continue;
    const perl = parsePerlClassEscape(cursor);
    if (perl !== null) {
      set.addSet(perl);
      continue;
    }
    const itemStart = cursor.pos;
    const lo = parseClassChar(cursor);
    if (lo < 0) return null;
    if (cursor.peek() == 0x2d /* - */ && cursor.peekAt(cursor.pos + 1) != 0x5d && cursor.pos + 1 < cursor.pattern.length) {
      cursor.pos++;
      if (parsePerlClassEscape(cursor) !== null) {
        cursor.fail("invalid character class range " + cursor.pattern.substring(itemStart, cursor.pos), itemStart);
        return null;
      }
      const hi = parseClassChar(cursor);
      if (hi < 0) return null;
      if (hi < lo) {
        cursor.fail("invalid character class range " + cursor.pattern.substring(itemStart, cursor.pos), itemStart);
        return null;
      }
      set.addRange(lo, hi);
    } else {
      set.addRange(lo, lo);
    }
  }
  if (cursor.failed) return null;
  set.normalize();
  if (foldCase) set.foldAsciiCase();
  if (negated) set.negate();
  return set;
}

function parseClassChar(cursor: PatternCursor): i32 {
  if (cursor.peek() == 0x5c) return parseEscapedChar(cursor);
  return cursor.nextCodepoint();
}

/**
 * [:name:] or [:^name:] at the cursor, added to `into`. False (nothing consumed) when the text is
 * not shaped like one, so the `[` is an ordinary character; an unknown name is an error.
 */
function parsePosixClass(cursor: PatternCursor, into: CodepointSet): bool {
  const at = cursor.pos;
  if (cursor.peekAt(at + 1) != 0x3a /* : */) return false;
  let p = at + 2;
  const negated = cursor.peekAt(p) == 0x5e;
  if (negated) p++;
  const nameStart = p;
  while ((cursor.peekAt(p) | 0x20) >= 0x61 && (cursor.peekAt(p) | 0x20) <= 0x7a) p++;
  if (cursor.peekAt(p) != 0x3a || cursor.peekAt(p + 1) != 0x5d /* :] */) return false;
  const name = cursor.pattern.substring(nameStart, p);
  const set = posixClass(name);
  if (set === null) {
    cursor.fail("invalid character class [:" + name + ":]", at);
    return true;
  }
  if (negated) set.negate();
  into.addSet(set);
  cursor.pos = p + 2;
  return true;
}
