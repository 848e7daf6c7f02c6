// proxy_get_property paths as the module sends them: NUL-separated segments ("xds\0route_name"). A
// plugin asks for the same few paths on every request, so each distinct path is decoded and split once
// and found again by comparing its bytes in guest memory: no string decoding, no array per call.

/** Splits a path into its segments; one trailing NUL (as some SDKs send) ends the path. */
export function splitPath(path: string): string[] {
  const parts = path.split("\0");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

export class PropertyPaths {
  private readonly bytes: Uint8Array[] = [];
  private readonly parts: (readonly string[])[] = [];

  /** Paths beyond this many are split on every call rather than remembered (bounded memory). */
  constructor(private readonly capacity = 64) {}

  /** The segments of the path at src[start, start+len); the array is shared: never change it. */
  lookup(src: Uint8Array, start: number, len: number): readonly string[] {
    const known = this.bytes;
    outer: for (let i = 0; i < known.length; i++) {
      const b = known[i];
      if (b.length !== len) continue;
      for (let j = 0; j < len; j++) if (b[j] !== src[start + j]) continue outer;
      return this.parts[i];
    }
    const copy = new Uint8Array(src.subarray(start, start + len));
    const parts = splitPath(Buffer.from(copy.buffer, 0, len).toString("utf8"));
    if (known.length < this.capacity) {
      known.push(copy);
      this.parts.push(parts);
    }
    return parts;
  }
}
