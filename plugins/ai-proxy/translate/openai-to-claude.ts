// OpenAI chat-completions request → Anthropic Messages request. System (and developer) messages
// become `system`; content parts become blocks (images and PDF files as base64 or URL sources);
// assistant tool calls become tool_use blocks and consecutive `tool` messages one user message of
// tool_result blocks; `stop` becomes stop_sequences; tools and tool_choice are renamed.
// Anthropic requires max_tokens: without one from the client, 4096 is sent (Higress's default).
import { JSON, JsonWriter } from "../../common/json-writer";
import {
  argumentsObject, contentText, functionOf, imageUrlOf, maxTokensOf, roleOf, splitDataUrl, writeStopList,
} from "./openai-request";
import { strOf } from "./openai-response";

export const CLAUDE_DEFAULT_MAX_TOKENS: i64 = 4096;

function isSystem(role: string): bool {
  return role == "system" || role == "developer";
}

/** `system`: one string for one system message; text blocks when there are several. */
function writeSystem(w: JsonWriter, messages: JSON.Value[]): void {
  const texts = new Array<string>();
  for (let i = 0; i < messages.length; i++) {
    if (!messages[i].isObj) continue;
    const m = <JSON.Obj>messages[i];
    if (isSystem(roleOf(m))) texts.push(contentText(m.get("content")));
  }
  if (texts.length == 0) return;
  w.ascii(',"system":');
  if (texts.length == 1) {
    w.string(texts[0]);
    return;
  }
  w.byte(0x5b);
  for (let i = 0; i < texts.length; i++) {
    if (i) w.byte(0x2c);
    w.ascii('{"type":"text","text":').string(texts[i]).byte(0x7d);
  }
  w.byte(0x5d);
}

/** An image or document source from a URL: base64 for data URLs, else a URL source. */
function writeSource(w: JsonWriter, url: string): void {
  const data = splitDataUrl(url);
  if (data !== null) {
    w.ascii('{"type":"base64","media_type":').string(data[0]).ascii(',"data":').string(data[1]).byte(0x7d);
  } else {
    w.ascii('{"type":"url","url":').string(url).byte(0x7d);
  }
}

/** One content part as a block; false when the part has no Anthropic equivalent (it is left out). */
function writePart(w: JsonWriter, part: JSON.Obj, first: bool): bool {
  const type = strOf(part, "type");
  if (type == "text") {
    if (!first) w.byte(0x2c);
    w.ascii('{"type":"text","text":').string(strOf(part, "text")).byte(0x7d);
    return true;
  }
  if (type == "image_url") {
    const url = imageUrlOf(part);
    if (url.length == 0) return false;
    if (!first) w.byte(0x2c);
    w.ascii('{"type":"image","source":');
    writeSource(w, url);
    w.byte(0x7d);
    return true;
  }
  if (type == "file") {
    const file = part.getObj("file");
    const data = file === null ? "" : strOf(file, "file_data");
    if (data.length == 0) return false;
    if (!first) w.byte(0x2c);
    w.ascii('{"type":"document","source":');
    writeSource(w, data);
    w.byte(0x7d);
    return true;
  }
  return false;
}

function writeUser(w: JsonWriter, content: JSON.Value): void {
  w.ascii('{"role":"user","content":');
  if (content.isString) {
    w.value(content).byte(0x7d);
    return;
  }
  w.byte(0x5b);
  let n = 0;
  if (content.isArr) {
    const parts = (<JSON.Arr>content).valueOf();
    for (let i = 0; i < parts.length; i++) {
      if (parts[i].isObj && writePart(w, <JSON.Obj>parts[i], n == 0)) n++;
    }
  }
  w.ascii("]}");
}

/** An assistant turn: its text, then one tool_use block per tool call. False when it is empty. */
function writeAssistant(w: JsonWriter, msg: JSON.Obj, separator: bool): bool {
  const text = contentText(msg.get("content"));
  const callsV = msg.getArr("tool_calls");
  const calls = callsV === null ? new Array<JSON.Value>() : callsV.valueOf();
  if (text.length == 0 && calls.length == 0) return false;
  if (separator) w.byte(0x2c);
  w.ascii('{"role":"assistant","content":');
  if (calls.length == 0) {
    w.string(text).byte(0x7d);
    return true;
  }
  w.byte(0x5b);
  let n = 0;
  if (text.length) {
    w.ascii('{"type":"text","text":').string(text).byte(0x7d);
    n++;
  }
  for (let i = 0; i < calls.length; i++) {
    const fn = functionOf(calls[i]);
    if (fn === null) continue;
    if (n++) w.byte(0x2c);
    w.ascii('{"type":"tool_use","id":').string(strOf(<JSON.Obj>calls[i], "id")).ascii(',"name":').string(strOf(fn, "name"));
    w.ascii(',"input":').value(argumentsObject(strOf(fn, "arguments"))).byte(0x7d);
  }
  w.ascii("]}");
  return true;
}

