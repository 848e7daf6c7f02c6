// Test-only module: plugins/common/json-check.ts and json-valid.ts behind plain exports, for
// plugins/common/json.test.ts.
// JS writes JSON text into the input buffer; results come back as numbers or as UTF-8 text in the
// output buffer (read with outputPtr/outputLength).
import "./abort-to-host";
import { JSON } from "assemblyscript-json/assembly";
import { checkJson, decimalToF64, parseJson } from "../json-check";
import { isJson } from "../json-valid";
import { JsonWriter } from "../json-writer";

let input = new ArrayBuffer(64);
let output = new ArrayBuffer(0);

export function inputBuffer(size: i32): usize {
  if (input.byteLength < size) input = new ArrayBuffer(size);
  return changetype<usize>(input);
}

export function outputPtr(): usize {
  return changetype<usize>(output);
}

export function outputLength(): i32 {
  return output.byteLength;
}

/** checkJson's verdict on the first `length` input bytes ("" when valid), as output text. */
export function check(length: i32): void {
  output = String.UTF8.encode(checkJson(changetype<usize>(input), length));
}

/** isJson's verdict (1 valid) on a copy of exactly the first `length` input bytes, so it cannot read on unnoticed. */
export function valid(length: i32): i32 {
  const bytes = input.slice(0, length);
  return isJson(changetype<usize>(bytes), length) ? 1 : 0;
}

/**
 * parseJson on the first `length` input bytes. Returns 1 and dumps the tree as JSON text, numbers
 * replaced by strings telling their kind and value: "i<integer>|<text>" or "f<f64 bits, hex>|<text>";
 * returns 0 with the error as output text.
 */
export function parse(length: i32): i32 {
  const parsed = parseJson(changetype<usize>(input), length);
  const value = parsed.value;
  if (value === null) {
    output = String.UTF8.encode(parsed.error);
    return 0;
  }
  const w = new JsonWriter();
  dump(w, value);
  output = w.toBuffer();
  return 1;
}

function dump(w: JsonWriter, v: JSON.Value): void {
  if (v.isInteger) {
    const n = <JSON.Integer>v;
    w.string("i" + n.valueOf().toString() + "|" + n.text);
  } else if (v.isFloat) {
    const f = <JSON.Float>v;
    w.string("f" + reinterpret<u64>(f.valueOf()).toString(16) + "|" + f.text);
  } else if (v.isArr) {
    const items = (<JSON.Arr>v).valueOf();
    w.byte(0x5b);
    for (let i = 0; i < items.length; i++) {
      if (i) w.byte(0x2c);
      dump(w, items[i]);
    }
    w.byte(0x5d);
  } else if (v.isObj) {
    const obj = <JSON.Obj>v;
    const keys = obj.keys;
    w.byte(0x7b);
    for (let i = 0; i < keys.length; i++) {
      if (i) w.byte(0x2c);
      w.key(keys[i]);
      dump(w, obj.get(keys[i])!);
    }
    w.byte(0x7d);
  } else {
    w.value(v);
  }
}

/** decimalToF64 of the first `length` input bytes (a JSON number), as its bits in the output buffer. */
export function f64Bits(length: i32): void {
  output = new ArrayBuffer(8);
  store<f64>(changetype<usize>(output), decimalToF64(changetype<usize>(input), length));
}
