// The guard every driver puts before a suite that loads plugin modules. A missing module is a build
// failure, never a skip: `make test` builds every plugin the suite ships.
import { existsSync } from "node:fs";
import { it } from "vitest";
import { wasmPath } from "../../host/testing/index.ts";

/**
 * Call inside a describe. When any of `plugins` has no build/<name>.wasm, registers one test,
 * `has <what> built`, that fails naming the missing files, and returns false so the caller registers
 * nothing else.
 */
export function pluginsBuilt(plugins: readonly string[], what = "its plugins"): boolean {
  const missing = [...new Set(plugins)].map(wasmPath).filter((f) => !existsSync(f));
  if (missing.length === 0) return true;
  it(`has ${what} built`, () => {
    throw new Error(`plugin module(s) not built: ${missing.join(", ")}`);
  });
  return false;
}
