// Compiles the AST into a Program. Compilation runs back to front: each node is compiled knowing
// the pc that follows it, so no patch lists are needed; loops emit their SPLIT first and fill in
// the body's pc afterwards. Stops as soon as the program passes its size limit.
import { Node, NodeKind } from "./ast";
import { compileClass, emitByteSet } from "./class-compiler";
import { CodepointSet, MAX_CODEPOINT } from "./codepoint-set";
import { ASSERT_BEGIN_TEXT, OP_ASSERT, OP_MATCH, OP_RANGE, OP_SAVE, OP_SPLIT, Program, ProgramBuilder } from "./program";
import { utf8Byte, utf8Length } from "./utf8-sequences";

/** Slots per capture group: start and end offsets. */
export function slotCount(groupCount: i32): i32 {
  return groupCount << 1;
}

/** The Program for `root`, or null when it would exceed `limit` instructions. */
export function compileProgram(root: Node, groupNames: Array<string>, limit: i32): Program | null {
  const compiler = new Compiler(new ProgramBuilder(limit));
  const b = compiler.b;
  const match = b.emit(OP_MATCH, 0, -1, -1);
  const end = b.emit(OP_SAVE, 1, match, -1);
  const body = compiler.compile(root, end);
  const start = b.emit(OP_SAVE, 0, body, -1);
  const searchStart = isAnchoredAtStart(root) ? start : emitSkipCharactersThen(b, start);
  if (b.overflowed || start < 0 || searchStart < 0) return null;
  return b.finish(start, searchStart, groupNames.length, groupNames);
}

/** `(?s:.)*?` then `start`: the unanchored-search prefix, preferring to start as early as possible. */
function emitSkipCharactersThen(b: ProgramBuilder, start: i32): i32 {
  const loop = b.emit(OP_SPLIT, 0, start, -1);
  const anyCharacter = compileClass(b, CodepointSet.of(0, MAX_CODEPOINT), loop);
  if (b.overflowed) return -1;
  b.setOuts(loop, start, anyCharacter);
  return loop;
}

/** Whether every match must start at the start of the input (the pattern begins with \A or ^). */
function isAnchoredAtStart(node: Node): bool {
  switch (node.kind) {
    case NodeKind.Assert:
      return node.assertion == ASSERT_BEGIN_TEXT;
    case NodeKind.Concat:
      return node.children.length > 0 && isAnchoredAtStart(node.children[0]);
    case NodeKind.Capture:
      return isAnchoredAtStart(node.sub!);
    case NodeKind.Alternate:
      for (let i = 0; i < node.children.length; i++) if (!isAnchoredAtStart(node.children[i])) return false;
      return true;
  }
  return false;
}

class Compiler {
  constructor(public b: ProgramBuilder) {}

  /** Emits `node` followed by `next`; returns its entry pc (-1 once the program is too large). */
  compile(node: Node, next: i32): i32 {
    if (this.b.overflowed) return -1;
    switch (node.kind) {
      case NodeKind.Empty:
        return next;
      case NodeKind.Literal:
        return this.literal(node.codepoint, node.foldCase, next);
      case NodeKind.Class:
        return compileClass(this.b, node.set!, next);
      case NodeKind.Concat: {
        let pc = next;
        for (let i = node.children.length - 1; i >= 0 && !this.b.overflowed; i--) pc = this.compile(node.children[i], pc);
        return pc;
      }
      case NodeKind.Alternate:
        return this.alternate(node.children, next);
      case NodeKind.Repeat:
        return this.repeat(node.sub!, node.min, node.max, node.greedy, next);
      case NodeKind.Capture: {
        const close = this.b.emit(OP_SAVE, (node.captureIndex << 1) + 1, next, -1);
        const body = this.compile(node.sub!, close);
        return this.b.emit(OP_SAVE, node.captureIndex << 1, body, -1);
      }
      case NodeKind.Assert:
        return this.b.emit(OP_ASSERT, node.assertion, next, -1);
    }
    return -1;
  }

  private literal(cp: i32, foldCase: bool, next: i32): i32 {
    if (foldCase) {
      const bits = new StaticArray<u8>(32);
      const lower = cp | 0x20;
      const upper = cp & ~0x20;
      bits[lower >> 3] |= <u8>(1 << <u8>(lower & 7));
      bits[upper >> 3] |= <u8>(1 << <u8>(upper & 7));
      return emitByteSet(this.b, bits, next);
    }
    const length = utf8Length(cp);
    let pc = next;
    for (let i = length - 1; i >= 0; i--) {
      const byte = utf8Byte(cp, length, i);
      pc = this.b.emit(OP_RANGE, byte | (byte << 8), pc, -1);
    }
    return pc;
  }

  private alternate(children: Array<Node>, next: i32): i32 {
    const heads = new Array<i32>(children.length);
    for (let i = 0; i < children.length && !this.b.overflowed; i++) heads[i] = this.compile(children[i], next);
    return this.b.emitAlternation(heads);
  }

  /** A SPLIT preferring `body` when greedy, `exit` when lazy. */
  private choice(body: i32, exit: i32, greedy: bool): i32 {
    return greedy ? this.b.emit(OP_SPLIT, 0, body, exit) : this.b.emit(OP_SPLIT, 0, exit, body);
  }

  /** A loop: SPLIT(body -> back to the SPLIT, exit). Returns the SPLIT (for x*) or the body (for x+). */
  private loop(sub: Node, next: i32, greedy: bool, enterAtBody: bool): i32 {
    const split = this.b.emit(OP_SPLIT, 0, -1, -1);
    const body = this.compile(sub, split);
    if (this.b.overflowed) return -1;
    if (greedy) this.b.setOuts(split, body, next);
    else this.b.setOuts(split, next, body);
    return enterAtBody ? body : split;
  }

  private repeat(sub: Node, min: i32, max: i32, greedy: bool, next: i32): i32 {
    let pc = next;
    let copies = min;
    if (max < 0) {
      // x{n,} = x{n-1} x+  (x* when n = 0)
      pc = this.loop(sub, next, greedy, min > 0);
      if (min > 0) copies--;
    } else {
      // x{n,m} = x{n} (x(x(...)?)?)? with m-n nested optional copies.
      for (let i = 0; i < max - min && !this.b.overflowed; i++) pc = this.choice(this.compile(sub, pc), next, greedy);
    }
    for (let i = 0; i < copies && !this.b.overflowed; i++) pc = this.compile(sub, pc);
    return this.b.overflowed ? -1 : pc;
  }
}
