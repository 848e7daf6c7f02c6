// Random regular expressions written twice with the same meaning: as RE2 syntax for the plugin and as a
// JavaScript pattern (`u` flag, anchored by the caller) for the reference model. Each construct is
// rendered for JavaScript so that it means what RE2 means on the plugin's side:
//   `.`        → [^\n]              (RE2's dot excludes only \n; JavaScript's also \r, U+2028, U+2029)
//   \d \w \s   → ASCII classes      (JavaScript's \s is Unicode-wide; RE2's is [\t\n\f\r ])
//   case-insensitive → ASCII letters written as [xX] and classes widened, no `i` flag (JavaScript's
//              `iu` folds Unicode: K matches the Kelvin sign; RE2 here folds ASCII only)
import fc from "fast-check";

type Item = string | [string, string];
export type Node =
  | { k: "lit"; c: string }
  | { k: "class"; neg: boolean; items: Item[] }
  | { k: "dot" }
  | { k: "perl"; c: "d" | "D" | "w" | "W" | "s" | "S" }
  | { k: "boundary" }
  | { k: "group"; capture: boolean; alts: Node[][] }
  | { k: "rep"; node: Node; q: string };

export interface RegexPair {
  re2: string;
  /** JavaScript source for the same language, before anchoring; compile with the `u` flag. */
  js: string;
}

/** Characters that are syntax in both dialects and must be escaped as literals. */
const SYNTAX = new Set([..."^$\\.*+?()[]{}|/"]);
const escapeLiteral = (c: string) => (SYNTAX.has(c) ? `\\${c}` : c);
const escapeInClass = (c: string) => ("]\\-^[".includes(c) ? `\\${c}` : c);

const isLower = (c: string) => c >= "a" && c <= "z";
const isUpper = (c: string) => c >= "A" && c <= "Z";
const otherCase = (c: string) => (isLower(c) ? c.toUpperCase() : isUpper(c) ? c.toLowerCase() : null);

/** Class items plus their ASCII other-case counterparts. */
function foldItems(items: Item[]): Item[] {
  const out: Item[] = [...items];
  for (const item of items) {
    if (typeof item === "string") {
      const o = otherCase(item);
      if (o) out.push(o);
    } else {
      // Only ranges within one ASCII case are generated: a-z, a-f, A-Z, A-F.
      const [lo, hi] = item;
      const o = otherCase(lo);
      if (o && otherCase(hi)) out.push([o, otherCase(hi)!]);
    }
  }
  return out;
}

const PERL_JS: Record<string, string> = {
  d: "[0-9]",
  D: "[^0-9]",
  w: "[A-Za-z0-9_]",
  W: "[^A-Za-z0-9_]",
  s: "[\\t\\n\\f\\r ]",
  S: "[^\\t\\n\\f\\r ]",
};

const classSource = (neg: boolean, items: Item[]) =>
  `[${neg ? "^" : ""}${items.map((i) => (typeof i === "string" ? escapeInClass(i) : `${escapeInClass(i[0])}-${escapeInClass(i[1])}`)).join("")}]`;

function render(node: Node, js: boolean, fold: boolean): string {
  switch (node.k) {
    case "lit": {
      const o = otherCase(node.c);
      return js && fold && o ? `[${node.c}${o}]` : escapeLiteral(node.c);
    }
    case "class":
      return classSource(node.neg, js && fold ? foldItems(node.items) : node.items);
    case "dot":
      return js ? "[^\\n]" : ".";
    case "perl":
      return js ? PERL_JS[node.c] : `\\${node.c}`;
    case "boundary":
      return "\\b";
    case "group": {
      const body = node.alts.map((seq) => seq.map((n) => render(n, js, fold)).join("")).join("|");
      return node.capture ? `(${body})` : `(?:${body})`;
    }
    case "rep":
      return render(node.node, js, fold) + node.q;
  }
}

/** Renders one generated pattern (a sequence of nodes) for both dialects. */
export function renderPair(seq: Node[], caseInsensitive: boolean): RegexPair {
  return { re2: seq.map((n) => render(n, false, false)).join(""), js: seq.map((n) => render(n, true, caseInsensitive)).join("") };
}

// ---- generation -------------------------------------------------------------------------------------

const LITERALS = ["/", "a", "b", "A", "B", "1", "%", "?", "=", "&", ".", "-", "é", "я", "😀", "\\", "+"];
const CLASS_ITEMS: Item[] = ["a", "B", "/", "%", "é", "-", "]", "^", ["a", "z"], ["A", "F"], ["0", "9"], ["à", "ÿ"]];
const QUANTIFIERS = ["*", "+", "?", "*?", "+?", "{0,2}", "{1,3}", "{2}", "{1,}"];

const leaf: fc.Arbitrary<Node> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...LITERALS).map((c): Node => ({ k: "lit", c })) },
  { weight: 2, arbitrary: fc.record({ neg: fc.boolean(), items: fc.uniqueArray(fc.constantFrom(...CLASS_ITEMS), { minLength: 1, maxLength: 3 }) }).map((r): Node => ({ k: "class", ...r })) },
  { weight: 2, arbitrary: fc.constant<Node>({ k: "dot" }) },
  { weight: 1, arbitrary: fc.constantFrom("d", "D", "w", "W", "s", "S").map((c): Node => ({ k: "perl", c: c as "d" })) },
  { weight: 1, arbitrary: fc.constant<Node>({ k: "boundary" }) },
);

