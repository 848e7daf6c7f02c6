// Command line for the OCI tooling (the make targets in oci.mk call it):
//   npx tsx tools/oci/cli.ts image     [--plugins DIR] [--build DIR] [--out DIR] [--source URL] [--revision REV] [--only a,b]
//   npx tsx tools/oci/cli.ts push      --registry HOST[:PORT]/NS [--tag TAG] [--layouts DIR] [--only a,b]
//   npx tsx tools/oci/cli.ts manifests [--plugins DIR] [--out DIR] [--registry HOST/NS] [--tag TAG] [--crd FILE]
// Exit codes: 0 done, 1 bad input (plugin sources, build output), 2 usage, 3 registry unreachable,
// 4 registry refused the credentials, 5 other registry error.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildPluginImages, type ProvenanceOptions } from "./image-builder.ts";
import { listLayouts, writeLayout } from "./oci-layout.ts";
import { listPluginNames, readPluginSource, readPluginWasm } from "./plugin-source.ts";
import { PushError, PushUsageError, pushAll } from "./push.ts";
import { parseRegistry, RegistryRefError } from "./registry-ref.ts";
import { CredentialsError } from "./credentials.ts";
import { generateManifests, PLACEHOLDER_REGISTRY } from "./wasmplugin-manifests.ts";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DEFAULT_CRD = join(REPO_ROOT, "..", "shared", "reference", "higress-wasmplugin-crd.yaml");

export const EXIT = { ok: 0, input: 1, usage: 2, unreachable: 3, auth: 4, registry: 5 } as const;

class UsageError extends Error {}

const USAGE = `usage:
  cli.ts image     [--plugins DIR] [--build DIR] [--out DIR] [--source URL] [--revision REV] [--only a,b]
  cli.ts push      --registry HOST[:PORT][/NAMESPACE] [--tag TAG] [--layouts DIR] [--only a,b]
  cli.ts manifests [--plugins DIR] [--out DIR] [--registry HOST[/NAMESPACE]] [--tag TAG] [--crd FILE]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      plugins: { type: "string", default: join(REPO_ROOT, "plugins") },
      build: { type: "string", default: join(REPO_ROOT, "build") },
      out: { type: "string" },
      layouts: { type: "string", default: join(REPO_ROOT, "build", "oci") },
      source: { type: "string" },
      revision: { type: "string" },
      only: { type: "string" },
      registry: { type: "string" },
      tag: { type: "string" },
      crd: { type: "string" },
    },
    strict: true,
  });
  const only = values.only ? values.only.split(",").filter(Boolean) : undefined;
  const tag = values.tag || undefined;
  switch (command) {
    case "image":
      return buildImages(values.plugins!, values.build!, values.out ?? join(REPO_ROOT, "build", "oci"), provenance(values.source, values.revision), only);
    case "push": {
      if (!values.registry) throw new UsageError("push needs --registry (make push REGISTRY=host[:port]/namespace)");
      const pushed = await pushAll({ registry: parseRegistry(values.registry), layoutsDir: values.layouts!, tag, only });
      console.log(`pushed ${pushed.length} images`);
      return EXIT.ok;
    }
    case "manifests": {
      const crdPath = values.crd ?? (existsSync(DEFAULT_CRD) ? DEFAULT_CRD : undefined);
      const outDir = values.out ?? join(REPO_ROOT, "deploy");
      const generated = generateManifests({
        pluginsDir: values.plugins!,
        outDir,
        registry: values.registry || PLACEHOLDER_REGISTRY,
        tag,
        crdYaml: crdPath ? readFileSync(crdPath, "utf8") : undefined,
      });
      const checked = crdPath ? `validated against ${relative(process.cwd(), crdPath)}` : "CRD schema not found, pass --crd to validate";
      for (const g of generated) if (!g.istio) console.log(`${g.name}: no Istio WasmPlugin (spec.yaml x-gateways: its module needs Higress's host extensions)`);
      const written = generated.reduce((n, g) => n + (g.istio ? 2 : 1), 0);
      console.log(`wrote ${written} WasmPlugins under ${relative(process.cwd(), outDir) || "."} (${checked})`);
      return EXIT.ok;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : "no command given");
  }
}

async function buildImages(pluginsDir: string, buildDir: string, outDir: string, prov: ProvenanceOptions, only?: string[]): Promise<number> {
  const all = listPluginNames(pluginsDir);
  const unknown = (only ?? []).filter((n) => !all.includes(n));
  if (unknown.length) throw new UsageError(`no plugin named ${unknown.join(", ")} under ${pluginsDir}`);
  const names = only ?? all;
  for (const name of names) {
    const plugin = readPluginSource(pluginsDir, name, buildDir);
    const built = await buildPluginImages(plugin, readPluginWasm(plugin), prov);
    const dir = writeLayout(outDir, built);
    const digests = built.images.map((i) => `${i.variant} ${i.manifest.digest}`).join(", ");
    console.log(`${name} ${plugin.version}: ${digests} -> ${relative(process.cwd(), dir)}`);
  }
  // Layouts of plugins that no longer exist would otherwise be pushed again.
  if (!only) for (const stale of listLayouts(outDir).filter((n) => !all.includes(n))) rmSync(join(outDir, stale), { recursive: true });
  if (names.length === 0) console.log(`no plugins (directories with a spec.yaml) under ${pluginsDir}`);
  return EXIT.ok;
}

/** Source and revision for the image annotations: flags first, then git. Never lets a token in a remote URL through. */
function provenance(source?: string, revision?: string): ProvenanceOptions {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && !/^\d+$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH "${epoch}" is not a number of seconds`);
  return {
    source: publicRepositoryUrl(source ?? git("config", "--get", "remote.origin.url")),
    revision: revision ?? git("rev-parse", "HEAD"),
    sourceDateEpoch: epoch === undefined ? undefined : Number(epoch),
  };
}

function git(...args: string[]): string | undefined {
  try {
    return execFileSync("git", ["-C", REPO_ROOT, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** git@host:owner/repo.git → https://host/owner/repo; strips user:token@ from https URLs. */
export function publicRepositoryUrl(remote?: string): string | undefined {
  if (!remote) return undefined;
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const url = new URL(remote);
    if (url.protocol === "file:") return undefined;
    url.username = "";
    url.password = "";
    return url.toString().replace(/\.git$/, "");
  } catch {
    return undefined;
  }
}

const isEntryPoint = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const { code, message } = classify(e);
      console.error(`error: ${message}`);
      if (code === EXIT.usage) console.error(USAGE);
      if (code === EXIT.unreachable || code === EXIT.auth || code === EXIT.registry) {
        console.error("the local image layouts were not changed; run the same command again to resume (blobs already pushed are skipped)");
      }
      process.exit(code);
    },
  );
}

function classify(e: unknown): { code: number; message: string } {
  const message = (e as Error)?.message ?? String(e);
  if (e instanceof PushError) return { code: EXIT[e.registryError.kind === "unreachable" ? "unreachable" : e.registryError.kind === "auth" ? "auth" : "registry"], message };
  if (e instanceof UsageError || e instanceof RegistryRefError || e instanceof PushUsageError) return { code: EXIT.usage, message };
  if (e instanceof CredentialsError) return { code: EXIT.auth, message };
  if ((e as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")) return { code: EXIT.usage, message };
  return { code: EXIT.input, message };
}
