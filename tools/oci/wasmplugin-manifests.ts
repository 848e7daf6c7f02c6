// Generates, per plugin, a Higress WasmPlugin (extensions.higress.io) and an Istio WasmPlugin
// (extensions.istio.io) from the plugin's spec.yaml (name, version, phase, priority) and its
// examples/wasmplugin.yaml (defaultConfig, matchRules). Nothing about a plugin is written twice.
//
// Istio has no matchRules: per-route config travels inside the plugin config as Higress's `_rules_`
// convention, which the plugins read themselves (`ingress` → `_match_route_`, `domain` → `_match_domain_`,
// `service` → `_match_service_`, then the rule's config fields).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { stringify } from "yaml";
import { listPluginNames, readPluginExamples, readPluginSource, type PluginExamples, type PluginSource } from "./plugin-source.ts";
import { displayReference, isValidTag, parseRegistry, tagFor } from "./registry-ref.ts";
import { configSchemaValidator, crdResourceValidator, type Validator } from "./schema-validation.ts";

export const HIGRESS_NAMESPACE = "higress-system";
export const ISTIO_NAMESPACE = "istio-system";
/** Istio's default ingress gateway pods carry this label. */
export const ISTIO_GATEWAY_SELECTOR = { istio: "ingressgateway" };
/** What the checked-in deploy/ files point at; `make manifests REGISTRY=…` renders real ones. */
export const PLACEHOLDER_REGISTRY = "registry.example.com/ai-gateway";

export class ManifestError extends Error {}

export interface GenerateOptions {
  pluginsDir: string;
  outDir: string;
  registry: string;
  /** Image tag for every plugin; default each plugin's version. */
  tag?: string;
  /** The Higress WasmPlugin CRD; when given, every Higress resource must validate against it. */
  crdYaml?: string;
}

export interface GeneratedManifest {
  name: string;
  higressPath: string;
  istioPath: string;
  higress: Record<string, any>;
  /** Absent for a plugin that does not load on Istio (spec.yaml `info.x-gateways`). */
  istio?: Record<string, any>;
}

export function higressWasmPlugin(plugin: PluginSource, examples: PluginExamples, url: string): Record<string, any> {
  return {
    apiVersion: "extensions.higress.io/v1alpha1",
    kind: "WasmPlugin",
    metadata: { name: plugin.name, namespace: HIGRESS_NAMESPACE, labels: labelsFor(plugin) },
    spec: {
      url,
      phase: plugin.phase,
      priority: plugin.priority,
      defaultConfig: examples.defaultConfig,
      matchRules: examples.matchRules,
    },
  };
}

export function istioWasmPlugin(plugin: PluginSource, examples: PluginExamples, url: string): Record<string, any> {
  if ("_rules_" in examples.defaultConfig) {
    throw new ManifestError(`${plugin.name}: defaultConfig must not contain _rules_; write per-route config as matchRules`);
  }
  return {
    apiVersion: "extensions.istio.io/v1alpha1",
    kind: "WasmPlugin",
    metadata: { name: plugin.name, namespace: ISTIO_NAMESPACE, labels: labelsFor(plugin) },
    spec: {
      selector: { matchLabels: ISTIO_GATEWAY_SELECTOR },
      url,
      phase: plugin.phase,
      priority: plugin.priority,
      pluginConfig: { ...examples.defaultConfig, _rules_: examples.matchRules.map((rule, i) => toIstioRule(plugin.name, rule, i)) },
    },
  };
}

function toIstioRule(name: string, rule: Record<string, any>, index: number): Record<string, unknown> {
  const where = `${name}: matchRules[${index}]`;
  if (rule.configDisable) throw new ManifestError(`${where}: configDisable has no Istio equivalent; leave the rule out instead`);
  if (rule.routeType !== undefined) throw new ManifestError(`${where}: routeType has no Istio equivalent`);
  const matchers: Record<string, unknown> = {};
  if (rule.ingress?.length) matchers._match_route_ = rule.ingress;
  if (rule.domain?.length) matchers._match_domain_ = rule.domain;
  if (rule.service?.length) matchers._match_service_ = rule.service;
  if (Object.keys(matchers).length === 0) throw new ManifestError(`${where}: names no ingress, domain or service, so it would match nothing`);
  return { ...matchers, ...(rule.config ?? {}) };
}

function labelsFor(plugin: PluginSource): Record<string, string> {
  return { "app.kubernetes.io/name": plugin.name, "app.kubernetes.io/version": plugin.version, "app.kubernetes.io/part-of": "ai-gateway-wasm" };
}

