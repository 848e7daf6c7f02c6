// Walks a parsed bootstrap against the declared schema and returns a normalised copy: snake_case field
// names (Envoy also accepts proto3 JSON's lowerCamelCase), integers as numbers, durations in
// milliseconds. The first problem found throws a BootstrapError naming the field's path.
import type { FieldSpec, FieldType, MessageSpec } from "./schema-types.ts";
import type { BootstrapSource, PathSegment } from "./source.ts";

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const describe = (v: unknown) => (Array.isArray(v) ? "a list" : v === null ? "null" : typeof v === "object" ? "a map" : `${typeof v} ${JSON.stringify(v)}`);

/** proto3 JSON Duration: decimal seconds with an `s` suffix, up to nanosecond precision. */
const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

export function validate(src: BootstrapSource, spec: MessageSpec): Obj {
  return new Walker(src).message(src.value, spec, []);
}

class Walker {
  constructor(private readonly src: BootstrapSource) {}

  message(value: unknown, spec: MessageSpec, path: PathSegment[], skip: readonly string[] = []): Obj {
    if (!isObject(value)) throw this.src.error(path, `expected a map (${spec.name}), got ${describe(value)}`);
    const out: Obj = {};
    for (const [rawKey, fieldValue] of Object.entries(value)) {
      if (skip.includes(rawKey)) continue;
      const key = rawKey in spec.fields ? rawKey : snake(rawKey);
      const field: FieldSpec | undefined = spec.fields[key];
      if (!field) {
        const known = Object.keys(spec.fields).join(", ");
        throw this.src.error([...path, rawKey], `field not supported by the local gateway in ${spec.name} (supported: ${known})`);
      }
      if (key in out) throw this.src.error([...path, rawKey], `field given twice (as ${key} and in camelCase)`);
      // proto3 JSON: null means "not set".
      if (fieldValue === null || fieldValue === undefined) continue;
      out[key] = this.value(fieldValue, field.type, [...path, rawKey]);
    }
    for (const [key, field] of Object.entries(spec.fields)) {
      if (field.required && !(key in out)) throw this.src.error(path, `missing required field ${key} (${spec.name})`);
    }
    for (const group of spec.oneofs ?? []) {
      const set = group.fields.filter((f) => f in out);
      if (set.length > 1) throw this.src.error([...path, set[1]], `only one of ${group.fields.join(", ")} may be set`);
      if (group.required && set.length === 0) throw this.src.error(path, `one of ${group.fields.join(", ")} is required (${spec.name})`);
    }
    return out;
  }

  value(value: unknown, type: FieldType, path: PathSegment[]): unknown {
    switch (type.kind) {
      case "string":
        if (typeof value !== "string") throw this.src.error(path, `expected a string, got ${describe(value)}`);
        if (type.nonEmpty && value === "") throw this.src.error(path, "must not be empty");
        return value;
      case "bool":
        if (typeof value !== "boolean") throw this.src.error(path, `expected true or false, got ${describe(value)}`);
        return value;
      case "uint32": {
        // proto3 JSON accepts integers as numbers or decimal strings.
        const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
        if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw this.src.error(path, `expected an unsigned integer, got ${describe(value)}`);
        if ((type.min !== undefined && n < type.min) || (type.max !== undefined && n > type.max)) {
          throw this.src.error(path, `${n} is out of range [${type.min ?? 0}, ${type.max ?? 0xffffffff}]`);
        }
        return n;
      }
      case "duration": {
        const m = typeof value === "string" ? DURATION.exec(value) : null;
        if (!m) throw this.src.error(path, `expected a duration such as "1.5s", got ${describe(value)}`);
        if (m[1]) throw this.src.error(path, "a negative duration is not allowed");
        return Number(m[2]) * 1000 + Number(`0.${m[3] ?? "0"}`) * 1000;
      }
      case "enum":
        if (typeof value !== "string" || !type.values.includes(value)) {
          throw this.src.error(path, `expected one of ${type.values.join(", ")} (the values the local gateway supports), got ${describe(value)}`);
        }
        return value;
      case "message":
        return this.message(value, type.message, path);
      case "list": {
        if (!Array.isArray(value)) throw this.src.error(path, `expected a list, got ${describe(value)}`);
        if (type.nonEmpty && value.length === 0) throw this.src.error(path, "must not be empty");
        return value.map((item, i) => this.value(item, type.item, [...path, i]));
      }
      case "map": {
        if (!isObject(value)) throw this.src.error(path, `expected a map, got ${describe(value)}`);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v, type.value, [...path, k])]));
      }
      case "any": {
        if (!isObject(value)) throw this.src.error(path, `expected a typed config (a map with "@type"), got ${describe(value)}`);
        const url = value["@type"];
        if (typeof url !== "string") throw this.src.error(path, `missing "@type" (one of: ${Object.keys(type.types).join(", ")})`);
        const spec = type.types[url];
        if (!spec) throw this.src.error([...path, "@type"], `type ${url} is not supported here by the local gateway (supported: ${Object.keys(type.types).join(", ")})`);
        return { "@type": url, ...this.message(value, spec, path, ["@type"]) };
      }
    }
  }
}
