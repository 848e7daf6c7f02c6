// Workloads on `assemblyscript-json` 1.1 (dynamic tree over UTF-8 bytes).
// Same exports and same results as jsonas-dynamic.ts; the runner drives both identically.
import { JSON } from "assemblyscript-json/assembly";
import { inputView, setOutput } from "./host-io";
import { rejectedByGuard, REJECTED, WRONG_SHAPE } from "./guarded-input";
import { KeyAuthConfig, describeKeyAuth } from "./keyauth-model";
import { readKeyAuth } from "./asjson-keyauth";

export { input, output_ptr, output_len } from "./host-io";
export { set_guard, guard_only } from "./guarded-input";

const MAPPED_MODEL = "provider-model-v2";
const DEFAULT_MAX_TOKENS: i64 = 4096;
/** The walk stops descending here; only the parser itself is meant to meet deep documents. */
const WALK_DEPTH_LIMIT = 200;

/** Parses the input as an object, or publishes why not and returns null. */
function parseObject(): JSON.Obj | null {
  if (rejectedByGuard()) return null;
  const root = JSON.parse(inputView());
  if (!root.isObj) {
    setOutput("not an object");
    return null;
  }
  return <JSON.Obj>root;
}

function failureStatus(): i32 {
  return rejectedByGuard() ? REJECTED : WRONG_SHAPE;
}

export function parse_only(iterations: i32): i32 {
  let objects = 0;
  for (let i = 0; i < iterations; i++) {
    if (rejectedByGuard()) return REJECTED;
    if (JSON.parse(inputView()).isObj) objects++;
  }
  return objects;
}

/** Parses and visits every node, so every value is decoded; returns the node count. */
export function walk(iterations: i32): i32 {
  let nodes = 0;
  for (let i = 0; i < iterations; i++) {
    if (rejectedByGuard()) return REJECTED;
    nodes = countNodes(JSON.parse(inputView()), 0);
  }
  setOutput("nodes=" + nodes.toString());
  return nodes;
}

function countNodes(value: JSON.Value, depth: i32): i32 {
  if (depth >= WALK_DEPTH_LIMIT) return 1;
  let n = 1;
  if (value.isObj) {
    const obj = <JSON.Obj>value;
    const keys = obj.keys;
    for (let i = 0; i < keys.length; i++) n += countNodes(<JSON.Value>obj.get(keys[i]), depth + 1);
  } else if (value.isArr) {
    const items = (<JSON.Arr>value).valueOf();
    for (let i = 0; i < items.length; i++) n += countNodes(items[i], depth + 1);
  }
  return n;
}

/** Parses and re-serializes the whole document. */
export function roundtrip(iterations: i32): i32 {
  let out = "";
  for (let i = 0; i < iterations; i++) {
    if (rejectedByGuard()) return REJECTED;
    out = JSON.parse(inputView()).stringify();
  }
  setOutput(out);
  return out.length;
}

// ---- ai-proxy: chat-completions request -------------------------------------------------------

/** Text length of a message's content: a string, or an array of parts with `text`. */
function contentChars(content: JSON.Value | null): i32 {
  if (content === null) return 0;
  if (content.isString) return (<JSON.Str>content).valueOf().length;
  if (!content.isArr) return 0;
  const parts = (<JSON.Arr>content).valueOf();
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    if (!parts[i].isObj) continue;
    const text = (<JSON.Obj>parts[i]).getString("text");
    if (text !== null) n += text.valueOf().length;
  }
  return n;
}

export function chat_read(iterations: i32): i32 {
  let summary = "";
  for (let i = 0; i < iterations; i++) {
    const root = parseObject();
    if (root === null) return failureStatus();
    const model = root.getString("model");
    const stream = root.getBool("stream");
    const messages = root.getArr("messages");
    let roles = "";
    let chars = 0;
    let count = 0;
    if (messages !== null) {
      const items = messages.valueOf();
      count = items.length;
      for (let m = 0; m < items.length; m++) {
        if (!items[m].isObj) continue;
        const message = <JSON.Obj>items[m];
        const role = message.getString("role");
        if (m > 0) roles += ",";
        roles += role !== null ? role.valueOf() : "?";
        chars += contentChars(message.get("content"));
      }
    }
    summary =
      "model=" + (model !== null ? model.valueOf() : "") +
      " stream=" + (stream !== null && stream.valueOf() ? "true" : "false") +
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
    let options = root.getObj("stream_options");
    if (options === null) {
      options = JSON.Value.Object();
      root.set("stream_options", options);
    }
    options.set("include_usage", true);
    body = String.UTF8.encode(root.stringify());
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
    const out = JSON.Value.Object();
    const model = root.getString("model");
    out.set("model", model !== null ? model.valueOf() : "");
    let system = "";
    const messages = JSON.Value.Array();
    const source = root.getArr("messages");
    if (source !== null) {
      const items = source.valueOf();
      for (let m = 0; m < items.length; m++) {
        if (!items[m].isObj) continue;
        const message = <JSON.Obj>items[m];
        const role = message.getString("role");
        const content = message.get("content");
        if (role !== null && role.valueOf() == "system") {
          if (content !== null && content.isString) {
            if (system.length > 0) system += "\n";
            system += (<JSON.Str>content).valueOf();
          }
          continue;
        }
        const converted = JSON.Value.Object();
        converted.set("role", role !== null && role.valueOf() == "assistant" ? "assistant" : "user");
        converted.set("content", content !== null ? content : JSON.Value.String(""));
        messages.push(converted);
      }
    }
    if (system.length > 0) out.set("system", system);
    out.set("messages", messages);
    const maxTokens = root.getInteger("max_tokens");
    out.set("max_tokens", maxTokens !== null ? maxTokens.valueOf() : DEFAULT_MAX_TOKENS);
    copyNumber(root, out, "temperature", "temperature");
    copyNumber(root, out, "top_p", "top_p");
    const stop = root.get("stop");
    if (stop !== null) {
      if (stop.isString) {
        const list = JSON.Value.Array();
        list.push(stop);
        out.set("stop_sequences", list);
      } else if (stop.isArr) {
        out.set("stop_sequences", stop);
      }
    }
    const stream = root.getBool("stream");
    if (stream !== null && stream.valueOf()) out.set("stream", true);
    body = String.UTF8.encode(out.stringify());
  }
  setOutput(String.UTF8.decode(body));
  return body.byteLength;
}

/** Numbers come back as Integer or Float depending on their spelling; copy either. */
function copyNumber(from: JSON.Obj, to: JSON.Obj, key: string, as: string): void {
  const value = from.get(key);
  if (value !== null && (value.isInteger || value.isFloat)) to.set(as, value);
}

// ---- ai-proxy: one SSE event of a streamed response -------------------------------------------

export function sse_usage(iterations: i32): i32 {
  let prompt: i64 = -1;
  let completion: i64 = -1;
  let model = "";
  for (let i = 0; i < iterations; i++) {
    const root = parseObject();
    if (root === null) return failureStatus();
    const m = root.getString("model");
    model = m !== null ? m.valueOf() : "";
    prompt = -1;
    completion = -1;
    const usage = root.getObj("usage");
    if (usage !== null) {
      const p = usage.getInteger("prompt_tokens");
      const c = usage.getInteger("completion_tokens");
      if (p !== null) prompt = p.valueOf();
      if (c !== null) completion = c.valueOf();
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
