// Empty-width assertions, evaluated from what precedes the position (summarised as context flags)
// and the byte that follows it (-1 at the end of the input). Shared by the DFA and the Pike VM.
import {
  ASSERT_BEGIN_LINE,
  ASSERT_BEGIN_TEXT,
  ASSERT_END_LINE,
  ASSERT_END_TEXT,
  ASSERT_NOT_BEFORE_RANGE,
  ASSERT_NOT_WORD_BOUNDARY,
  ASSERT_WORD_BOUNDARY,
} from "./program";

export const CONTEXT_AT_START: i32 = 1;
export const CONTEXT_AFTER_NEWLINE: i32 = 2;
export const CONTEXT_AFTER_WORD: i32 = 4;

/** ASCII word character [0-9A-Za-z_], as RE2's \b uses; false for -1 (no byte). */
@inline export function isWordByte(b: i32): bool {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x5f;
}

/** The context flags of the position after byte `prev` (-1: the start of the input). */
export function contextAfter(prev: i32): i32 {
  if (prev < 0) return CONTEXT_AT_START | CONTEXT_AFTER_NEWLINE;
  let flags = 0;
  if (prev == 0x0a) flags |= CONTEXT_AFTER_NEWLINE;
  if (isWordByte(prev)) flags |= CONTEXT_AFTER_WORD;
  return flags;
}

/** Whether the assertion encoded in `arg` (an OP_ASSERT argument) holds. */
export function assertionHolds(arg: i32, context: i32, next: i32): bool {
  switch (arg & 0xff) {
    case ASSERT_BEGIN_TEXT:
      return (context & CONTEXT_AT_START) != 0;
    case ASSERT_BEGIN_LINE:
      return (context & CONTEXT_AFTER_NEWLINE) != 0;
    case ASSERT_END_TEXT:
      return next < 0;
    case ASSERT_END_LINE:
      return next < 0 || next == 0x0a;
    case ASSERT_WORD_BOUNDARY:
      return ((context & CONTEXT_AFTER_WORD) != 0) != isWordByte(next);
    case ASSERT_NOT_WORD_BOUNDARY:
      return ((context & CONTEXT_AFTER_WORD) != 0) == isWordByte(next);
    case ASSERT_NOT_BEFORE_RANGE:
      return next < 0 || next < ((arg >> 8) & 0xff) || next > ((arg >> 16) & 0xff);
  }
  return false;
}

/** Assertions that depend only on what precedes the position (resolvable before the next byte is seen). */
@inline export function dependsOnlyOnContext(arg: i32): bool {
  const kind = arg & 0xff;
  return kind == ASSERT_BEGIN_TEXT || kind == ASSERT_BEGIN_LINE;
}
