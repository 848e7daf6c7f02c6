// Partitions the 256 byte values into classes no instruction or assertion of a program can tell
// apart, so DFA rows need one entry per class instead of 256.
import {
  ASSERT_BEGIN_LINE,
  ASSERT_END_LINE,
  ASSERT_NOT_BEFORE_RANGE,
  ASSERT_NOT_WORD_BOUNDARY,
  ASSERT_WORD_BOUNDARY,
  OP_ASSERT,
  OP_BYTESET,
  OP_RANGE,
  Program,
} from "./program";

export class ByteClasses {
  /** Class of each byte value. */
  classOf: StaticArray<u8> = new StaticArray<u8>(256);
  /** One byte of each class, to evaluate a transition for the whole class. */
  representative: StaticArray<u8> = new StaticArray<u8>(256);
  count: i32 = 0;

  static forProgram(program: Program): ByteClasses {
    const starts = new StaticArray<bool>(257);
    for (let pc = 0; pc < program.length; pc++) {
      const op = program.op(pc);
      const arg = program.arg(pc);
      if (op == OP_RANGE) {
        markRange(starts, arg & 0xff, (arg >> 8) & 0xff);
      } else if (op == OP_BYTESET) {
        markByteSet(starts, program, arg);
      } else if (op == OP_ASSERT) {
        const kind = arg & 0xff;
        if (kind == ASSERT_NOT_BEFORE_RANGE) markRange(starts, (arg >> 8) & 0xff, (arg >> 16) & 0xff);
        if (kind == ASSERT_BEGIN_LINE || kind == ASSERT_END_LINE) markRange(starts, 0x0a, 0x0a);
        if (kind == ASSERT_WORD_BOUNDARY || kind == ASSERT_NOT_WORD_BOUNDARY) {
          markRange(starts, 0x30, 0x39);
          markRange(starts, 0x41, 0x5a);
          markRange(starts, 0x5f, 0x5f);
          markRange(starts, 0x61, 0x7a);
        }
      }
    }
    const classes = new ByteClasses();
    let id = 0;
    classes.representative[0] = 0;
    for (let b = 0; b < 256; b++) {
      if (b > 0 && starts[b]) {
        id++;
        classes.representative[id] = <u8>b;
      }
      classes.classOf[b] = <u8>id;
    }
    classes.count = id + 1;
    return classes;
  }
}

function markRange(starts: StaticArray<bool>, lo: i32, hi: i32): void {
  starts[lo] = true;
  starts[hi + 1] = true;
}

function markByteSet(starts: StaticArray<bool>, program: Program, index: i32): void {
  let previous = false;
  for (let b = 0; b < 256; b++) {
    const inSet = (<i32>program.byteSets[(index << 5) + (b >> 3)] & (1 << (b & 7))) != 0;
    if (inSet != previous) starts[b] = true;
    previous = inSet;
  }
}
