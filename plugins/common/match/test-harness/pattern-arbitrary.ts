// fast-check generators for the property tests: random patterns from the syntax subset on which
// this engine and JavaScript's RegExp (with the `u` flag) must agree, plus inputs built to match them.
//
// Agreement needs care where the two differ by design: JS's `.` also stops at \r and U+2028/9, its
// \s includes \v and Unicode spaces, and its `i` flag folds non-ASCII letters (é/É, K/Kelvin sign).
// So inputs avoid those characters, class ranges stay within ASCII, and É never appears.
import fc from "fast-check";
import { rng } from "../../testing/seeded-random.ts";

export type Ast =
  | { t: "lit"; c: string }
  | { t: "dot" }
  | { t: "perl"; k: string }
  | { t: "class"; neg: boolean; items: ClassItem[] }
  | { t: "cat"; xs: Ast[] }
  | { t: "alt"; xs: Ast[] }
  | { t: "rep"; x: Ast; min: number; max: number; lazy: boolean }
  | { t: "group"; cap: boolean; x: Ast }
  | { t: "assert"; k: string };

type ClassItem = { lo: string; hi: string } | { perl: string };

/** Characters inputs are drawn from. */
export const INPUT_ALPHABET = ["a", "b", "c", "x", "A", "B", "0", "1", "_", "-", " ", ".", "\n", "é", "€", "😀"];
const LITERALS = ["a", "b", "c", "x", "A", "0", "_", "-", " ", ".", "\n", "é", "€", "😀"];
const RANGES: Array<[string, string]> = [
  ["a", "c"],
  ["a", "z"],
  ["A", "Z"],
  ["0", "9"],
  ["b", "x"],
  ["x", "x"],
  [" ", "/"],
];
const SINGLE_CLASS_CHARS = ["a", "b", "x", "-", "]", "^", ".", "é", "€", "😀", "\n"];

const SYNTAX = new Set(["^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/"]);

function renderChar(c: string): string {
  if (c === "\n") return "\\n";
  return SYNTAX.has(c) ? "\\" + c : c;
}

function renderClassChar(c: string): string {
  if (c === "\n") return "\\n";
  return "\\]^-[".includes(c) ? "\\" + c : c;
}

export function render(ast: Ast): string {
  switch (ast.t) {
    case "lit":
      return renderChar(ast.c);
    case "dot":
      return ".";
    case "perl":
      return "\\" + ast.k;
    case "class":
      return (
        "[" +
        (ast.neg ? "^" : "") +
        ast.items.map((i) => ("perl" in i ? "\\" + i.perl : i.lo === i.hi ? renderClassChar(i.lo) : renderClassChar(i.lo) + "-" + renderClassChar(i.hi))).join("") +
        "]"
      );
    case "cat":
      return ast.xs.map((x) => (x.t === "alt" ? "(?:" + render(x) + ")" : render(x))).join("");
    case "alt":
      return ast.xs.map(render).join("|");
    case "rep": {
      const inner = render(ast.x);
      const atom = ast.x.t === "lit" || ast.x.t === "dot" || ast.x.t === "perl" || ast.x.t === "class" || ast.x.t === "group" ? inner : "(?:" + inner + ")";
      const q =
        ast.min === 0 && ast.max === -1 ? "*" : ast.min === 1 && ast.max === -1 ? "+" : ast.min === 0 && ast.max === 1 ? "?" : ast.max === -1 ? `{${ast.min},}` : ast.min === ast.max ? `{${ast.min}}` : `{${ast.min},${ast.max}}`;
      return atom + q + (ast.lazy ? "?" : "");
    }
    case "group":
      return (ast.cap ? "(" : "(?:") + render(ast.x) + ")";
    case "assert":
      return ast.k;
  }
}

const classItem: fc.Arbitrary<ClassItem> = fc.oneof(
  fc.constantFrom(...RANGES).map(([lo, hi]) => ({ lo, hi })),
  fc.constantFrom(...SINGLE_CLASS_CHARS).map((c) => ({ lo: c, hi: c })),
  fc.constantFrom("d", "w", "s", "D", "W", "S").map((perl) => ({ perl })),
);

const leaf: fc.Arbitrary<Ast> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...LITERALS).map((c): Ast => ({ t: "lit", c })) },
  { weight: 1, arbitrary: fc.constant<Ast>({ t: "dot" }) },
  { weight: 1, arbitrary: fc.constantFrom("d", "w", "s", "D", "W", "S").map((k): Ast => ({ t: "perl", k })) },
  { weight: 2, arbitrary: fc.record({ neg: fc.boolean(), items: fc.array(classItem, { minLength: 1, maxLength: 3 }) }).map((r): Ast => ({ t: "class", ...r })) },
);

