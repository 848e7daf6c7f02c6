// The recommended way for a plugin to use JSON (json-as 1.6, dynamic API, behind the guard), as
// quoted in RESULTS.md. It is compiled and run by run.ts, so the example cannot rot unnoticed.
import { JSON } from "json-as";
import { DEFAULT_MAX_DEPTH, findJsonSyntaxError } from "./guard";
import { setOutput } from "./host-io";

export { input, output_ptr, output_len } from "./host-io";

/** A parsed object, or the reason the input was refused. */
class Parsed {
  constructor(public value: JSON.Obj | null, public error: string) {}
}

/** UTF-8 bytes from the host -> object. Never traps: the guard refuses what json-as would trap on. */
function parseObject(bytes: ArrayBuffer): Parsed {
  const error = findJsonSyntaxError(changetype<usize>(bytes), bytes.byteLength, DEFAULT_MAX_DEPTH, true);
  if (error !== null) return new Parsed(null, error.toString());
  return new Parsed(JSON.parse<JSON.Obj>(String.UTF8.decode(bytes)), "");
}

// Typed reads: check `.type` before `.get<T>()`. (`getAs<T>()` reinterprets the stored bits
// without any check, so it must never see untrusted data.)
function stringField(obj: JSON.Obj, key: string): string | null {
  const value = obj.get(key);
  return value !== null && value.type == JSON.Types.String ? value.get<string>() : null;
}

function boolField(obj: JSON.Obj, key: string, fallback: bool): bool {
  const value = obj.get(key);
  return value !== null && value.type == JSON.Types.Bool ? value.get<bool>() : fallback;
}

/** json-as parses every number into an f64; accept only whole numbers where a count is expected. */
function integerField(obj: JSON.Obj, key: string, fallback: i64): i64 {
  const value = obj.get(key);
  if (value === null || value.type != JSON.Types.F64) return fallback;
  const number = value.get<f64>();
  return number == Math.floor(number) && Math.abs(number) <= 9007199254740991 ? <i64>number : fallback;
}

function objectField(obj: JSON.Obj, key: string): JSON.Obj | null {
  const value = obj.get(key);
  return value !== null && value.type == JSON.Types.Object ? value.get<JSON.Obj>() : null;
}

function arrayField(obj: JSON.Obj, key: string): JSON.Arr | null {
  const value = obj.get(key);
  return value !== null && value.type == JSON.Types.Array ? value.get<JSON.Arr>() : null;
}

/** Reads a chat request, rewrites it in place, and builds a second document from scratch. */
export function demo(): i32 {
  const parsed = parseObject(String.UTF8.encode('{"model":"gpt-4o","stream":true,"max_tokens":64,"messages":[{"role":"user","content":"hi\\n"}],"x_vendor":{"keep":[1,2.5e3]}}'));
  const request = parsed.value!;
  const model = stringField(request, "model"); // "gpt-4o"
  const stream = boolField(request, "stream", false);
  const maxTokens = integerField(request, "max_tokens", 4096);
  const messages = arrayField(request, "messages");
  const count = messages !== null ? messages.length : 0;
  const firstRole = messages !== null && count > 0 && messages.at(0).type == JSON.Types.Object ? stringField(messages.at(0).get<JSON.Obj>(), "role") : null;

  // Rewrite: set top-level fields; a nested object read with get() is a copy, so store it back.
  request.set("model", "mapped-model");
  let options = objectField(request, "stream_options");
  if (options === null) options = new JSON.Obj();
  options.set("include_usage", true);
  request.set("stream_options", options);
  const rewritten = JSON.stringify(request); // untouched fields are copied through byte for byte

  // Build from scratch.
  const reply = new JSON.Obj();
  reply.set("model", model !== null ? model : "");
  reply.set<i64>("max_tokens", maxTokens);
  const list = new JSON.Arr();
  const message = new JSON.Obj();
  message.set("role", firstRole !== null ? firstRole : "user");
  message.set("content", "line 1\nline \"2\"");
  list.push(message);
  reply.set("messages", list);
  reply.set("stream", stream);
  const built = JSON.stringify(reply);

  const refused = parseObject(String.UTF8.encode('{"model":"gpt-4o",'));
  setOutput(rewritten + "\n" + built + "\n" + refused.error + "\n" + count.toString());
  return 0;
}
