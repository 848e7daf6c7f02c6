// JSON-Schema checks for what the manifests generator produces and consumes:
//  - a WasmPlugin resource against a CRD's openAPIV3Schema, read the way Kubernetes reads a structural
//    schema, except that a field the API server would silently prune is an error here (a typo such as
//    `matchRule` would otherwise vanish on `kubectl apply`);
//  - a plugin config against the OpenAPI 3 schema in the plugin's spec.yaml, with Higress's display-only
//    keywords (scope, example, x-*-i18n) set aside so everything else is checked strictly.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parse as parseYaml } from "yaml";

export class SchemaError extends Error {}

export interface Validator {
  /** Returns the problems, empty when the value is valid. */
  (value: unknown): string[];
}

type Schema = Record<string, any>;

/** Keywords whose value is one sub-schema. */
const SUBSCHEMA_KEYS = ["not", "additionalItems", "contains", "propertyNames", "if", "then", "else"];
/** Keywords whose value is a list of sub-schemas. */
const SUBSCHEMA_LIST_KEYS = ["allOf", "anyOf", "oneOf"];
/** Keywords whose value maps names to sub-schemas. */
const SUBSCHEMA_MAP_KEYS = ["properties", "patternProperties", "definitions", "$defs"];

/** Rebuilds a schema node by node: `visit` edits each schema object (never a property *name*). */
function mapSchema(schema: any, visit: (node: Schema) => Schema): any {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const node: Schema = { ...schema };
  for (const key of SUBSCHEMA_KEYS) if (key in node) node[key] = mapSchema(node[key], visit);
  for (const key of SUBSCHEMA_LIST_KEYS) if (Array.isArray(node[key])) node[key] = node[key].map((s: any) => mapSchema(s, visit));
  for (const key of SUBSCHEMA_MAP_KEYS) {
    if (node[key] && typeof node[key] === "object") {
      node[key] = Object.fromEntries(Object.entries(node[key]).map(([name, s]) => [name, mapSchema(s, visit)]));
    }
  }
  if (Array.isArray(node.items)) node.items = node.items.map((s: any) => mapSchema(s, visit));
  else if (node.items) node.items = mapSchema(node.items, visit);
  if (node.additionalProperties && typeof node.additionalProperties === "object") node.additionalProperties = mapSchema(node.additionalProperties, visit);
  return visit(node);
}

function newAjv(): Ajv {
  // strictSchema stays on so a misspelt keyword in a schema is reported; formats are documentation here.
  return new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false, validateFormats: false });
}

function asValidator(validate: ValidateFunction, dataVar: string): Validator {
  return (value) => (validate(value) ? [] : describeErrors(validate.errors, dataVar));
}

/** ajv's messages, plus the detail they leave out: which values an enum allows, which property is extra. */
export function describeErrors(errors: ErrorObject[] | null | undefined, dataVar: string): string[] {
  return (errors ?? []).map((e) => {
    const where = `${dataVar}${e.instancePath}`;
    if (e.keyword === "enum") return `${where} ${e.message}: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
    if (e.keyword === "additionalProperties") return `${where} ${e.message} (${(e.params as { additionalProperty: string }).additionalProperty})`;
    if (e.keyword === "const") return `${where} ${e.message} ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    return `${where} ${e.message}`;
  });
}

/** Validator for whole resources of the CRD's kind (apiVersion, kind, metadata and the CRD's spec schema). */
export function crdResourceValidator(crdYaml: string, version = "v1alpha1"): Validator {
  const crd = parseYaml(crdYaml);
  const served = crd?.spec?.versions?.find((v: any) => v.name === version);
  const openApi = served?.schema?.openAPIV3Schema;
  if (!openApi) throw new SchemaError(`CRD has no openAPIV3Schema for version ${version}`);
  const strict = mapSchema(openApi, (node) => {
    const { ["x-kubernetes-preserve-unknown-fields"]: keepUnknown, ...rest } = node;
    for (const key of Object.keys(rest)) if (key.startsWith("x-kubernetes-")) delete rest[key];
    // What the API server would prune (an object with declared properties that does not keep unknown fields).
    if (rest.properties && !keepUnknown && rest.additionalProperties === undefined) rest.additionalProperties = false;
    return rest;
  });
  const resourceSchema = {
    type: "object",
    required: ["apiVersion", "kind", "metadata", "spec"],
    additionalProperties: false,
    properties: {
      ...strict.properties,
      apiVersion: { const: `${crd.spec.group}/${version}` },
      kind: { const: crd.spec.names.kind },
      metadata: {
        type: "object",
        required: ["name"],
        properties: {
          // DNS-1123 subdomain, what Kubernetes requires of object names.
          name: { type: "string", maxLength: 253, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" },
          namespace: { type: "string", maxLength: 63, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
          labels: { type: "object", additionalProperties: { type: "string", maxLength: 63 } },
          annotations: { type: "object", additionalProperties: { type: "string" } },
        },
        additionalProperties: false,
      },
    },
  };
  const ajv = newAjv();
  return asValidator(ajv.compile(resourceSchema), crd.spec.names.kind);
}

/** Higress spec.yaml keywords that only drive the console's form; they carry no validation meaning. */
const DISPLAY_ONLY = new Set(["scope", "example"]);

/** Validator for a plugin config against an OpenAPI 3 schema from spec.yaml. */
export function configSchemaValidator(openApiSchema: unknown, label: string): Validator {
  const jsonSchema = mapSchema(openApiSchema, (node) =>
    Object.fromEntries(Object.entries(node).filter(([key]) => !DISPLAY_ONLY.has(key) && !key.startsWith("x-"))),
  );
  const ajv = newAjv();
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(jsonSchema);
  } catch (e) {
    throw new SchemaError(`${label}: the schema itself is invalid: ${(e as Error).message}`);
  }
  return asValidator(validate, "config");
}
