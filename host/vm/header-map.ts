// An HTTP header map kept as encoded bytes, ordered as Envoy orders it (pseudo-headers first, then the
// rest in insertion order), with lowercase keys. Guest calls copy these bytes straight into the module's
// memory; the pairs encoding of the whole map is cached until the map changes.
import type { BytePair } from "./pairs.ts";

const COLON = 0x3a;

/** Small copies by hand: a native copy costs more than a loop over a header name. */
function put(src: Uint8Array, dst: Uint8Array, at: number): number {
  const n = src.length;
  if (n > 32) dst.set(src, at);
  else for (let i = 0; i < n; i++) dst[at + i] = src[i];
  return at + n;
}

const STATUS_KEY = Buffer.from(":status");

/** src[start, start+len) with ASCII letters lowercased, in a Buffer of its own. */
function lowerRange(src: Uint8Array, start: number, len: number): Buffer {
  const out = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) {
    const c = src[start + i];
    out[i] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
  }
  return out;
}

/**
 * Index of the first of `names` (stored lowercase) that equals src[start, start+len) ignoring ASCII
 * case, from index `from`; -1 if none. Reading the name straight from guest memory spares a Buffer.
 */
function indexOfName(names: readonly Uint8Array[], src: Uint8Array, start: number, len: number, from = 0): number {
  outer: for (let i = from; i < names.length; i++) {
    const k = names[i];
    if (k.length !== len) continue;
    for (let j = 0; j < len; j++) {
      let c = src[start + j];
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      if (k[j] !== c) continue outer;
    }
    return i;
  }
  return -1;
}

/**
 * Header names as the maps store them (lowercased), each kept once. Plugins add the same few names on
 * every request, and a stored name is never modified in place, so maps can share one Buffer per name
 * instead of allocating a copy per call. Bounded: past `capacity` names the oldest gives way.
 */
class NameTable {
  private readonly names: Buffer[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  /** The stored form of the name at src[start, start+len). */
  lower(src: Uint8Array, start: number, len: number): Buffer {
    const names = this.names;
    const i = indexOfName(names, src, start, len);
    if (i >= 0) return names[i];
    const name = lowerRange(src, start, len);
    if (names.length < this.capacity) names.push(name);
    else names[this.next] = name;
    this.next = (this.next + 1) % this.capacity;
    return name;
  }
}

const NAMES = new NameTable(64);

/** src[start, start+len) in a Buffer of its own; short ranges by hand, as in `put`. */
function copyRange(src: Uint8Array, start: number, len: number): Buffer {
  const out = Buffer.allocUnsafe(len);
  if (len > 32) out.set(src.subarray(start, start + len));
  else for (let i = 0; i < len; i++) out[i] = src[start + i];
  return out;
}

export type HeaderInput = Iterable<readonly [string, string]> | Record<string, string | string[]>;

export class HeaderMap {
  private keys: Buffer[] = [];
  private values: Buffer[] = [];
  private pseudoCount = 0;
  private encoded: Buffer | null = null;