function writeMessages(w: JsonWriter, messages: JSON.Value[]): void {
  w.ascii(',"messages":[');
  let count = 0;
  // Consecutive tool results go into one user message, as Anthropic expects them after a tool_use turn.
  let inToolResults = false;
  for (let i = 0; i < messages.length; i++) {
    if (!messages[i].isObj) continue;
    const msg = <JSON.Obj>messages[i];
    const role = roleOf(msg);
    if (isSystem(role)) continue;
    if (role == "tool") {
      if (inToolResults) w.byte(0x2c);
      else {
        if (count++) w.byte(0x2c);
        w.ascii('{"role":"user","content":[');
        inToolResults = true;
      }
      w.ascii('{"type":"tool_result","tool_use_id":').string(strOf(msg, "tool_call_id"));
      w.ascii(',"content":').string(contentText(msg.get("content"))).byte(0x7d);
      continue;
    }
    if (inToolResults) {
      w.ascii("]}");
      inToolResults = false;
    }
    if (role == "assistant") {
      if (writeAssistant(w, msg, count > 0)) count++;
      continue;
    }
    const content = msg.get("content");
    if (content === null || content.isNull) continue;
    if (count++) w.byte(0x2c);
    writeUser(w, content);
  }
  if (inToolResults) w.ascii("]}");
  w.byte(0x5d);
}

function writeTools(w: JsonWriter, req: JSON.Obj): void {
  const tools = req.getArr("tools");
  if (tools === null) return;
  const list = tools.valueOf();
  w.ascii(',"tools":[');
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    const fn = functionOf(list[i]);
    if (fn === null) continue;
    if (n++) w.byte(0x2c);
    w.ascii('{"name":').string(strOf(fn, "name"));
    const description = fn.getString("description");
    if (description !== null) w.ascii(',"description":').string(description.valueOf());
    const params = fn.get("parameters");
    // input_schema is required; a function without parameters takes an empty object.
    w.ascii(',"input_schema":');
    if (params !== null && params.isObj) w.value(params);
    else w.ascii('{"type":"object","properties":{}}');
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

/** tool_choice: none/auto/required → none/auto/any; a named function → {"type":"tool","name"}. */
function writeToolChoice(w: JsonWriter, req: JSON.Obj): void {
  const choice = req.get("tool_choice");
  const parallel = req.getBool("parallel_tool_calls");
  const serial = parallel !== null && !parallel.valueOf();
  let type = "";
  let name = "";
  if (choice !== null && choice.isString) {
    const s = (<JSON.Str>choice).valueOf();
    type = s == "required" ? "any" : s == "none" ? "none" : "auto";
  } else if (choice !== null && choice.isObj) {
    const fn = (<JSON.Obj>choice).getObj("function");
    if (fn !== null) {
      type = "tool";
      name = strOf(fn, "name");
    }
  }
  if (type.length == 0 && serial) type = "auto";
  if (type.length == 0) return;
  w.ascii(',"tool_choice":{"type":').string(type);
  if (name.length) w.ascii(',"name":').string(name);
  if (serial && type != "none") w.ascii(',"disable_parallel_tool_use":true');
  w.byte(0x7d);
}

/** The Messages request for an OpenAI chat request (`req` carries the mapped model). */
export function toClaudeRequest(req: JSON.Obj, stream: bool): ArrayBuffer {
  const w = new JsonWriter(1024);
  const model = req.get("model");
  w.ascii('{"model":').value(model !== null ? model : JSON.Value.String(""));
  const messagesV = req.getArr("messages");
  const messages = messagesV === null ? new Array<JSON.Value>() : messagesV.valueOf();
  writeSystem(w, messages);
  writeMessages(w, messages);
  const max = maxTokensOf(req);
  w.ascii(',"max_tokens":');
  if (max !== null) w.value(max);
  else w.integer(CLAUDE_DEFAULT_MAX_TOKENS);
  const temperature = req.get("temperature");
  if (temperature !== null && !temperature.isNull) w.ascii(',"temperature":').value(temperature);
  const topP = req.get("top_p");
  if (topP !== null && !topP.isNull) w.ascii(',"top_p":').value(topP);
  writeStopList(w, req, "stop_sequences");
  if (stream) w.ascii(',"stream":true');
  writeTools(w, req);
  writeToolChoice(w, req);
  const user = req.getString("user");
  if (user !== null) w.ascii(',"metadata":{"user_id":').string(user.valueOf()).byte(0x7d);
  return w.byte(0x7d).toBuffer();
}
