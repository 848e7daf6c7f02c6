// Workloads on `json-as` 1.6 through its dynamic API (JSON.Value / JSON.Obj / JSON.Arr), which is
// what a plugin needs to keep unknown fields of a request body. Same exports and same results as
// asjson.ts; the runner drives both identically.
import { JSON } from "json-as";
import { inputText, setOutput } from "./host-io";
import { rejectedByGuard, REJECTED, WRONG_SHAPE } from "./guarded-input";
import { KeyAuthConfig, describeKeyAuth } from "./keyauth-model";
import { readKeyAuth } from "./jsonas-keyauth";

export { input, output_ptr, output_len } from "./host-io";
export { set_guard, guard_only } from "./guarded-input";

const MAPPED_MODEL = "provider-model-v2";
const DEFAULT_MAX_TOKENS: i64 = 4096;
/** The walk stops descending here; only the parser itself is meant to meet deep documents. */
const WALK_DEPTH_LIMIT = 200;

// json-as parses every JSON number into an f64; values a plugin builds may carry other numeric tags.
function isNumber(value: JSON.Value): bool {
  const type = value.type;
  return type >= JSON.Types.U8 && type <= JSON.Types.F64;
}

function isString(value: JSON.Value | null): bool {
  return value !== null && value.type == JSON.Types.String;
}

function isObject(value: JSON.Value | null): bool {
  return value !== null && value.type == JSON.Types.Object;
}

function isArray(value: JSON.Value | null): bool {
  return value !== null && value.type == JSON.Types.Array;
}

function isBool(value: JSON.Value | null): bool {
  return value !== null && value.type == JSON.Types.Bool;
}

/** `obj[key]` when it is a whole number (json-as keeps every number as an f64), else `fallback`. */
function integerField(obj: JSON.Obj, key: string, fallback: i64): i64 {
  const value = obj.get(key);
  if (value === null || value.type != JSON.Types.F64) return fallback;
  const number = value.get<f64>();
  return number == Math.floor(number) && Math.abs(number) <= 9007199254740991 ? <i64>number : fallback;
}

/** `obj[key]` when it is a string, else null. */
function stringField(obj: JSON.Obj, key: string): string | null {
  const value = obj.get(key);
  return isString(value) ? value!.get<string>() : null;
}

/** Parses the input as an object, or publishes why not and returns null. */
function parseObject(): JSON.Obj | null {
  if (rejectedByGuard()) return null;
  const root = JSON.parse<JSON.Value>(inputText());
  if (root.type != JSON.Types.Object) {
    setOutput("not an object");
    return null;
  }
  return root.get<JSON.Obj>();
}

function failureStatus(): i32 {
  return rejectedByGuard() ? REJECTED : WRONG_SHAPE;
}

export function parse_only(iterations: i32): i32 {
  let objects = 0;
  for (let i = 0; i < iterations; i++) {
    if (rejectedByGuard()) return REJECTED;
    if (JSON.parse<JSON.Value>(inputText()).type == JSON.Types.Object) objects++;
  }
  return objects;
}

/** Parses and visits every node, so every lazily kept value is decoded; returns the node count. */
export function walk(iterations: i32): i32 {
  let nodes = 0;
  for (let i = 0; i < iterations; i++) {
    if (rejectedByGuard()) return REJECTED;
    nodes = countNodes(JSON.parse<JSON.Value>(inputText()), 0);
  }
  setOutput("nodes=" + nodes.toString());
  return nodes;
}

function countNodes(value: JSON.Value, depth: i32): i32 {
  if (depth >= WALK_DEPTH_LIMIT) return 1;
  let n = 1;
  const type = value.type;
  if (type == JSON.Types.Object) {
    const obj = value.get<JSON.Obj>();
    const keys = obj.keys();
    for (let i = 0; i < keys.length; i++) n += countNodes(obj.get(keys[i])!, depth + 1);
  } else if (type == JSON.Types.Array) {
    const items = value.get<JSON.Arr>();
    for (let i = 0; i < items.length; i++) n += countNodes(items.at(i), depth + 1);
  } else if (type == JSON.Types.String) {
    value.get<string>(); // decodes escapes, the work a reader of this string would cause
  }
  return n;
}

