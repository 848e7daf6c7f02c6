// Finds the shipped plugins and reads their one source of truth, plugins/<name>/spec.yaml (Higress's plugin
// metadata format), plus the files that go into the image and the example WasmPlugin config.
//
// A shipped plugin is a directory plugins/<name>/ with a spec.yaml; its module is <buildDir>/<name>.wasm.
// plugins/common and plugins/testing are never plugins, whatever they contain.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { Ajv } from "ajv";
import { describeErrors } from "./schema-validation.ts";

/** The gateways a plugin can run on; each gets its own image variant. */
export type ImageVariant = "higress" | "istio";
export const VARIANTS: readonly ImageVariant[] = ["higress", "istio"];

export const PHASES = ["UNSPECIFIED_PHASE", "AUTHN", "AUTHZ", "STATS"] as const;
export type Phase = (typeof PHASES)[number];

const NOT_PLUGINS = new Set(["common", "testing"]);

/** What a plugin's spec.yaml must contain for the images and manifests to be built from it. */
const SPEC_YAML_SCHEMA = {
  type: "object",
  required: ["apiVersion", "info", "spec"],
  properties: {
    apiVersion: { const: "1.0.0" },
    info: {
      type: "object",
      required: ["category", "name", "title", "description", "version", "contact"],
      properties: {
        category: { type: "string", minLength: 1 },
        name: { type: "string", minLength: 1 },
        title: { type: "string", minLength: 1 },
        description: { type: "string", minLength: 1 },
        // Becomes the default image tag, so it must be a valid OCI tag.
        version: { type: "string", pattern: "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$" },
        contact: { type: "object" },
        // An extension of ours (x- like Higress's own x-title-i18n): the gateways whose Envoy provides
        // every host function the module imports. Absent means both.
        "x-gateways": { type: "array", minItems: 1, uniqueItems: true, items: { enum: [...VARIANTS] }, contains: { const: "higress" } },
      },
    },
    spec: {
      type: "object",
      required: ["phase", "priority", "configSchema"],
      properties: {
        phase: { enum: [...PHASES] },
        priority: { type: "integer" },
        configSchema: { type: "object", required: ["openAPIV3Schema"], properties: { openAPIV3Schema: { type: "object" } } },
        routeConfigSchema: { type: "object", required: ["openAPIV3Schema"], properties: { openAPIV3Schema: { type: "object" } } },
      },
    },
  },
} as const;

/** plugins/<name>/examples/wasmplugin.yaml: the example config shipped in the generated WasmPlugins. */
const EXAMPLES_SCHEMA = {
  type: "object",
  required: ["defaultConfig", "matchRules"],
  additionalProperties: false,
  properties: {
    defaultConfig: { type: "object" },
    matchRules: { type: "array", minItems: 1, items: { type: "object" } },
  },
} as const;

const metaAjv = new Ajv({ allErrors: true, strict: true });
const validateSpecYaml = metaAjv.compile(SPEC_YAML_SCHEMA);
const validateExamples = metaAjv.compile(EXAMPLES_SCHEMA);

export interface ImageFile {
  /** File name inside the image (also the layer's title annotation). */
  name: string;
  bytes: Uint8Array;
}

export interface PluginSource {
  /** Directory name == image repository name == WasmPlugin metadata.name. */
  name: string;
  dir: string;
  version: string;
  phase: Phase;
  priority: number;
  title: string;
  description: string;
  /** Where the module loads: every plugin runs on Higress; Istio's Envoy lacks Higress's extensions. */
  gateways: readonly ImageVariant[];
  /** The parsed spec.yaml (for the config schemas). */
  spec: any;
  specYaml: ImageFile;
  /** README.md first, then README_<LANG>.md sorted by name. */
  readmes: ImageFile[];
  icon?: ImageFile;
  wasmPath: string;
}

export interface PluginExamples {
  defaultConfig: Record<string, unknown>;
  matchRules: Record<string, unknown>[];
}

