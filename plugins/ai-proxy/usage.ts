// Token usage, taken from what the provider reports: OpenAI's `usage` object (in the body, or in the
// stream's final chunk — or in the same chunk as finish_reason, as some providers send it) and
// Anthropic's split report (input tokens in `message_start`, output tokens in `message_delta`).
import { checkJson } from "../common/json-check";
import { JSON, parseValid } from "../common/json-writer";
import { topLevelValue } from "./translate/openai-splice";

export class Usage {
  input: i64 = -1;
  output: i64 = -1;

  get known(): bool {
    return this.input >= 0 || this.output >= 0;
  }

  get total(): i64 {
    return (this.input > 0 ? this.input : 0) + (this.output > 0 ? this.output : 0);
  }
}

const USAGE_KEY = String.UTF8.encode('"usage"');

/** Whether the bytes mention "usage" at all (cheap pre-check before parsing an event). */
export function mentionsUsage(data: ArrayBuffer): bool {
  const n = data.byteLength;
  const k = USAGE_KEY.byteLength;
  const p = changetype<usize>(data);
  const key = changetype<usize>(USAGE_KEY);
  const first = load<u8>(key);
  for (let i = 0; i + k <= n; i++) {
    if (load<u8>(p + i) == first && memory.compare(p + i, key, k) == 0) return true;
  }
  return false;
}

function intField(obj: JSON.Obj, key: string): i64 {
  const v = obj.get(key);
  if (v === null) return -1;
  if (v.isInteger) return (<JSON.Integer>v).valueOf();
  if (v.isFloat) return <i64>(<JSON.Float>v).valueOf();
  return -1;
}

/** Parses JSON bytes if they are valid; null otherwise (never traps). */
export function parseJson(data: ArrayBuffer): JSON.Value | null {
  if (checkJson(changetype<usize>(data), data.byteLength).length) return null;
  return parseValid(data);
}

/** Reads an OpenAI-style `usage` object (prompt/completion or input/output token names) into `u`. */
export function readUsageObject(usage: JSON.Obj, u: Usage): void {
  let input = intField(usage, "prompt_tokens");
  if (input < 0) input = intField(usage, "input_tokens");
  let output = intField(usage, "completion_tokens");
  if (output < 0) output = intField(usage, "output_tokens");
  if (input >= 0) u.input = input;
  if (output >= 0) u.output = output;
}

/** Updates `u` from an OpenAI response body or stream chunk that carries `usage`. */
export function readOpenAiUsage(doc: JSON.Value, u: Usage): void {
  if (!doc.isObj) return;
  const usage = (<JSON.Obj>doc).getObj("usage");
  if (usage !== null) readUsageObject(usage, u);
}

/** A non-negative integer written as plain digits, or -1. */
function digitsValue(b: ArrayBuffer): i64 {
  const p = changetype<usize>(b);
  const n = b.byteLength;
  if (n == 0 || n > 18) return -1;
  let v: i64 = 0;
  for (let i = 0; i < n; i++) {
    const d = <i32>load<u8>(p + i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function firstCount(usage: ArrayBuffer, a: string, b: string): i64 {
  let v = topLevelValue(usage, a);
  if (v === null) v = topLevelValue(usage, b);
  return v === null ? -2 : digitsValue(v);
}

/**
 * Reads a `usage` object's token counts without the JSON library (the object must be known valid).
 * False when a count is not a plain integer; the caller then parses it.
 */
export function readUsageBytes(usage: ArrayBuffer, u: Usage): bool {
  const input = firstCount(usage, "prompt_tokens", "input_tokens");
  const output = firstCount(usage, "completion_tokens", "output_tokens");
  if (input == -1 || output == -1) return false;
  if (input >= 0) u.input = input;
  if (output >= 0) u.output = output;
  return true;
}
