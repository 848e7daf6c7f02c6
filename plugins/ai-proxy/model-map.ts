// Higress's modelMapping: exact names, `prefix-*` keys, `~regex` keys whose target may use $1..$9,
// and `*` as the fallback. An empty target keeps the requested model. Unlike Go's map iteration
// order in Higress, prefix and regex keys are tried in configuration order, so the result is stable.
import { Fields } from "../common/config";
import { compileRegex, Regex } from "../common/match/index";

const enum Kind {
  Exact = 0,
  Prefix = 1,
  Regex = 2,
}

class Entry {
  regex: Regex | null = null;
  constructor(readonly kind: Kind, readonly key: string, readonly target: string) {}
}

export class ModelMapping {
  private entries: Entry[] = [];
  private fallback: string | null = null;

  /** The upstream model for `model` (the same model when nothing maps it). */
  map(model: string): string {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.kind == Kind.Exact && e.key == model) return e.target.length ? e.target : model;
    }
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.kind == Kind.Prefix && model.startsWith(e.key)) return e.target.length ? e.target : model;
      if (e.kind == Kind.Regex) {
        const re = e.regex!;
        if (re.search(model)) return re.replaceAll(model, e.target);
      }
    }
    const fallback = this.fallback;
    return fallback !== null && fallback.length ? fallback : model;
  }

  static parse(f: Fields, field: string): ModelMapping {
    const m = new ModelMapping();
    const obj = f.object(field);
    if (obj === null) return m;
    const keys = obj.keys();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const target = obj.string(key);
      if (target === null) return m; // wrong type, recorded
      if (key == "*") {
        m.fallback = target;
      } else if (key.startsWith("~")) {
        const compiled = compileRegex(key.substring(1));
        if (!compiled.ok) {
          obj.fail(key, "invalid regular expression: " + compiled.error);
          return m;
        }
        const e = new Entry(Kind.Regex, key, target);
        e.regex = compiled.regex;
        m.entries.push(e);
      } else if (key.endsWith("*")) {
        m.entries.push(new Entry(Kind.Prefix, key.substring(0, key.length - 1), target));
      } else {
        m.entries.push(new Entry(Kind.Exact, key, target));
      }
    }
    return m;
  }
}