const { node } = fc.letrec<{ node: Node; seq: Node[] }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 5, arbitrary: leaf },
    { weight: 2, arbitrary: fc.record({ node: tie("node"), q: fc.constantFrom(...QUANTIFIERS) }).map((r): Node => (r.node.k === "rep" || r.node.k === "boundary" ? r.node : { k: "rep", ...r })) },
    { weight: 1, arbitrary: fc.record({ capture: fc.boolean(), alts: fc.array(tie("seq"), { minLength: 1, maxLength: 3 }) }).map((r): Node => ({ k: "group", ...r })) },
  ),
  seq: fc.array(tie("node"), { minLength: 0, maxLength: 3 }),
}));

/** A pattern: a short sequence, often framed as `/…` or `.*…` / `….*` so that whole paths match it. */
export const patternArb: fc.Arbitrary<Node[]> = fc
  .record({ core: fc.array(node, { minLength: 1, maxLength: 4 }), lead: fc.constantFrom("slash", "any", "none"), trail: fc.boolean() })
  .map(({ core, lead, trail }) => {
    const anyText: Node = { k: "rep", node: { k: "dot" }, q: "*" };
    const head: Node[] = lead === "slash" ? [{ k: "lit", c: "/" }] : lead === "any" ? [anyText] : [];
    return [...head, ...core, ...(trail ? [anyText] : [])];
  });

// ---- witnesses --------------------------------------------------------------------------------------
// Paths built to match a generated pattern (most do; a few, around \b or negated classes, do not), so
// that requests reach the regex code often, with the characters that tell the dialects apart in the
// places where any character fits: non-ASCII, astral, NBSP, U+2028, bytes that are not UTF-8, and
// escapes (%0D, %0A) that only the percent-decoded path turns into control characters.

/** Small deterministic generator (mulberry32), so a witness is a function of its seed. */
export function randomSource(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

const ANY_CHARACTER: Buffer[] = [
  ..."x/é😀\u00a0\u2028Z0".split(/(?:)/u).map((c) => Buffer.from(c)),
  Buffer.from([0xff]),
  Buffer.from([0xe1, 0x80]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from("%0D"),
  Buffer.from("%0a"),
];

// Besides members, characters on which the dialects' classes could differ: NBSP, U+2028 and \v are
// spaces to JavaScript's \s, not to RE2's; "٣" is a digit to Unicode, not to either \d here.
const PERL_WITNESS: Record<string, string[]> = {
  d: ["0", "7", "٣"],
  D: ["x", "é"],
  w: ["a", "Z", "_", "5", "é"],
  W: ["/", "-", "é"],
  s: [" ", "\t", "\u00a0", "\u2028", "\v"],
  S: ["k", "é", "\u00a0", "\v"],
};

function charIn(item: Item, pick: (n: number) => number): string {
  if (typeof item === "string") return item;
  const lo = item[0].codePointAt(0)!;
  const hi = item[1].codePointAt(0)!;
  return String.fromCodePoint(lo + pick(hi - lo + 1));
}

function repeatCount(q: string, pick: (n: number) => number): number {
  const counted = /^\{(\d+)(,(\d*))?\}/.exec(q);
  if (counted) {
    const min = Number(counted[1]);
    const max = counted[2] === undefined ? min : counted[3] === "" ? min + 2 : Number(counted[3]);
    return min + pick(max - min + 1);
  }
  if (q.startsWith("*")) return pick(4);
  if (q.startsWith("+")) return 1 + pick(3);
  return pick(2); // ?
}

function witnessOf(node: Node, pick: (n: number) => number, out: Buffer[]): void {
  switch (node.k) {
    case "lit":
      out.push(Buffer.from(node.c));
      return;
    case "class":
      out.push(node.neg ? ANY_CHARACTER[pick(ANY_CHARACTER.length)] : Buffer.from(charIn(node.items[pick(node.items.length)], pick)));
      return;
    case "dot":
      out.push(ANY_CHARACTER[pick(ANY_CHARACTER.length)]);
      return;
    case "perl": {
      const options = PERL_WITNESS[node.c];
      out.push(Buffer.from(options[pick(options.length)]));
      return;
    }
    case "boundary":
      return;
    case "group":
      for (const n of node.alts[pick(node.alts.length)]) witnessOf(n, pick, out);
      return;
    case "rep":
      for (let i = repeatCount(node.q, pick); i > 0; i--) witnessOf(node.node, pick, out);
      return;
  }
}

/** Bytes that (mostly) match `seq`, chosen by `seed`. */
export function witness(seq: Node[], seed: number): Buffer {
  const pick = randomSource(seed);
  const out: Buffer[] = [];
  for (const n of seq) witnessOf(n, pick, out);
  return Buffer.concat(out);
}
