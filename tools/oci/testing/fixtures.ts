// Fixture plugins for the OCI tooling tests: real directories in the layout the tool reads
// (plugins/<name>/{spec.yaml, README.md, examples/wasmplugin.yaml}) and real, distinct Wasm modules
// in build/<name>.wasm, so nothing depends on which real plugins exist yet.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { stringify } from "yaml";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const CLI = join(ROOT, "tools", "oci", "cli.ts");

export interface FixturePlugin {
  name: string;
  phase: string;
  priority: number;
  version: string;
  /** Extra files in the plugin folder (README_EN.md, icon.png …), name → content. */
  extraFiles?: Record<string, string | Uint8Array>;
  defaultConfig?: Record<string, unknown>;
  matchRules?: Record<string, unknown>[];
  /** spec.yaml info.x-gateways, when set. */
  gateways?: string[];
}

export const KEY_AUTH_LIKE: FixturePlugin = {
  name: "demo-auth",
  phase: "AUTHN",
  priority: 310,
  version: "1.2.3",
  extraFiles: { "README_EN.md": "# Demo auth (English)\n", "icon.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) },
};
export const RATE_LIMIT_LIKE: FixturePlugin = { name: "demo-limit", phase: "UNSPECIFIED_PHASE", priority: 10, version: "0.4.0" };

export function specYamlFor(p: FixturePlugin): Record<string, unknown> {
  return {
    apiVersion: "1.0.0",
    info: {
      category: "auth",
      name: `${p.name}/v1`,
      title: `Fixture ${p.name}`,
      "x-title-i18n": { "zh-CN": "测试插件" },
      description: `Fixture plugin ${p.name} for the OCI tooling tests.`,
      version: p.version,
      contact: { name: "tests" },
      ...(p.gateways ? { "x-gateways": p.gateways } : {}),
    },
    spec: {
      phase: p.phase,
      priority: p.priority,
      configSchema: {
        openAPIV3Schema: {
          type: "object",
          properties: {
            consumers: {
              type: "array",
              scope: "GLOBAL",
              items: { type: "object", properties: { name: { type: "string" }, credential: { type: "string", minLength: 4 } }, required: ["name", "credential"] },
            },
            keys: { type: "array", items: { type: "string" }, example: ["x-api-key"] },
          },
          required: ["consumers"],
        },
      },
      routeConfigSchema: {
        openAPIV3Schema: { type: "object", properties: { allow: { type: "array", items: { type: "string" } } }, required: ["allow"] },
      },
    },
  };
}

/** Writes the fixture plugins under <root>/plugins and their modules under <root>/build; returns both paths. */
export async function writeFixtures(plugins: FixturePlugin[], root = mkdtempSync(join(tmpdir(), "oci-fixture-"))) {
  const pluginsDir = join(root, "plugins");
  const buildDir = join(root, "build");
  mkdirSync(buildDir, { recursive: true });
  // Not plugins even though they look like one: the tool must skip them.
  for (const ignored of ["common", "testing"]) {
    mkdirSync(join(pluginsDir, ignored), { recursive: true });
    writeFileSync(join(pluginsDir, ignored, "spec.yaml"), "apiVersion: 1.0.0\n");
  }
  for (const p of plugins) {
    const dir = join(pluginsDir, p.name);
    mkdirSync(join(dir, "examples"), { recursive: true });
    writeFileSync(join(dir, "spec.yaml"), stringify(specYamlFor(p)));
    writeFileSync(join(dir, "README.md"), `# ${p.name}\n\nFixture.\n`);
    for (const [file, content] of Object.entries(p.extraFiles ?? {})) writeFileSync(join(dir, file), content);
    writeFileSync(
      join(dir, "examples", "wasmplugin.yaml"),
      stringify({
        defaultConfig: p.defaultConfig ?? { consumers: [{ name: "consumer1", credential: "token-one" }], keys: ["x-api-key"] },
        matchRules: p.matchRules ?? [
          { ingress: ["default/chat"], config: { allow: ["consumer1"] } },
          { domain: ["*.example.com"], config: { allow: [] } },
        ],
      }),
    );
    writeFileSync(join(buildDir, `${p.name}.wasm`), await fixtureWasm(p.name));
  }
  return { root, pluginsDir, buildDir };
}

/** A valid module whose bytes differ per name (a data segment holding it, padded so gzip has work to do). */
export async function fixtureWasm(name: string): Promise<Uint8Array> {
  const wabt = await (await import("wabt")).default();
  const payload = `${name}:`.repeat(400);
  const module = wabt.parseWat(`${name}.wat`, `(module (memory (export "memory") 1) (data (i32.const 16) "${payload}") (func (export "_start")))`);
  return new Uint8Array(module.toBinary({}).buffer);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs tools/oci/cli.ts as `make` would, in a child process (exit codes are part of the contract). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
      cwd: ROOT,
      // No credentials leak in from the machine running the tests: HOME and DOCKER_CONFIG point nowhere useful.
      env: { PATH: process.env.PATH, HOME: join(tmpdir(), "oci-test-no-home"), DOCKER_CONFIG: join(tmpdir(), "oci-test-no-docker-config"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** Every file under dir (relative path → sha256 of its bytes): compares two trees, or one before and after. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else out[rel] = createHash("sha256").update(readFileSync(join(dir, rel))).digest("hex");
    }
  };
  walk("");
  return out;
}
