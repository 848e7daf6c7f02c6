// The parsed form of a pattern. One node class with a kind tag keeps the parser and compiler free
// of casts; only the fields of a node's kind are meaningful.
import { CodepointSet } from "./codepoint-set";

export const enum NodeKind {
  /** Matches the empty string. */
  Empty,
  /** One code point (`codepoint`); `foldCase` adds its other ASCII case. */
  Literal,
  /** One code point from `set` (invalid UTF-8 bytes count as U+FFFD, as in Go). */
  Class,
  /** `children` in sequence. */
  Concat,
  /** One of `children`, earlier ones preferred. */
  Alternate,
  /** `sub` repeated `min`..`max` times (`max` = -1: unbounded), greedy or lazy. */
  Repeat,
  /** `sub` recorded as group `captureIndex`. */
  Capture,
  /** An empty-width assertion (`assertion`, one of the ASSERT_* kinds in program.ts). */
  Assert,
}

export class Node {
  kind: NodeKind;
  codepoint: i32 = 0;
  foldCase: bool = false;
  set: CodepointSet | null = null;
  children: Array<Node> = new Array<Node>();
  sub: Node | null = null;
  min: i32 = 0;
  max: i32 = 0;
  greedy: bool = true;
  captureIndex: i32 = 0;
  assertion: i32 = 0;

  constructor(kind: NodeKind) {
    this.kind = kind;
  }

  static empty(): Node {
    return new Node(NodeKind.Empty);
  }

  static literal(codepoint: i32, foldCase: bool): Node {
    const n = new Node(NodeKind.Literal);
    n.codepoint = codepoint;
    n.foldCase = foldCase;
    return n;
  }

  static charClass(set: CodepointSet): Node {
    const n = new Node(NodeKind.Class);
    n.set = set;
    return n;
  }

  static repeat(sub: Node, min: i32, max: i32, greedy: bool): Node {
    const n = new Node(NodeKind.Repeat);
    n.sub = sub;
    n.min = min;
    n.max = max;
    n.greedy = greedy;
    return n;
  }

  static capture(sub: Node, index: i32): Node {
    const n = new Node(NodeKind.Capture);
    n.sub = sub;
    n.captureIndex = index;
    return n;
  }

  static assert(assertion: i32): Node {
    const n = new Node(NodeKind.Assert);
    n.assertion = assertion;
    return n;
  }
}
