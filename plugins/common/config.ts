// Reading a plugin configuration: JSON parsed strictly (json-check.ts) into the JSON library's tree,
// then read field by field through `Fields`, which knows each field's path so every error names the
// field ("consumers[1].credential: must be a non-empty string"). The first error wins and the plugin
// refuses the configuration at configure time.
import { JSON } from "assemblyscript-json/assembly";
import { parseJson } from "./json-check";

export { JSON };

/** "a, b or c": field names a message offers as alternatives (built when a message needs it). */
export function alternatives(names: string[]): string {
  const last = names.length - 1;
  let list = names[0];
  for (let i = 1; i < last; i++) list += ", " + names[i];
  return last > 0 ? list + " or " + names[last] : list;
}

/** Collects the first configuration problem. */
export class Problems {
  message: string = "";

  fail(field: string, what: string): void {
    if (this.message.length == 0) this.message = field.length ? field + ": " + what : what;
  }

  get failed(): bool {
    return this.message.length > 0;
  }
}

/** Parses configuration bytes into a JSON object; null (with the problem recorded) otherwise. */
export function parseObject(data: ArrayBuffer, problems: Problems): JSON.Obj | null {
  const parsed = parseJson(changetype<usize>(data), data.byteLength);
  const value = parsed.value;
  if (value === null) {
    problems.fail("", "configuration is not valid JSON (" + parsed.error + ")");
    return null;
  }
  if (!value.isObj) {
    problems.fail("", "configuration must be a JSON object");
    return null;
  }
  return <JSON.Obj>value;
}

function describe(v: JSON.Value): string {
  if (v.isString) return "a string";
  if (v.isInteger || v.isFloat || v.isNum) return "a number";
  if (v.isBool) return "a boolean";
  if (v.isNull) return "null";
  if (v.isArr) return "an array";
  return "an object";
}

/** Typed, path-aware access to one JSON object of a configuration. */
export class Fields {
  constructor(readonly obj: JSON.Obj, readonly path: string, readonly problems: Problems) {}

  at(key: string): string {
    return this.path.length ? this.path + "." + key : key;
  }

  has(key: string): bool {
    const v = this.obj.get(key);
    return v !== null && !v.isNull;
  }

  keys(): string[] {
    return this.obj.keys;
  }

  private wrongType(key: string, v: JSON.Value, want: string): void {
    this.problems.fail(this.at(key), "must be " + want + ", not " + describe(v));
  }

  /** A string field; `fallback` when absent. Null only when the field has the wrong type. */
  string(key: string, fallback: string | null = null): string | null {
    const v = this.obj.get(key);
    if (v === null || v.isNull) return fallback;
    if (!v.isString) {
      this.wrongType(key, v, "a string");
      return null;
    }
    return (<JSON.Str>v).valueOf();
  }

  /** A string that must be present and non-empty. */
  requiredString(key: string): string {
    if (!this.has(key)) {
      this.problems.fail(this.at(key), "is required");
      return "";
    }
    const s = this.string(key);
    if (s === null) return "";
    if (s.length == 0) this.problems.fail(this.at(key), "must not be empty");
    return s;
  }

  /** A boolean; like Higress's C++ plugins, "true"/"false" strings are accepted too. */
  bool(key: string, fallback: bool): bool {
    const v = this.obj.get(key);
    if (v === null || v.isNull) return fallback;
    if (v.isBool) return (<JSON.Bool>v).valueOf();
    if (v.isString) {
      const s = (<JSON.Str>v).valueOf();
      if (s == "true") return true;
      if (s == "false") return false;
    }
    this.wrongType(key, v, "true or false");
    return fallback;
  }

