// A proxy_get_property path resolved once to the getters that answer it. Paths are NUL-separated
// segments ("xds\0route_name"); a plugin reads the same few on every request, so the host works out
// once which value a path names and afterwards only calls the getter.
import type { StreamInfo } from "../stream/stream-info.ts";
import type { PluginIdentity } from "./context.ts";

/** Bytes, or a string standing for its UTF-8 bytes; undefined: the property does not exist. */
export type PropertyBytes = Uint8Array | string | undefined;

export interface PropertyPath {
  /** Set when the path names a property of the plugin (readable from every context). */
  readonly plugin: ((plugin: PluginIdentity) => string) | null;
  /** What the path names on a stream (only stream contexts have one). */
  readonly stream: (info: StreamInfo) => PropertyBytes;
}

/** Splits a path into its segments; one trailing NUL (as some SDKs send) ends the path. */
export function splitPath(path: string): string[] {
  const parts = path.split("\0");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

const PLUGIN_PROPERTIES = new Map<string, (plugin: PluginIdentity) => string>([
  ["plugin_name", (p) => p.name],
  ["plugin_root_id", (p) => p.rootId],
  ["plugin_vm_id", (p) => p.vmId],
  ["node\0id", (p) => p.node.id],
  ["node\0cluster", (p) => p.node.cluster],
]);

/** The getter of a plugin property named by `parts`, or null. */
export function pluginGetter(parts: readonly string[]): ((plugin: PluginIdentity) => string) | null {
  return PLUGIN_PROPERTIES.get(parts.join("\0")) ?? null;
}
