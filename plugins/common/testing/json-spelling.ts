// Test helper: JSON text for a value in any of the spellings JSON allows — whitespace between tokens,
// escapes in strings (short ones, \u in either case, surrogate pairs split into two), integers written
// with ".0", and repeated keys whose last occurrence is the real one (as JSON.parse reads them). One
// seed gives one spelling, so fast-check can shrink and replay it.

export { rng } from "./seeded-random.ts";

export function spellString(s: string, r: () => number): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
    const lone = !pair && c >= 0xd800 && c <= 0xdfff;
    const u = (x: number) => "\\u" + x.toString(16).padStart(4, "0")[r() < 0.5 ? "toLowerCase" : "toUpperCase"]();
    if (pair) {
      out += r() < 0.3 ? u(c) + u(s.charCodeAt(i + 1)) : s[i] + s[i + 1];
      i++;
    } else if (lone || c < 0x20 || r() < 0.1) {
      const short: Record<number, string> = { 0x22: '\\"', 0x5c: "\\\\", 0x2f: "\\/", 0x08: "\\b", 0x0c: "\\f", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t" };
      out += short[c] && r() < 0.6 ? short[c] : u(c);
    } else if (c === 0x22 || c === 0x5c) {
      out += "\\" + s[i];
    } else out += s[i];
  }
  return out + '"';
}

/** A number written exactly as given (e.g. "1e3", "-0", "12.50"), for spellings JSON.stringify never makes. */
export class RawNumber {
  constructor(readonly text: string) {}
}

const DECOYS = ['["decoy",1,2]', '{"decoy":{"type":"text"}}', '"decoy"', "7", "null", "true"];

export function spell(v: unknown, r: () => number): string {
  const ws = () => (r() < 0.7 ? "" : [" ", "\n", "\t", "\r\n  "][Math.floor(r() * 4)]);
  if (v instanceof RawNumber) return v.text;
  if (typeof v === "string") return spellString(v, r);
  if (typeof v === "number") return Number.isSafeInteger(v) && r() < 0.2 ? `${v}.0` : JSON.stringify(v);
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return "[" + ws() + v.map((x) => spell(x, r)).join(ws() + "," + ws()) + ws() + "]";
  const members: string[] = [];
  for (const k of Object.keys(v)) {
    if ((v as Record<string, unknown>)[k] === undefined) continue; // an absent member
    // A decoy with the same key before the real member: the last one counts, for JSON.parse as for the reader.
    if (r() < 0.15) members.push(spellString(k, r) + ws() + ":" + ws() + DECOYS[Math.floor(r() * DECOYS.length)]);
    members.push(spellString(k, r) + ws() + ":" + ws() + spell((v as Record<string, unknown>)[k], r));
  }
  return "{" + ws() + members.join(ws() + "," + ws()) + ws() + "}";
}
