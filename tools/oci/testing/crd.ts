// Locates the Higress WasmPlugin CRD the generated manifests are checked against. It is Higress's file and
// is not copied into this repository: it lives in shared/reference/ beside the repo (CI has it there), or
// wherever HIGRESS_CRD points. Missing means the test fails, never that it passes unchecked.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "./fixtures.ts";

/** shared/reference/<file> in the repository's parent or any directory above it (CI clones sit beside shared/). */
function besideRepo(dir: string): string[] {
  const out: string[] = [];
  for (let d = dirname(dir); ; d = dirname(d)) {
    out.push(join(d, "shared", "reference", "higress-wasmplugin-crd.yaml"));
    if (dirname(d) === d) return out;
  }
}

export function higressCrdPath(): string {
  const candidates = [process.env.HIGRESS_CRD, ...besideRepo(ROOT)].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`Higress WasmPlugin CRD not found (looked at ${candidates.join(", ")}); set HIGRESS_CRD=<path to higress-wasmplugin-crd.yaml>`);
  return found;
}

export function higressCrdYaml(): string {
  return readFileSync(higressCrdPath(), "utf8");
}