  static from(input: HeaderInput | HeaderMap | undefined): HeaderMap {
    if (input instanceof HeaderMap) return input;
    const map = new HeaderMap();
    if (!input) return map;
    const entries: Iterable<readonly [string, string | string[]]> =
      Symbol.iterator in Object(input) ? (input as Iterable<readonly [string, string]>) : Object.entries(input);
    for (const [k, v] of entries) {
      for (const one of Array.isArray(v) ? v : [v]) map.add(Buffer.from(k), Buffer.from(String(one)));
    }
    return map;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Sum of key and value lengths, Envoy's HeaderMap::byteSize(). */
  get byteSize(): number {
    let n = 0;
    for (let i = 0; i < this.keys.length; i++) n += this.keys[i].length + this.values[i].length;
    return n;
  }

  /** Index of the first entry whose key equals `key` ignoring ASCII case; -1 if none. */
  private indexOf(key: Uint8Array, from = 0): number {
    return this.indexOfRange(key, 0, key.length, from);
  }

  /** Index of the first entry whose key equals src[start, start+len) ignoring ASCII case; -1 if none. */
  indexOfRange(src: Uint8Array, start: number, len: number, from = 0): number {
    return indexOfName(this.keys, src, start, len, from);
  }

  /** The first value of the key at src[start, start+len), or undefined. */
  getRange(src: Uint8Array, start: number, len: number): Buffer | undefined {
    const i = this.indexOfRange(src, start, len);
    return i < 0 ? undefined : this.values[i];
  }

  /** Removes every entry of the key at src[start, start+len). */
  removeRange(src: Uint8Array, start: number, len: number): void {
    this.removeFrom(src, start, len, 0);
  }

  /** Removes the entries from index `from` on whose key is src[start, start+len). */
  private removeFrom(src: Uint8Array, start: number, len: number, from: number): void {
    for (let i = this.indexOfRange(src, start, len, from); i >= 0; i = this.indexOfRange(src, start, len, i)) {
      if (this.keys[i][0] === COLON) this.pseudoCount--;
      this.keys.splice(i, 1);
      this.values.splice(i, 1);
      this.encoded = null;
    }
  }

  /** The :status pseudo-header as a number (0 if absent or not digits), without building strings. */
  statusCode(): number {
    const i = this.indexOf(STATUS_KEY);
    if (i < 0) return 0;
    const v = this.values[i];
    let n = 0;
    for (let j = 0; j < v.length; j++) {
      const d = v[j] - 0x30;
      if (d < 0 || d > 9) return 0;
      n = n * 10 + d;
    }
    return n;
  }

  getBytes(key: Uint8Array): Buffer | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  get(name: string): string | undefined {
    return this.getBytes(Buffer.from(name))?.toString("utf8");
  }

  getAll(name: string): string[] {
    const key = Buffer.from(name);
    const out: string[] = [];
    for (let i = this.indexOf(key); i >= 0; i = this.indexOf(key, i + 1)) out.push(this.values[i].toString("utf8"));
    return out;
  }

  has(name: string): boolean {
    return this.indexOf(Buffer.from(name)) >= 0;
  }

  /** Adds a header read straight from guest memory: one copy each for the key (lowercased) and value. */
  addRange(src: Uint8Array, keyStart: number, keyLen: number, valueStart: number, valueLen: number): void {
    this.insert(NAMES.lower(src, keyStart, keyLen), copyRange(src, valueStart, valueLen));
  }

  /** Envoy's setCopy (see replace) with key and value read straight from guest memory. */
  replaceRange(src: Uint8Array, keyStart: number, keyLen: number, valueStart: number, valueLen: number): void {
    this.setCopy(src, keyStart, keyLen, copyRange(src, valueStart, valueLen));
  }

  /** The first entry of the key at src[start, start+len) takes `value` (already copied), later entries go; appended if absent. */
  private setCopy(src: Uint8Array, start: number, len: number, value: Buffer): void {
    const i = this.indexOfRange(src, start, len);
    if (i < 0) return this.insert(NAMES.lower(src, start, len), value);
    this.values[i] = value;
    this.encoded = null;
    this.removeFrom(src, start, len, i + 1);
  }

  private insert(k: Buffer, v: Buffer): void {
    if (k[0] === COLON) {
      this.keys.splice(this.pseudoCount, 0, k);
      this.values.splice(this.pseudoCount, 0, v);
      this.pseudoCount++;
    } else {
      this.keys.push(k);
      this.values.push(v);
    }
    this.encoded = null;
  }

  add(key: Uint8Array, value: Uint8Array): void {
    this.insert(lowerRange(key, 0, key.length), copyRange(value, 0, value.length));
  }

  remove(key: Uint8Array): void {
    this.removeFrom(key, 0, key.length, 0);
  }

  /** Envoy's setCopy: replaces the first entry's value and drops the other entries of that key. */
  replace(key: Uint8Array, value: Uint8Array): void {
    this.setCopy(key, 0, key.length, copyRange(value, 0, value.length));
  }

  set(name: string, value: string): void {
    this.replace(Buffer.from(name), Buffer.from(value));
  }

  delete(name: string): void {
    this.remove(Buffer.from(name));
  }

  clear(): void {
    this.keys = [];
    this.values = [];
    this.pseudoCount = 0;
    this.encoded = null;
  }

  setPairs(pairs: readonly BytePair[]): void {
    this.clear();
    for (const [k, v] of pairs) this.add(k, v);
  }

  /** Size of the pairs encoding. */
  get encodedSize(): number {
    let size = 4 + this.keys.length * 8;
    for (let i = 0; i < this.keys.length; i++) size += this.keys[i].length + this.values[i].length + 2;
    return size;
  }

  /** Writes the pairs encoding at `at` in `dst` (which `dv` views), e.g. straight into guest memory. */
  encodeInto(dst: Uint8Array, dv: DataView, at: number): void {
    const keys = this.keys, values = this.values, count = keys.length;
    dv.setUint32(at, count, true);
    let sizes = at + 4;
    let data = sizes + count * 8;
    for (let i = 0; i < count; i++) {
      dv.setUint32(sizes, keys[i].length, true);
      dv.setUint32(sizes + 4, values[i].length, true);
      sizes += 8;
      data = put(keys[i], dst, data);
      dst[data++] = 0;
      data = put(values[i], dst, data);
      dst[data++] = 0;
    }
  }

  /** The map in the pairs encoding (cached until the map changes). */
  encode(): Buffer {
    if (this.encoded === null) {
      const out = Buffer.allocUnsafe(this.encodedSize);
      this.encodeInto(out, new DataView(out.buffer, out.byteOffset, out.length), 0);
      this.encoded = out;
    }
    return this.encoded;
  }

  entries(): [string, string][] {
    return this.keys.map((k, i) => [k.toString("utf8"), this.values[i].toString("utf8")]);
  }

  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.entries()) out[k] = k in out ? `${out[k]},${v}` : v;
    return out;
  }

  clone(): HeaderMap {
    const copy = new HeaderMap();
    copy.keys = this.keys.slice();
    copy.values = this.values.slice();
    copy.pseudoCount = this.pseudoCount;
    copy.encoded = this.encoded;
    return copy;
  }
}