/** Checks the example config against the plugin's own schemas: defaultConfig ↔ configSchema, rule configs ↔ routeConfigSchema. */
export function validateExamples(plugin: PluginSource, examples: PluginExamples): string[] {
  const specPath = `${plugin.name}/spec.yaml`;
  const global = configSchemaValidator(plugin.spec.spec.configSchema.openAPIV3Schema, `${specPath} configSchema`);
  const routeSchema = plugin.spec.spec.routeConfigSchema?.openAPIV3Schema;
  const perRoute = routeSchema ? configSchemaValidator(routeSchema, `${specPath} routeConfigSchema`) : global;
  const problems = global(examples.defaultConfig).map((p) => `defaultConfig: ${p}`);
  examples.matchRules.forEach((rule, i) => {
    if (rule.config !== undefined) problems.push(...perRoute(rule.config).map((p) => `matchRules[${i}].config: ${p}`));
  });
  return problems;
}

export function renderYaml(resource: Record<string, any>, header: string[]): string {
  return header.map((line) => `# ${line}\n`).join("") + stringify(resource, { lineWidth: 0, aliasDuplicateObjects: false });
}

const GENERATED_MARK = "Generated by `make manifests`";

export function generateManifests(options: GenerateOptions): GeneratedManifest[] {
  const registry = parseRegistry(options.registry);
  if (options.tag !== undefined && !isValidTag(options.tag)) throw new ManifestError(`TAG "${options.tag}" is not a valid OCI tag`);
  const crdValidator: Validator | undefined = options.crdYaml ? crdResourceValidator(options.crdYaml) : undefined;
  const generated: GeneratedManifest[] = [];
  for (const name of listPluginNames(options.pluginsDir)) {
    // The build dir is irrelevant here: manifests need no module.
    const plugin = readPluginSource(options.pluginsDir, name, "");
    const examples = readPluginExamples(plugin);
    const problems = validateExamples(plugin, examples);
    if (problems.length) throw new ManifestError(`${name}: examples/wasmplugin.yaml does not satisfy spec.yaml:\n  ${problems.join("\n  ")}`);
    const tag = options.tag ?? plugin.version;
    const higress = higressWasmPlugin(plugin, examples, `oci://${displayReference(registry, name, tagFor(tag, "higress"))}`);
    const crdProblems = crdValidator?.(higress) ?? [];
    if (crdProblems.length) throw new ManifestError(`${name}: the Higress WasmPlugin does not validate against the CRD:\n  ${crdProblems.join("\n  ")}`);
    const istio = plugin.gateways.includes("istio")
      ? istioWasmPlugin(plugin, examples, `oci://${displayReference(registry, name, tagFor(tag, "istio"))}`)
      : undefined;
    generated.push({ name, higressPath: join(options.outDir, "higress", `${name}.yaml`), istioPath: join(options.outDir, "istio", `${name}.yaml`), higress, istio });
  }
  writeGenerated(options, generated);
  return generated;
}

function writeGenerated(options: GenerateOptions, generated: GeneratedManifest[]): void {
  for (const flavour of ["higress", "istio"]) {
    const dir = join(options.outDir, flavour);
    mkdirSync(dir, { recursive: true });
    // Files this generator wrote for plugins that are gone; hand-written files are left alone.
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
      const path = join(dir, file);
      const current = generated.some((g) => g.higressPath === path || (g.istio && g.istioPath === path));
      if (!current && readFileSync(path, "utf8").includes(GENERATED_MARK)) rmSync(path);
    }
  }
  for (const g of generated) {
    // Named from the plugins folder's parent ("plugins/<name>/…"), so the text does not depend on where the repo lives.
    const base = dirname(resolve(options.pluginsDir));
    const sources = [join(g.name, "spec.yaml"), join(g.name, "examples", "wasmplugin.yaml")].map((p) => relative(base, join(resolve(options.pluginsDir), p)));
    const header = [`${GENERATED_MARK} from ${sources.join(" and ")}. Do not edit.`];
    writeIfChanged(g.higressPath, renderYaml(g.higress, header));
    if (g.istio) writeIfChanged(g.istioPath, renderYaml(g.istio, header));
  }
}

/** Keeps file times when nothing changed, so make does not see the deploy folder as always new. */
function writeIfChanged(path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, "utf8") === text) return;
  writeFileSync(path, text);
}