export class PluginSourceError extends Error {}

/** Names of the directories under pluginsDir that hold a spec.yaml, sorted. */
export function listPluginNames(pluginsDir: string): string[] {
  if (!existsSync(pluginsDir)) throw new PluginSourceError(`plugins directory ${pluginsDir} does not exist`);
  return readdirSync(pluginsDir)
    .filter((name) => !NOT_PLUGINS.has(name))
    .filter((name) => statSync(join(pluginsDir, name)).isDirectory() && existsSync(join(pluginsDir, name, "spec.yaml")))
    .sort();
}

export function readPluginSource(pluginsDir: string, name: string, buildDir: string): PluginSource {
  const dir = join(pluginsDir, name);
  const specPath = join(dir, "spec.yaml");
  const specBytes = readFileSync(specPath);
  const spec = parseYamlFile(specPath, specBytes.toString("utf8"));
  if (!validateSpecYaml(spec)) throw new PluginSourceError(`${specPath}: ${describeErrors(validateSpecYaml.errors, "spec.yaml").join("; ")}`);
  const declaredName = baseName(spec.info.name);
  if (declaredName !== name) {
    throw new PluginSourceError(`${specPath}: info.name "${spec.info.name}" does not name this directory (${name})`);
  }
  const readmePath = join(dir, "README.md");
  if (!existsSync(readmePath)) throw new PluginSourceError(`${dir}: README.md is missing (the Higress image needs it)`);
  const translated = readdirSync(dir)
    .filter((f) => /^README_[A-Za-z]+\.md$/.test(f))
    .sort();
  const iconPath = join(dir, "icon.png");
  return {
    name,
    dir,
    version: spec.info.version,
    phase: spec.spec.phase,
    priority: spec.spec.priority,
    title: spec.info.title,
    description: spec.info.description,
    gateways: spec.info["x-gateways"] ?? VARIANTS,
    spec,
    specYaml: { name: "spec.yaml", bytes: new Uint8Array(specBytes) },
    readmes: ["README.md", ...translated].map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) })),
    icon: existsSync(iconPath) ? { name: "icon.png", bytes: new Uint8Array(readFileSync(iconPath)) } : undefined,
    wasmPath: join(buildDir, `${name}.wasm`),
  };
}

/** Reads build/<name>.wasm and refuses anything the engine would refuse. */
export function readPluginWasm(plugin: PluginSource): Uint8Array {
  if (!existsSync(plugin.wasmPath)) {
    throw new PluginSourceError(`${plugin.wasmPath} is missing: run \`make build\` (or node scripts/build.mjs ${plugin.name}) first`);
  }
  const bytes = new Uint8Array(readFileSync(plugin.wasmPath));
  if (!WebAssembly.validate(bytes)) throw new PluginSourceError(`${plugin.wasmPath} is not a valid WebAssembly module`);
  return bytes;
}

export function readPluginExamples(plugin: PluginSource): PluginExamples {
  const path = join(plugin.dir, "examples", "wasmplugin.yaml");
  if (!existsSync(path)) {
    throw new PluginSourceError(`${path} is missing: it holds the defaultConfig and matchRules the generated WasmPlugins ship`);
  }
  const examples = parseYamlFile(path, readFileSync(path, "utf8"));
  if (!validateExamples(examples)) throw new PluginSourceError(`${path}: ${describeErrors(validateExamples.errors, "examples").join("; ")}`);
  return examples as PluginExamples;
}

/** Higress recommends names like "key-auth/v1"; the version suffix is not part of the resource name. */
function baseName(infoName: string): string {
  return infoName.replace(/\/v\d+$/, "");
}

function parseYamlFile(path: string, text: string): any {
  try {
    return parseYaml(text);
  } catch (e) {
    throw new PluginSourceError(`${path}: not valid YAML: ${(e as Error).message}`);
  }
}