  /** An integer within [min, max]; numeric strings are accepted (Higress's C++ plugins accept them). */
  integer(key: string, fallback: i64, min: i64, max: i64): i64 {
    const v = this.obj.get(key);
    if (v === null || v.isNull) return fallback;
    let n: i64 = 0;
    let ok = false;
    if (v.isInteger) {
      n = (<JSON.Integer>v).valueOf();
      ok = true;
    } else if (v.isFloat) {
      const f = (<JSON.Float>v).valueOf();
      ok = f == Math.floor(f) && Math.abs(f) < 9.0e15;
      n = <i64>f;
    } else if (v.isString) {
      const s = (<JSON.Str>v).valueOf();
      ok = isDecimal(s);
      if (ok) n = decimalValue(s);
    }
    if (!ok) {
      this.wrongType(key, v, "an integer");
      return fallback;
    }
    if (n < min || n > max) {
      this.problems.fail(this.at(key), "must be between " + min.toString() + " and " + max.toString() + ", not " + n.toString());
      return fallback;
    }
    return n;
  }

  /** A number (integer or fraction) within [min, max]. */
  number(key: string, fallback: f64, min: f64, max: f64): f64 {
    const v = this.obj.get(key);
    if (v === null || v.isNull) return fallback;
    let n: f64 = 0;
    if (v.isInteger) n = <f64>(<JSON.Integer>v).valueOf();
    else if (v.isFloat || v.isNum) n = (<JSON.Num>v).valueOf();
    else {
      this.wrongType(key, v, "a number");
      return fallback;
    }
    if (n < min || n > max) {
      this.problems.fail(this.at(key), "must be between " + min.toString() + " and " + max.toString());
      return fallback;
    }
    return n;
  }

  /** The items of an array field; null when absent (or not an array: recorded as not `want`). */
  private array(key: string, want: string): JSON.Value[] | null {
    const v = this.obj.get(key);
    if (v === null || v.isNull) return null;
    if (!v.isArr) {
      this.wrongType(key, v, want);
      return null;
    }
    return (<JSON.Arr>v).valueOf();
  }

  /** An array of strings; null when absent (or of the wrong type, recorded). */
  strings(key: string): string[] | null {
    const items = this.array(key, "an array of strings");
    if (items === null) return null;
    const out = new Array<string>(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!item.isString) {
        this.problems.fail(this.at(key) + "[" + i.toString() + "]", "must be a string, not " + describe(item));
        return null;
      }
      out[i] = (<JSON.Str>item).valueOf();
    }
    return out;
  }

  /** A nested object; null when absent (or of the wrong type, recorded). */
  object(key: string): Fields | null {
    const v = this.obj.get(key);
    if (v === null || v.isNull) return null;
    if (!v.isObj) {
      this.wrongType(key, v, "an object");
      return null;
    }
    return new Fields(<JSON.Obj>v, this.at(key), this.problems);
  }

  /** An array of objects; null when absent (or of the wrong type, recorded). */
  objects(key: string): Fields[] | null {
    const items = this.array(key, "an array of objects");
    if (items === null) return null;
    const out = new Array<Fields>(items.length);
    for (let i = 0; i < items.length; i++) {
      const path = this.at(key) + "[" + i.toString() + "]";
      const item = items[i];
      if (!item.isObj) {
        this.problems.fail(path, "must be an object, not " + describe(item));
        return null;
      }
      out[i] = new Fields(<JSON.Obj>item, path, this.problems);
    }
    return out;
  }

  /**
   * `list` with the paths of keys not in `known` appended (", "-separated; Higress's `_..._` keys
   * aside). Higress ignores unknown keys, so a plugin warns about them (typos are common) rather than
   * refusing a config Higress would take.
   */
  unknownKeys(known: string[], list: string): string {
    const keys = this.obj.keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k.startsWith("_") && k.endsWith("_")) continue;
      if (!known.includes(k)) list += (list.length ? ", " : "") + this.at(k);
    }
    return list;
  }

  fail(key: string, what: string): void {
    this.problems.fail(this.at(key), what);
  }
}

/** The value of a string isDecimal accepted (at most 18 digits: no overflow). */
function decimalValue(s: string): i64 {
  const negative = s.charCodeAt(0) == 45;
  let n: i64 = 0;
  for (let i = negative ? 1 : 0; i < s.length; i++) n = n * 10 + <i64>(s.charCodeAt(i) - 48);
  return negative ? -n : n;
}

function isDecimal(s: string): bool {
  if (s.length == 0 || s.length > 18) return false;
  let i = s.charCodeAt(0) == 45 ? 1 : 0;
  if (i == s.length) return false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
