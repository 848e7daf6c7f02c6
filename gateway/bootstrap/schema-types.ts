// The vocabulary the bootstrap schema is written in: a small mirror of the protobuf types Envoy's
// config is made of (messages, scalars, enums, repeated fields, maps, google.protobuf.Any), so the
// supported subset of Envoy's API is declared once, as data, and validated by one walker.

export type FieldType =
  | { kind: "string"; nonEmpty?: boolean }
  | { kind: "uint32"; min?: number; max?: number }
  | { kind: "bool" }
  /** google.protobuf.Duration in its JSON form ("1.5s"); validated into milliseconds. */
  | { kind: "duration" }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "message"; message: MessageSpec }
  | { kind: "list"; item: FieldType; nonEmpty?: boolean }
  | { kind: "map"; value: FieldType }
  /** google.protobuf.Any: `@type` picks the message, whose fields sit beside it. */
  | { kind: "any"; types: Record<string, MessageSpec> };

export interface FieldSpec {
  type: FieldType;
  required?: boolean;
}

export interface MessageSpec {
  /** The proto message name, for error messages. */
  name: string;
  fields: Record<string, FieldSpec>;
  /** Groups of fields of which at most one may be set (exactly one when `required`). */
  oneofs?: { fields: string[]; required?: boolean }[];
}

export const str = (nonEmpty = false): FieldType => ({ kind: "string", nonEmpty });
export const u32 = (min?: number, max?: number): FieldType => ({ kind: "uint32", min, max });
export const bool = (): FieldType => ({ kind: "bool" });
export const duration = (): FieldType => ({ kind: "duration" });
export const enumOf = (...values: string[]): FieldType => ({ kind: "enum", values });
export const message = (m: MessageSpec): FieldType => ({ kind: "message", message: m });
export const list = (item: FieldType, nonEmpty = false): FieldType => ({ kind: "list", item, nonEmpty });
export const mapOf = (value: FieldType): FieldType => ({ kind: "map", value });
export const anyOf = (types: Record<string, MessageSpec>): FieldType => ({ kind: "any", types });

/** A field spec; `req` marks it required (Envoy's PGV `required` / `min_len` rules). */
export const opt = (type: FieldType): FieldSpec => ({ type });
export const req = (type: FieldType): FieldSpec => ({ type, required: true });
