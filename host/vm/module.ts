// Loads a plugin module the way Envoy's loader (proxy-wasm-cpp-host) does: the ABI marker export picks
// the ABI version, imports must all be host functions with the exact signature, and the module must
// export an allocator. Node's WebAssembly API does not reflect import signatures, so the import and type
// sections are read here directly (a few dozen lines; no npm package reads them without pulling in a
// whole toolkit).
import { createHash } from "node:crypto";
import type { AbiVersion } from "../abi/constants.ts";
import { formatSig, hostFunctionTable, type FuncSig, type ValType } from "../abi/signatures.ts";

export class ModuleLoadError extends Error {
  override name = "ModuleLoadError";
}

export interface ImportEntry { module: string; name: string; kind: "func" | "table" | "memory" | "global" | "tag"; sig?: FuncSig }

export interface LoadedModule {
  module: WebAssembly.Module;
  abi: AbiVersion;
  imports: ImportEntry[];
  exports: Set<string>;
  size: number;
  /** sha256 of the bytes: Envoy's VM key includes the code, so equal code shares nothing else. */
  sha256: string;
}

const VALTYPES: Record<number, ValType> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64" };

class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array, private readonly end = b.length) {}
  get done() { return this.pos >= this.end; }
  byte(): number {
    if (this.pos >= this.end) throw new ModuleLoadError("malformed module: unexpected end");
    return this.b[this.pos++];
  }
  u32(): number {
    let result = 0, shift = 0, byte;
    do {
      byte = this.byte();
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80 && shift < 35);
    return result >>> 0;
  }
  name(): string {
    const len = this.u32();
    const s = Buffer.from(this.b.buffer, this.b.byteOffset + this.pos, len).toString("utf8");
    this.pos += len;
    return s;
  }
  skip(n: number) { this.pos += n; }
  limits() { const flags = this.u32(); this.u32(); if (flags & 1) this.u32(); }
}

function readImports(bytes: Uint8Array): ImportEntry[] {
  const r = new Reader(bytes);
  r.skip(8); // magic + version
  const types: FuncSig[] = [];
  const imports: ImportEntry[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        const form = r.byte();
        if (form !== 0x60) throw new ModuleLoadError(`malformed module: type form 0x${form.toString(16)}`);
        const params = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? ("other" as ValType));
        const results = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? ("other" as ValType));
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        if (kind === 0) imports.push({ module, name, kind: "func", sig: types[r.u32()] });
        else if (kind === 1) { r.byte(); r.limits(); imports.push({ module, name, kind: "table" }); }
        else if (kind === 2) { r.limits(); imports.push({ module, name, kind: "memory" }); }
        else if (kind === 3) { r.byte(); r.byte(); imports.push({ module, name, kind: "global" }); }
        else { r.u32(); r.u32(); imports.push({ module, name, kind: "tag" }); }
      }
      return imports; // the import section follows the type section; nothing after it matters here
    }
    r.pos = end;
  }
  return imports;
}

const sameSig = (a: FuncSig, b: FuncSig) =>
  a.params.length === b.params.length && a.results.length === b.results.length &&
  a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);

/** Validates and compiles a plugin module; throws ModuleLoadError with Envoy's reason otherwise. */
export function loadModule(bytes: Uint8Array, opts: { higress?: boolean } = {}): LoadedModule {
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    throw new ModuleLoadError(`Failed to load Wasm code: ${(e as Error).message}`);
  }
  const exports = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  let abi: AbiVersion;
  if (exports.has("proxy_abi_version_0_2_1")) abi = "0.2.1";
  else if (exports.has("proxy_abi_version_0_2_0")) abi = "0.2.0";
  else if (exports.has("proxy_abi_version_0_1_0")) throw new ModuleLoadError("Wasm module has unsupported ABI version 0.1.0 (removed from Envoy)");
  else throw new ModuleLoadError("Wasm module has no proxy_abi_version_* export: it is not a proxy-wasm module");

  const table = hostFunctionTable(abi, !!opts.higress);
  const imports = readImports(bytes);
  for (const imp of imports) {
    const qualified = `${imp.module}.${imp.name}`;
    if (imp.kind === "memory") continue;
    if (imp.kind !== "func") throw new ModuleLoadError(`Failed to load Wasm module due to a missing import: ${qualified}`);
    const host = table.get(qualified);
    if (!host) throw new ModuleLoadError(`Failed to load Wasm module due to a missing import: ${qualified}`);
    if (!sameSig(imp.sig!, host)) {
      throw new ModuleLoadError(
        `Failed to load Wasm module due to an import type mismatch: ${qualified}, want: ${formatSig(imp.sig!)}, but host exports: ${formatSig(host)}`,
      );
    }
  }
  if (!exports.has("malloc") && !exports.has("proxy_on_memory_allocate")) {
    throw new ModuleLoadError("Wasm module is missing malloc function.");
  }
  if (!exports.has("memory")) throw new ModuleLoadError("Wasm module does not export its memory");
  return { module, abi, imports, exports, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}