/** Parses and re-serializes the whole document. */
export function roundtrip(iterations: i32): i32 {
  let out = "";
  for (let i = 0; i < iterations; i++) {
    if (rejectedByGuard()) return REJECTED;
    out = JSON.stringify(JSON.parse<JSON.Value>(inputText()));
  }
  setOutput(out);
  return out.length;
}

/** Parses, copies every value into a new tree (so nothing can pass through as raw source text),
 *  and serializes the copy: what json-as's own serializer makes of decoded values. */
export function rebuild(iterations: i32): i32 {
  let out = "";
  for (let i = 0; i < iterations; i++) {
    if (rejectedByGuard()) return REJECTED;
    out = JSON.stringify(copyValue(JSON.parse<JSON.Value>(inputText())));
  }
  setOutput(out);
  return out.length;
}

function copyValue(value: JSON.Value): JSON.Value {
  const type = value.type;
  if (type == JSON.Types.Object) {
    const source = value.get<JSON.Obj>();
    const copy = new JSON.Obj();
    const keys = source.keys();
    for (let i = 0; i < keys.length; i++) copy.set(keys[i], copyValue(source.get(keys[i])!));
    return JSON.Value.from(copy);
  }
  if (type == JSON.Types.Array) {
    const source = value.get<JSON.Arr>();
    const copy = new JSON.Arr();
    for (let i = 0; i < source.length; i++) copy.push(copyValue(source.at(i)));
    return JSON.Value.from(copy);
  }
  if (type == JSON.Types.String) return JSON.Value.from<string>(value.get<string>());
  if (type == JSON.Types.Bool) return JSON.Value.from<bool>(value.get<bool>());
  if (type == JSON.Types.Null) return JSON.Value.empty();
  return JSON.Value.from<f64>(value.get<f64>());
}

// ---- ai-proxy: chat-completions request -------------------------------------------------------

/** Text length of a message's content: a string, or an array of parts with `text`. */
function contentChars(content: JSON.Value | null): i32 {
  if (content === null) return 0;
  if (content.type == JSON.Types.String) return content.get<string>().length;
  if (content.type != JSON.Types.Array) return 0;
  const parts = content.get<JSON.Arr>();
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts.at(i);
    if (part.type != JSON.Types.Object) continue;
    const text = stringField(part.get<JSON.Obj>(), "text");
    if (text !== null) n += text.length;
  }
  return n;
}

export function chat_read(iterations: i32): i32 {
  let summary = "";
  for (let i = 0; i < iterations; i++) {
    const root = parseObject();
    if (root === null) return failureStatus();
    const model = stringField(root, "model");
    const stream = root.get("stream");
    const messages = root.get("messages");
    let roles = "";
    let chars = 0;
    let count = 0;
    if (isArray(messages)) {
      const items = messages!.get<JSON.Arr>();
      count = items.length;
      for (let m = 0; m < items.length; m++) {
        const item = items.at(m);
        if (item.type != JSON.Types.Object) continue;
        const message = item.get<JSON.Obj>();
        const role = stringField(message, "role");
        if (m > 0) roles += ",";
        roles += role !== null ? role : "?";
        chars += contentChars(message.get("content"));
      }
    }
    summary =
      "model=" + (model !== null ? model : "") +
      " stream=" + (isBool(stream) && stream!.get<bool>() ? "true" : "false") +
      " messages=" + count.toString() + " roles=" + roles + " content_chars=" + chars.toString();
  }
  setOutput(summary);
  return summary.length;
}

