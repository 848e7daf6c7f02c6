// Token usage, taken from what the provider reports: OpenAI's `usage` object (in the body, or in the
// stream's final chunk — or in the same chunk as finish_reason, as some providers send it) and
// Anthropic's split report (input tokens in `message_start`, output tokens in `message_delta`).
import { parseJson as parseChecked } from "../common/json-check";
import { JSON } from "../common/json-writer";
import { JsonView } from "./translate/json-path";

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

function intField(obj: JSON.Obj, key: string): i64 {
  const v = obj.get(key);
  if (v === null) return -1;
  if (v.isInteger) return (<JSON.Integer>v).valueOf();
  if (v.isFloat) return <i64>(<JSON.Float>v).valueOf();
  return -1;
}

/** Parses JSON bytes if they are valid; null otherwise (never traps). One pass: the parse is the check. */
export function parseJson(data: ArrayBuffer): JSON.Value | null {
  return parseChecked(changetype<usize>(data), data.byteLength).value;
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

/**
 * readUsageObject over the bytes of a valid JSON document: the object at `obj` gives the same counts
 * without being parsed (the last of repeated members, any number spelling, as the library reads them).
 */
export function readUsageAt(doc: JsonView, obj: i32, u: Usage): void {
  let prompt = -1, input = -1, completion = -1, output = -1;
  const m = doc.members(obj);
  while (m.next()) {
    if (m.is("prompt_tokens")) prompt = m.value;
    else if (m.is("input_tokens")) input = m.value;
    else if (m.is("completion_tokens")) completion = m.value;
    else if (m.is("output_tokens")) output = m.value;
  }
  let inputCount = doc.integerOr(prompt, -1);
  if (inputCount < 0) inputCount = doc.integerOr(input, -1);
  let outputCount = doc.integerOr(completion, -1);
  if (outputCount < 0) outputCount = doc.integerOr(output, -1);
  if (inputCount >= 0) u.input = inputCount;
  if (outputCount >= 0) u.output = outputCount;
}

/**
 * Reads the top-level `usage` object of valid JSON bytes (a whole answer, a stream event's data) into
 * `u`, in place: no tree, no copy of the member.
 */
export function readUsageMember(json: ArrayBuffer, u: Usage): void {
  const doc = JsonView.of(json);
  readUsageAt(doc, doc.member(doc.root(), "usage"), u);
}
