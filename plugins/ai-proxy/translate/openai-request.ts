// Reading OpenAI chat-completions requests, for the translators that turn them into another
// provider's request: message content (a string or typed parts), data URLs, tool-call arguments,
// and the fields several OpenAI names share (max_completion_tokens / max_tokens, stop).
import { JSON, JsonWriter } from "../../common/json-writer";
import { parseJson } from "../usage";

/** The text of a message's content: the string, or its text parts joined by newlines. */
export function contentText(content: JSON.Value | null): string {
  if (content === null) return "";
  if (content.isString) return (<JSON.Str>content).valueOf();
  if (!content.isArr) return "";
  const parts = (<JSON.Arr>content).valueOf();
  let out = "";
  for (let i = 0; i < parts.length; i++) {
    if (!parts[i].isObj) continue;
    const t = (<JSON.Obj>parts[i]).getString("text");
    if (t !== null) out += (out.length ? "\n" : "") + t.valueOf();
  }
  return out;
}

/** `data:<media type>;base64,<data>` split into [media type, data]; null for any other URL. */
export function splitDataUrl(url: string): string[] | null {
  if (!url.startsWith("data:")) return null;
  const marker = url.indexOf(";base64,");
  if (marker < 0) return null;
  return [url.substring(5, marker), url.substring(marker + 8)];
}

/** The URL of an image_url part (`{"image_url": {"url": …}}`, or the bare string some clients send). */
export function imageUrlOf(part: JSON.Obj): string {
  const v = part.get("image_url");
  if (v === null) return "";
  if (v.isString) return (<JSON.Str>v).valueOf();
  if (!v.isObj) return "";
  const url = (<JSON.Obj>v).getString("url");
  return url === null ? "" : url.valueOf();
}

/** Tool-call arguments (a JSON text) as an object; `{}` when they are not a JSON object. */
export function argumentsObject(args: string): JSON.Value {
  if (args.length) {
    const v = parseJson(String.UTF8.encode(args));
    if (v !== null && v.isObj) return v;
  }
  return new JSON.Obj();
}

/** The output-token limit: max_completion_tokens (current name), else max_tokens; null when neither. */
export function maxTokensOf(req: JSON.Obj): JSON.Value | null {
  const v = req.get("max_completion_tokens");
  if (v !== null && !v.isNull) return v;
  const old = req.get("max_tokens");
  return old !== null && !old.isNull ? old : null;
}

/** Writes `stop` (a string or an array of strings) as `,"<key>":[…]`; nothing when there is none. */
export function writeStopList(w: JsonWriter, req: JSON.Obj, key: string): void {
  const stop = req.get("stop");
  if (stop === null || !(stop.isString || stop.isArr)) return;
  w.byte(0x2c).string(key).byte(0x3a);
  if (stop.isString) w.byte(0x5b).value(stop).byte(0x5d);
  else w.value(stop);
}

/** The function of a `{"type": "function", "function": {...}}` tool; null for other tools. */
export function functionOf(tool: JSON.Value): JSON.Obj | null {
  if (!tool.isObj) return null;
  return (<JSON.Obj>tool).getObj("function");
}

/** Role of a message; "" when absent. */
export function roleOf(msg: JSON.Obj): string {
  const r = msg.getString("role");
  return r === null ? "" : r.valueOf();
}
