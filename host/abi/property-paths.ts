// proxy_get_property paths as the module sends them. A plugin asks for the same few paths on every
// request, so each distinct path is decoded, split and resolved to its getters once, and found again
// by comparing its bytes in guest memory: no string decoding, no table lookup by name per call.
import { streamGetter } from "../stream/properties.ts";
import { pluginGetter, splitPath, type PropertyPath } from "../vm/property-path.ts";

function resolvePath(path: string): PropertyPath {
  const parts = splitPath(path);
  return { plugin: pluginGetter(parts), stream: streamGetter(parts) };
}

export class PropertyPaths {
  private readonly bytes: Uint8Array[] = [];
  private readonly resolved: PropertyPath[] = [];

  /** Paths beyond this many are resolved on every call rather than remembered (bounded memory). */
  constructor(private readonly capacity = 64) {}

  /** The resolved path at src[start, start+len). */
  lookup(src: Uint8Array, start: number, len: number): PropertyPath {
    const known = this.bytes;
    outer: for (let i = 0; i < known.length; i++) {
      const b = known[i];
      if (b.length !== len) continue;
      for (let j = 0; j < len; j++) if (b[j] !== src[start + j]) continue outer;
      return this.resolved[i];
    }
    const copy = new Uint8Array(src.subarray(start, start + len));
    const path = resolvePath(Buffer.from(copy.buffer, 0, len).toString("utf8"));
    if (known.length < this.capacity) {
      known.push(copy);
      this.resolved.push(path);
    }
    return path;
  }
}
