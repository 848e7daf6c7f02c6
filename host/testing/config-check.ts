// What a plugin logs about its configuration, as its tests check it: the one error line of a refused
// configuration, or the warnings of an accepted one. `load` builds the gateway the plugin's tests use.
import { PluginConfigError } from "../plugin.ts";
import type { TestGateway } from "./index.ts";

/** The line the plugin logged when it refused the configuration `load` gives it; throws if it was accepted. */
export function refusalLine(load: () => TestGateway, config: unknown): string {
  let gw: TestGateway;
  try {
    gw = load();
  } catch (e) {
    if (!(e instanceof PluginConfigError)) throw e;
    const errors = e.logs.filter((r) => r.level === "error").map((r) => r.message);
    if (errors.length !== 1) throw new Error(`expected one error line, got: ${JSON.stringify(errors)}`);
    return errors[0];
  }
  gw.close();
  throw new Error(`configuration was accepted: ${JSON.stringify(config)}`);
}

/** The warnings logged while the configuration was accepted (each VM logs them; listed once). */
export function warningLines(load: () => TestGateway): string[] {
  const gw = load();
  try {
    return [...new Set(gw.logs.records.filter((r) => r.level === "warn").map((r) => r.message))];
  } finally {
    gw.close();
  }
}
