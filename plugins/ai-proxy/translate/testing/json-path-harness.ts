// Test-only module for translate/json-path.test.ts: the byte-level reader (json-path.ts) and the JSON
// library's tree, walked along the same path over the same document, so a test can compare both with
// each other and with JavaScript's JSON.parse. Compiled by test/support/asc.ts; never shipped.
//
// JS writes a document into input(), calls load(len), then walks: member(keyUnits) with the key's
// UTF-16 units in keyBuffer(), or element(index). Each step moves both walkers. Results are read with
// the *Of functions; strings come back as UTF-16 units in output().
import { checkJson } from "../../../common/json-check";
import { JSON, parseValid } from "../../../common/json-writer";
import { JsonView, Kind } from "../json-path";
import { intOf } from "../openai-response";
import "../../../common/testing/abort-trap";

let input = new ArrayBuffer(64);
let keys = new ArrayBuffer(64);
let output = new ArrayBuffer(0);
let doc = new JsonView(0, 0);
let at: i32 = -1;
let node: JSON.Value | null = null;

export function inputBuffer(size: i32): usize {
  if (input.byteLength < size) input = new ArrayBuffer(size);
  return changetype<usize>(input);
}

export function keyBuffer(units: i32): usize {
  if (keys.byteLength < units * 2) keys = new ArrayBuffer(units * 2);
  return changetype<usize>(keys);
}

export function outputBuffer(): usize {
  return changetype<usize>(output);
}

/** Checks the first `len` input bytes; when valid JSON, both walkers start at the top. False: invalid. */
export function load(len: i32): bool {
  const bytes = input.slice(0, len);
  if (checkJson(changetype<usize>(bytes), len).length) return false;
  input = bytes; // the view reads these bytes: keep them as they are until the next load
  doc = JsonView.of(bytes);
  at = doc.root();
  node = parseValid(bytes);
  return true;
}

function key(units: i32): string {
  return String.UTF16.decodeUnsafe(changetype<usize>(keys), units * 2);
}

/** Steps into member `key` (UTF-16 units in keyBuffer); returns the reader's offset (-1: absent). */
export function member(units: i32): i32 {
  const k = key(units);
  at = doc.member(at, k);
  const n = node;
  node = n !== null && n.isObj ? (<JSON.Obj>n).get(k) : null;
  return at;
}

export function element(index: i32): i32 {
  at = doc.element(at, index);
  const n = node;
  if (n !== null && n.isArr) {
    const items = (<JSON.Arr>n).valueOf();
    node = index < items.length ? items[index] : null;
  } else node = null;
  return at;
}

/** Where the reader stands (-1: absent). */
export function position(): i32 {
  return at;
}

/** The reader's kind: 0 absent, 1 object, 2 array, 3 string, 4 number, 5 true, 6 false, 7 null. */
export function kindOf(): i32 {
  return doc.kind(at);
}

/** The same, as the tree sees it. */
export function treeKindOf(): i32 {
  const n = node;
  if (n === null) return Kind.Absent;
  if (n.isObj) return Kind.Object;
  if (n.isArr) return Kind.Array;
  if (n.isString) return Kind.String;
  if (n.isInteger || n.isFloat || n.isNum) return Kind.Number;
  if (n.isBool) return (<JSON.Bool>n).valueOf() ? Kind.True : Kind.False;
  return Kind.Null;
}

export function endOf(): i32 {
  return doc.end(at);
}

export function countOf(): i32 {
  const e = doc.elements(at);
  let n = 0;
  while (e.next()) n++;
  return n;
}

function put(s: string | null): i32 {
  if (s === null) return -1;
  output = new ArrayBuffer(s.length * 2);
  memory.copy(changetype<usize>(output), changetype<usize>(s), s.length * 2);
  return s.length;
}

/** The reader's string: its length in UTF-16 units (copied to outputBuffer()), -1 when not a string. */
export function stringOf(): i32 {
  return put(doc.string(at));
}

export function treeStringOf(): i32 {
  const n = node;
  return put(n !== null && n.isString ? (<JSON.Str>n).valueOf() : null);
}

/** Whether the reader says the string equals the key in keyBuffer. */
export function stringIs(units: i32): bool {
  return doc.stringIs(at, key(units));
}

/** The reader's integer (only meaningful for numbers). */
export function integerOf(): i64 {
  return doc.integer(at);
}

/** How the translators read a count from the tree: intOf on a one-member object holding the value. */
export function treeIntegerOf(): i64 {
  const n = node;
  if (n === null) return -1;
  const holder = new JSON.Obj();
  holder.set<JSON.Value>("v", n);
  return intOf(holder, "v");
}