const assertion: fc.Arbitrary<Ast> = fc.constantFrom("^", "$", "\\b", "\\B").map((k): Ast => ({ t: "assert", k }));

const quantifier = fc.oneof(
  fc.constantFrom<[number, number]>([0, -1], [1, -1], [0, 1]),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 })).map(([min, extra]): [number, number] => [min, min + extra]),
  fc.integer({ min: 0, max: 2 }).map((min): [number, number] => [min, -1]),
);

/**
 * Any pattern of the subset. `captureSafe`: quantified parts can never match empty and contain no
 * capture groups -- the two places where JS's submatch rules differ from RE2's (JS skips empty
 * iterations and resets groups on each iteration), so captures can be compared too.
 */
export function patternArbitrary(captureSafe: boolean): fc.Arbitrary<Ast> {
  const { node } = fc.letrec<{ node: Ast; quantifiable: Ast }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 4, arbitrary: leaf },
      { weight: 1, arbitrary: assertion },
      { weight: 3, arbitrary: fc.array(tie("node"), { minLength: 2, maxLength: 4 }).map((xs): Ast => ({ t: "cat", xs })) },
      { weight: 2, arbitrary: fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map((xs): Ast => ({ t: "alt", xs })) },
      {
        weight: 2,
        arbitrary: fc.record({ x: tie("quantifiable"), q: quantifier, lazy: fc.boolean() }).map(({ x, q, lazy }): Ast => ({ t: "rep", x, min: q[0], max: q[1], lazy })),
      },
      { weight: 2, arbitrary: fc.record({ cap: fc.boolean(), x: tie("node") }).map((r): Ast => ({ t: "group", ...r })) },
    ),
    quantifiable: captureSafe
      ? fc.oneof(
          { depthSize: "small" },
          { weight: 4, arbitrary: leaf },
          { weight: 1, arbitrary: fc.array(leaf, { minLength: 2, maxLength: 3 }).map((xs): Ast => ({ t: "group", cap: false, x: { t: "cat", xs } })) },
          { weight: 1, arbitrary: fc.array(leaf, { minLength: 2, maxLength: 3 }).map((xs): Ast => ({ t: "group", cap: false, x: { t: "alt", xs } })) },
        )
      : tie("node"),
  }));
  return node;
}

/**
 * Longest sample, in characters: JS's backtracking RegExp (the oracle) can take exponential time
 * on nested quantifiers, which stays harmless only for short inputs.
 */
export const MAX_INPUT_CHARACTERS = 14;

/** A string the pattern probably matches (assertions are ignored, so not always), kept short. */
export function sampleFor(ast: Ast, seed: number, jsFlags: string): string {
  const random = rng(seed);
  let budget = MAX_INPUT_CHARACTERS;
  const pick = <T,>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const matchingChars = (atom: string): string[] => {
    const re = new RegExp(`^${atom}$`, "u" + jsFlags);
    const chars = INPUT_ALPHABET.filter((c) => re.test(c));
    return chars.length > 0 ? chars : INPUT_ALPHABET;
  };
  const walk = (n: Ast): string => {
    switch (n.t) {
      case "lit":
        budget--;
        return n.c;
      case "dot":
      case "perl":
      case "class":
        budget--;
        return pick(matchingChars(render(n)));
      case "cat":
        return n.xs.map(walk).join("");
      case "alt":
        return walk(pick(n.xs));
      case "rep": {
        const max = n.max === -1 ? n.min + 3 : n.max;
        // Past the budget, repeat only as often as required.
        const count = budget <= 0 ? n.min : n.min + Math.floor(random() * (max - n.min + 1));
        let out = "";
        for (let i = 0; i < count; i++) out += walk(n.x);
        return out;
      }
      case "group":
        return walk(n.x);
      case "assert":
        return "";
    }
  };
  return [...walk(ast)].slice(0, MAX_INPUT_CHARACTERS).join("");
}

export const inputArbitrary = fc.array(fc.constantFrom(...INPUT_ALPHABET), { maxLength: 10 }).map((cs) => cs.join(""));

/** Small edits of a string: insert, delete or replace one character (by code point). */
export function mutations(s: string, seed: number): string[] {
  const random = rng(seed ^ 0x9e3779b9);
  const chars = [...s];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const at = Math.floor(random() * (chars.length + 1));
    const c = INPUT_ALPHABET[Math.floor(random() * INPUT_ALPHABET.length)];
    const kind = Math.floor(random() * 3);
    const copy = chars.slice();
    if (kind === 0) copy.splice(at, 0, c);
    else if (kind === 1) copy.splice(at, 1);
    else copy.splice(at, 1, c);
    out.push(copy.join(""));
  }
  return out;
}
