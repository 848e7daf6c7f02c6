// Test-only module for translate/json-string.test.ts: writeStringLiteral (json-string.ts) beside what it
// stands in for, decoding the literal and writing the text again; and JsonWriter.integer, which the
// translators write every index and count with, beside i64.toString. Compiled by test/support/asc.ts;
// never shipped.
import { checkJson } from "../../../common/json-check";
import { JsonWriter } from "../../../common/json-writer";
import { decodeString } from "../json-path";
import { writeStringLiteral } from "../json-string";
import "../../../common/testing/abort-trap";

let input = new ArrayBuffer(64);
let outputs: ArrayBuffer[] = [new ArrayBuffer(0), new ArrayBuffer(0)];

export function inputBuffer(size: i32): usize {
  if (input.byteLength < size) input = new ArrayBuffer(size);
  return changetype<usize>(input);
}

/**
 * The first `len` input bytes, a valid string literal (quotes included), written both ways: output(0)
 * by writeStringLiteral, output(1) decoded and written with JsonWriter.string. False: not a valid literal.
 */
export function literal(len: i32): bool {
  const bytes = input.slice(0, len);
  const p = changetype<usize>(bytes);
  if (checkJson(p, len).length || len < 2 || load<u8>(p) != 0x22) return false;
  const fast = new JsonWriter(16);
  writeStringLiteral(fast, p, 0, len);
  outputs[0] = fast.toBuffer();
  outputs[1] = new JsonWriter(16).string(decodeString(p, 0, len)).toBuffer();
  return true;
}

/** `n` written both ways: output(0) by JsonWriter.integer, output(1) as `n.toString()`, encoded. */
export function integer(n: i64): void {
  outputs[0] = new JsonWriter(1).integer(n).toBuffer();
  outputs[1] = String.UTF8.encode(n.toString());
}

export function output(which: i32): usize {
  return changetype<usize>(outputs[which]);
}

export function outputLength(which: i32): i32 {
  return outputs[which].byteLength;
}
