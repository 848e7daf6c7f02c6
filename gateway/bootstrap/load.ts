// Reads an Envoy v3 bootstrap (YAML or JSON) into the gateway's model: parse, check every field against
// the supported subset, then the cross-field rules. Any problem throws a BootstrapError that names the
// file position and YAML path of the field at fault.
import { readFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { buildModel, type GatewayConfig, type ModelOptions } from "./model.ts";
import { Bootstrap } from "./schema.ts";
import { BootstrapError, BootstrapSource } from "./source.ts";
import { validate } from "./validate.ts";

export { BootstrapError } from "./source.ts";
export type * from "./model.ts";

export function loadBootstrapFile(file: string, opts: ModelOptions = {}): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new BootstrapError([], `cannot read the bootstrap: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
  const shown = relative(process.cwd(), file) || file;
  return loadBootstrapText(text, shown.startsWith("..") ? file : shown, opts);
}

export function loadBootstrapText(text: string, file = "<config>", opts: ModelOptions = {}): GatewayConfig {
  return fromSource(BootstrapSource.parse(text, file), opts);
}

/** A bootstrap built in code (tests, generated configs), checked exactly like a file. */
export function loadBootstrapObject(value: unknown, opts: ModelOptions = {}): GatewayConfig {
  return fromSource(BootstrapSource.fromObject(value), opts);
}

function fromSource(src: BootstrapSource, opts: ModelOptions): GatewayConfig {
  return buildModel(src, validate(src, Bootstrap), opts);
}

/** Envoy resolves relative file names against its working directory; the CLI keeps that. */
export const configDir = (file: string) => dirname(file);
