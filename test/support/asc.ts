// Compiles a test-only AssemblyScript module (not shipped, not in asconfig.json) for a test file.
// Uses the project's asconfig.json options so test modules are built like the plugins are.
import asc from "assemblyscript/asc";
import { mkdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Compiles `entry` (path relative to the project root) to build/test/<name>.wasm and returns its bytes. */
export async function compileTestModule(entry: string, name: string, extraArgs: string[] = []): Promise<Uint8Array> {
  const outFile = join("build", "test", `${name}.wasm`);
  mkdirSync(join(ROOT, "build", "test"), { recursive: true });
  let stderr = "";
  const { error } = await asc.main(
    [entry, "--config", "asconfig.json", "--target", "test", "-o", outFile, ...extraArgs],
    {
      stdout: { write: () => true } as any,
      stderr: { write: (s: string) => ((stderr += s), true) } as any,
      readFile: (f: string, baseDir: string) => {
        const p = resolve(baseDir, f);
        return existsSync(p) && statSync(p).isFile() ? readFileSync(p, "utf8") : null;
      },
      writeFile: undefined,
    } as any,
  );
  if (error) throw new Error(`asc ${entry}: ${error.message}\n${stderr}`);
  return new Uint8Array(readFileSync(join(ROOT, outFile)));
}

/**
 * Compiles a test harness (see compileTestModule), instantiates it with `imports` and runs its start
 * function: the harness's exports, typed as the test declares them.
 */
export async function loadTestHarness<H>(entry: string, name: string, imports: WebAssembly.Imports = {}): Promise<H> {
  const bytes = await compileTestModule(entry, name);
  const { instance } = await WebAssembly.instantiate(bytes as BufferSource, imports);
  const exports = instance.exports as { _initialize?: () => void };
  exports._initialize?.();
  return exports as unknown as H;
}
