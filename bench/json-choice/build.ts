// Compiles every module of this benchmark with the project's asc options (asconfig.json, target
// "test", through test/support/asc.ts), so sizes and speeds are those a plugin build would get.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { compileTestModule, ROOT } from "../../test/support/asc.ts";

const DIR = "bench/json-choice/assembly";
/** A private copy of json-as with json-as+1.6.0.patch applied; the installed package is left alone. */
const PATCHED = "build/json-choice/patched";

interface ModuleSpec {
  entry: string;
  /** json-as needs its compiler transform; the other modules are built without it. */
  jsonAsTransform: boolean;
  /** Build against the patched json-as copy (entry relative to that copy's directory). */
  patched?: boolean;
}

export const MODULES = {
  baseline: { entry: `${DIR}/baseline.ts`, jsonAsTransform: false },
  asjson: { entry: `${DIR}/asjson.ts`, jsonAsTransform: false },
  "jsonas-dynamic": { entry: `${DIR}/jsonas-dynamic.ts`, jsonAsTransform: true },
  // The same harness compiled against the patched copy.
  "jsonas-patched": { entry: "src/jsonas-dynamic.ts", jsonAsTransform: true, patched: true },
  "jsonas-typed": { entry: `${DIR}/jsonas-typed.ts`, jsonAsTransform: true },
  example: { entry: `${DIR}/example-usage.ts`, jsonAsTransform: true },
  "size-empty": { entry: `${DIR}/size/empty.ts`, jsonAsTransform: false },
  "size-guard": { entry: `${DIR}/size/guard-only.ts`, jsonAsTransform: false },
  "plugin-none": { entry: `${DIR}/size/plugin-none.ts`, jsonAsTransform: false },
  "plugin-guard": { entry: `${DIR}/size/plugin-guard.ts`, jsonAsTransform: false },
  "plugin-asjson": { entry: `${DIR}/size/plugin-asjson.ts`, jsonAsTransform: false },
  "plugin-jsonas": { entry: `${DIR}/size/plugin-jsonas.ts`, jsonAsTransform: true },
} satisfies Record<string, ModuleSpec>;

export type ModuleName = keyof typeof MODULES;

export interface BuiltModule {
  bytes: Uint8Array;
  module: WebAssembly.Module;
  size: number;
  gzipSize: number;
}

/** Copies json-as and the harness sources under build/, then applies the proposed patch there. */
function preparePatchedJsonAs(): void {
  const target = join(ROOT, PATCHED);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, "node_modules"), { recursive: true });
  cpSync(join(ROOT, "node_modules", "json-as"), join(target, "node_modules", "json-as"), { recursive: true });
  cpSync(join(ROOT, DIR), join(target, "src"), { recursive: true });
  execFileSync("patch", ["-p1", "--quiet", "-d", target, "-i", join(ROOT, "bench", "json-choice", "json-as+1.6.0.patch")]);
}

/** asc resolves packages from its working directory first, so building inside the patched copy's
 *  directory makes `json-as` mean the patched one; everything else resolves up to the project's
 *  node_modules as usual. Same options as compileTestModule: asconfig.json, target "test". */
function compileAgainstPatchedJsonAs(entry: string, name: string): Uint8Array {
  const cwd = join(ROOT, PATCHED);
  const outFile = join(ROOT, "build", "test", `${name}.wasm`);
  const asc = join(ROOT, "node_modules", ".bin", "asc");
  const args = [entry, "--config", join(ROOT, "asconfig.json"), "--target", "test", "--transform", "json-as", "-o", outFile];
  execFileSync(asc, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  return new Uint8Array(readFileSync(outFile));
}

export async function buildAll(log: (line: string) => void): Promise<Record<ModuleName, BuiltModule>> {
  preparePatchedJsonAs();
  const built = {} as Record<ModuleName, BuiltModule>;
  for (const [name, spec] of Object.entries(MODULES) as [ModuleName, ModuleSpec][]) {
    const started = Date.now();
    const bytes = spec.patched
      ? compileAgainstPatchedJsonAs(spec.entry, `json-choice-${name}`)
      : await compileTestModule(spec.entry, `json-choice-${name}`, spec.jsonAsTransform ? ["--transform", "json-as"] : []);
    built[name] = { bytes, module: new WebAssembly.Module(new Uint8Array(bytes)), size: bytes.length, gzipSize: gzipSync(bytes, { level: 9 }).length };
    log(`built ${name} (${bytes.length} bytes) in ${Date.now() - started} ms`);
  }
  return built;
}
