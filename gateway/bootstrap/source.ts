// A bootstrap file as parsed YAML plus a way back from a field path to its line and column, so every
// configuration error can say where it is (`envoy/envoy.yaml:42:9: static_resources.listeners[0]...`).
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from "yaml";

export type PathSegment = string | number;

/** `a.b[0].c` from ["a", "b", 0, "c"]. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || "(root)";
}

/** A configuration problem, named by the YAML path of the field at fault. */
export class BootstrapError extends Error {
  override name = "BootstrapError";
  constructor(readonly path: readonly PathSegment[], readonly problem: string, readonly where = "") {
    super(`${where ? `${where}: ` : ""}${formatPath(path)}: ${problem}`);
  }
}

export class BootstrapSource {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly root: Node | null,
    private readonly lines: LineCounter | null,
  ) {}

  /** Parses YAML (or JSON, a subset of it). Syntax errors become BootstrapErrors with a position. */
  static parse(text: string, file = "<config>"): BootstrapSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
    if (doc.errors.length) {
      const e = doc.errors[0];
      const pos = e.linePos?.[0];
      throw new BootstrapError([], `not valid YAML: ${e.message.split("\n")[0]}`, pos ? `${file}:${pos.line}:${pos.col}` : file);
    }
    return new BootstrapSource(file, doc.toJS({ maxAliasCount: 100 }), (doc.contents as Node | null) ?? null, lines);
  }

  /** A bootstrap given as an object (tests, generated configs): errors name the path only. */
  static fromObject(value: unknown, file = "<object>"): BootstrapSource {
    return new BootstrapSource(file, value, null, null);
  }

  /** `file:line:col` of the field at `path` (its key when it is a map entry), or just the file name. */
  where(path: readonly PathSegment[]): string {
    if (!this.root || !this.lines) return this.file;
    let node: Node | null = this.root;
    let offset = node.range?.[0];
    for (const seg of path) {
      if (!node) break;
      if (typeof seg === "number" && isSeq(node)) {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        node = item;
        offset = item.range?.[0] ?? offset;
      } else if (typeof seg === "string" && isMap(node)) {
        const pair: Pair<unknown, unknown> | undefined = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = (pair.value as Node | null) ?? null;
      } else {
        break;
      }
    }
    if (offset === undefined) return this.file;
    const pos = this.lines.linePos(offset);
    return `${this.file}:${pos.line}:${pos.col}`;
  }

  error(path: readonly PathSegment[], problem: string): BootstrapError {
    return new BootstrapError(path, problem, this.where(path));
  }
}