/** Rewrites `model`, turns on `stream_options.include_usage`, keeps every other field. */
export function chat_rewrite(iterations: i32): i32 {
  let body = new ArrayBuffer(0);
  for (let i = 0; i < iterations; i++) {
    const root = parseObject();
    if (root === null) return failureStatus();
    root.set("model", MAPPED_MODEL);
    const existing = root.get("stream_options");
    const options = isObject(existing) ? existing!.get<JSON.Obj>() : new JSON.Obj();
    options.set("include_usage", true);
    // A value read from a parsed object is a copy; storing it back is what makes the change stick.
    root.set("stream_options", options);
    body = String.UTF8.encode(JSON.stringify(root));
  }
  setOutput(String.UTF8.decode(body));
  return body.byteLength;
}

/** OpenAI chat request -> Anthropic messages request (system prompt lifted out, content kept). */
export function chat_to_anthropic(iterations: i32): i32 {
  let body = new ArrayBuffer(0);
  for (let i = 0; i < iterations; i++) {
    const root = parseObject();
    if (root === null) return failureStatus();
    const out = new JSON.Obj();
    const model = stringField(root, "model");
    out.set("model", model !== null ? model : "");
    let system = "";
    const messages = new JSON.Arr();
    const source = root.get("messages");
    if (isArray(source)) {
      const items = source!.get<JSON.Arr>();
      for (let m = 0; m < items.length; m++) {
        const item = items.at(m);
        if (item.type != JSON.Types.Object) continue;
        const message = item.get<JSON.Obj>();
        const role = stringField(message, "role");
        const content = message.get("content");
        if (role !== null && role == "system") {
          if (isString(content)) {
            if (system.length > 0) system += "\n";
            system += content!.get<string>();
          }
          continue;
        }
        const converted = new JSON.Obj();
        converted.set("role", role !== null && role == "assistant" ? "assistant" : "user");
        if (content !== null) converted.set("content", content);
        else converted.set("content", "");
        messages.push(converted);
      }
    }
    if (system.length > 0) out.set("system", system);
    out.set("messages", messages);
    out.set<i64>("max_tokens", integerField(root, "max_tokens", DEFAULT_MAX_TOKENS));
    copyNumber(root, out, "temperature");
    copyNumber(root, out, "top_p");
    const stop = root.get("stop");
    if (isString(stop)) {
      const list = new JSON.Arr();
      list.push(stop!);
      out.set("stop_sequences", list);
    } else if (isArray(stop)) {
      out.set("stop_sequences", stop!);
    }
    const stream = root.get("stream");
    if (isBool(stream) && stream!.get<bool>()) out.set("stream", true);
    body = String.UTF8.encode(JSON.stringify(out));
  }
  setOutput(String.UTF8.decode(body));
  return body.byteLength;
}

function copyNumber(from: JSON.Obj, to: JSON.Obj, key: string): void {
  const value = from.get(key);
  if (value !== null && isNumber(value)) to.set(key, value);
}

// ---- ai-proxy: one SSE event of a streamed response -------------------------------------------

export function sse_usage(iterations: i32): i32 {
  let prompt: i64 = -1;
  let completion: i64 = -1;
  let model = "";
  for (let i = 0; i < iterations; i++) {
    const root = parseObject();
    if (root === null) return failureStatus();
    const m = stringField(root, "model");
    model = m !== null ? m : "";
    prompt = -1;
    completion = -1;
    const usage = root.get("usage");
    if (isObject(usage)) {
      const counts = usage!.get<JSON.Obj>();
      prompt = integerField(counts, "prompt_tokens", -1);
      completion = integerField(counts, "completion_tokens", -1);
    }
  }
  const summary = "model=" + model + " prompt=" + prompt.toString() + " completion=" + completion.toString();
  setOutput(summary);
  return summary.length;
}

// ---- key-auth configuration ---------------------------------------------------------------------

export function config_read(iterations: i32): i32 {
  let result = "";
  for (let i = 0; i < iterations; i++) {
    const root = parseObject();
    if (root === null) return failureStatus();
    const config = new KeyAuthConfig();
    const error = readKeyAuth(root, config);
    result = error !== null ? "error: " + error.toString() : describeKeyAuth(config);
  }
  setOutput(result);
  return result.length;
}
