// OpenAI requests → Gemini requests. Chat: system (and developer) messages become systemInstruction;
// user messages `user` turns and assistant messages `model` turns (consecutive messages of one role
// share a turn); content parts become parts (text, inlineData for data URLs and audio, fileData for
// other URLs); assistant tool calls become functionCall parts and `tool` messages functionResponse
// parts of a user turn (the function name is looked up from the call's id); sampling fields go into
// generationConfig; tools into functionDeclarations (JSON Schema as parametersJsonSchema); tool_choice
// into toolConfig. Embeddings: `input` (one string or several) becomes a batchEmbedContents request.
import { lowerAscii } from "../../common/bytes";
import { JSON, JsonWriter } from "../../common/json-writer";
import { parseJson } from "../usage";
import {
  argumentsObject, contentText, functionOf, imageUrlOf, maxTokensOf, roleOf, splitDataUrl, writeStopList,
} from "./openai-request";
import { strOf } from "./openai-response";

function isSystem(role: string): bool {
  return role == "system" || role == "developer";
}

/** A media type for a file URL, from its extension (Gemini's fileData needs one). */
function mediaTypeOfUrl(url: string): string {
  const q = url.indexOf("?");
  const path = lowerAscii(q < 0 ? url : url.substring(0, q));
  if (path.endsWith(".png")) return "image/png";
  if (path.endsWith(".webp")) return "image/webp";
  if (path.endsWith(".gif")) return "image/gif";
  if (path.endsWith(".pdf")) return "application/pdf";
  return "image/jpeg";
}

function writeMedia(w: JsonWriter, url: string): void {
  const data = splitDataUrl(url);
  if (data !== null) {
    w.ascii('{"inlineData":{"mimeType":').string(data[0]).ascii(',"data":').string(data[1]).ascii("}}");
  } else {
    w.ascii('{"fileData":{"mimeType":').string(mediaTypeOfUrl(url)).ascii(',"fileUri":').string(url).ascii("}}");
  }
}

/** One content part as a Gemini part; false when it has no Gemini equivalent (it is left out). */
function writePart(w: JsonWriter, part: JSON.Obj, first: bool): bool {
  const type = strOf(part, "type");
  let url = "";
  if (type == "text") {
    if (!first) w.byte(0x2c);
    w.ascii('{"text":').string(strOf(part, "text")).byte(0x7d);
    return true;
  }
  if (type == "image_url") url = imageUrlOf(part);
  else if (type == "file") {
    const file = part.getObj("file");
    if (file !== null) url = strOf(file, "file_data");
  } else if (type == "input_audio") {
    const audio = part.getObj("input_audio");
    if (audio !== null) url = "data:audio/" + strOf(audio, "format") + ";base64," + strOf(audio, "data");
  }
  if (url.length == 0) return false;
  if (!first) w.byte(0x2c);
  writeMedia(w, url);
  return true;
}

/** The parts of a user message; the number written. */
function writeUserParts(w: JsonWriter, content: JSON.Value): i32 {
  if (content.isString) {
    w.ascii('{"text":').value(content).byte(0x7d);
    return 1;
  }
  if (!content.isArr) return 0;
  const parts = (<JSON.Arr>content).valueOf();
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].isObj && writePart(w, <JSON.Obj>parts[i], n == 0)) n++;
  }
  return n;
}

/** A tool result as a functionResponse `response` object: the JSON object it is, or {"content": text}. */
function writeToolResponse(w: JsonWriter, text: string): void {
  const v = text.startsWith("{") ? parseJson(String.UTF8.encode(text)) : null;
  if (v !== null && v.isObj) w.value(v);
  else w.ascii('{"content":').string(text).byte(0x7d);
}

/**
 * Writes `contents`. Consecutive messages of one role share a turn (tool results, then the user's next
 * words, are one `user` turn), so turns alternate between user and model as Gemini expects.
 */
class ContentsWriter {
  private turns: i32 = 0;
  private openRole: string = "";
  /** Tool-call id → function name, from the assistant turns seen so far. */
  private readonly callNames: Map<string, string> = new Map();

  constructor(private readonly w: JsonWriter) {}

  /** Positions the writer for the next part of a `role` turn. */
  private part(role: string): void {
    if (this.openRole == role) {
      this.w.byte(0x2c);
      return;
    }
    this.close();
    if (this.turns++) this.w.byte(0x2c);
    this.w.ascii('{"role":').string(role).ascii(',"parts":[');
    this.openRole = role;
  }

  close(): void {
    if (this.openRole.length == 0) return;
    this.w.ascii("]}");
    this.openRole = "";
  }

  message(msg: JSON.Obj): void {
    const role = roleOf(msg);
    if (isSystem(role)) return;
    if (role == "tool") this.toolResult(msg);
    else if (role == "assistant") this.assistant(msg);
    else this.user(msg);
  }

  private toolResult(msg: JSON.Obj): void {
    const id = strOf(msg, "tool_call_id");
    const name = this.callNames.has(id) ? this.callNames.get(id) : strOf(msg, "name");
    this.part("user");
    this.w.ascii('{"functionResponse":{"name":').string(name).ascii(',"response":');
    writeToolResponse(this.w, contentText(msg.get("content")));
    this.w.ascii("}}");
  }

  private user(msg: JSON.Obj): void {
    const content = msg.get("content");
    if (content === null || content.isNull) return;
    // A turn needs at least one part: write into a scratch writer first.
    const parts = new JsonWriter(256);
    if (writeUserParts(parts, content) == 0) return;
    this.part("user");
    this.w.rawBuffer(parts.toBuffer());
  }

  private assistant(msg: JSON.Obj): void {
    const text = contentText(msg.get("content"));
    if (text.length) {
      this.part("model");
      this.w.ascii('{"text":').string(text).byte(0x7d);
    }
    const calls = msg.getArr("tool_calls");
    if (calls === null) return;
    const list = calls.valueOf();
    for (let i = 0; i < list.length; i++) {
      const fn = functionOf(list[i]);
      if (fn === null) continue;
      const name = strOf(fn, "name");
      this.callNames.set(strOf(<JSON.Obj>list[i], "id"), name);
      this.part("model");
      this.w.ascii('{"functionCall":{"name":').string(name).ascii(',"args":').value(argumentsObject(strOf(fn, "arguments"))).ascii("}}");
    }
  }
}

function writeSystemInstruction(w: JsonWriter, messages: JSON.Value[]): void {
  let n = 0;
  for (let i = 0; i < messages.length; i++) {
    if (!messages[i].isObj) continue;
    const m = <JSON.Obj>messages[i];
    if (!isSystem(roleOf(m))) continue;
    w.ascii(n++ ? "," : ',"systemInstruction":{"parts":[');
    w.ascii('{"text":').string(contentText(m.get("content"))).byte(0x7d);
  }
  if (n) w.ascii("]}");
}

/** Copies `from` of the request as `,"<to>":…` of generationConfig when present. */
function copyField(w: JsonWriter, req: JSON.Obj, from: string, to: string): void {
  const v = req.get(from);
  if (v !== null && !v.isNull) w.byte(0x2c).string(to).byte(0x3a).value(v);
}

function writeGenerationConfig(w: JsonWriter, req: JSON.Obj): void {
  // Every field is written with a leading comma; the first one is dropped below.
  const fields = new JsonWriter(128);
  copyField(fields, req, "temperature", "temperature");
  copyField(fields, req, "top_p", "topP");
  const max = maxTokensOf(req);
  if (max !== null) fields.ascii(',"maxOutputTokens":').value(max);
  copyField(fields, req, "n", "candidateCount");
  copyField(fields, req, "presence_penalty", "presencePenalty");
  copyField(fields, req, "frequency_penalty", "frequencyPenalty");
  copyField(fields, req, "seed", "seed");
  writeStopList(fields, req, "stopSequences");
  const format = req.getObj("response_format");
  const formatType = format === null ? "" : strOf(format, "type");
  if (formatType == "json_object" || formatType == "json_schema") {
    fields.ascii(',"responseMimeType":"application/json"');
    const spec = format!.getObj("json_schema");
    const schema: JSON.Value | null = spec === null ? null : spec.get("schema");
    if (schema !== null && schema.isObj) fields.ascii(',"responseJsonSchema":').value(schema);
  }
  if (fields.length == 0) return;
  const bytes = fields.toBuffer();
  w.ascii(',"generationConfig":{').raw(changetype<usize>(bytes) + 1, bytes.byteLength - 1).byte(0x7d);
}

function writeTools(w: JsonWriter, req: JSON.Obj): void {
  const tools = req.getArr("tools");
  if (tools === null) return;
  const list = tools.valueOf();
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    const fn = functionOf(list[i]);
    if (fn === null) continue;
    w.ascii(n++ ? "," : ',"tools":[{"functionDeclarations":[');
    w.ascii('{"name":').string(strOf(fn, "name"));
    const description = fn.getString("description");
    if (description !== null) w.ascii(',"description":').string(description.valueOf());
    const params = fn.get("parameters");
    if (params !== null && params.isObj) w.ascii(',"parametersJsonSchema":').value(params);
    w.byte(0x7d);
  }
  if (n) w.ascii("]}]");
}

/** tool_choice: none/auto/required → NONE/AUTO/ANY; a named function → ANY limited to that name. */
function writeToolConfig(w: JsonWriter, req: JSON.Obj): void {
  const choice = req.get("tool_choice");
  if (choice === null) return;
  let mode = "";
  let name = "";
  if (choice.isString) {
    const s = (<JSON.Str>choice).valueOf();
    mode = s == "required" ? "ANY" : s == "none" ? "NONE" : "AUTO";
  } else if (choice.isObj) {
    const fn = (<JSON.Obj>choice).getObj("function");
    if (fn === null) return;
    mode = "ANY";
    name = strOf(fn, "name");
  } else return;
  w.ascii(',"toolConfig":{"functionCallingConfig":{"mode":').string(mode);
  if (name.length) w.ascii(',"allowedFunctionNames":[').string(name).byte(0x5d);
  w.ascii("}}");
}

/** The generateContent request for an OpenAI chat request; `safety` is [category, threshold, …]. */
export function toGeminiRequest(req: JSON.Obj, safety: string[]): ArrayBuffer {
  const w = new JsonWriter(1024);
  const messagesV = req.getArr("messages");
  const messages = messagesV === null ? new Array<JSON.Value>() : messagesV.valueOf();
  w.ascii('{"contents":[');
  const contents = new ContentsWriter(w);
  for (let i = 0; i < messages.length; i++) if (messages[i].isObj) contents.message(<JSON.Obj>messages[i]);
  contents.close();
  w.byte(0x5d);
  writeSystemInstruction(w, messages);
  writeGenerationConfig(w, req);
  writeTools(w, req);
  writeToolConfig(w, req);
  for (let i = 0; i + 1 < safety.length; i += 2) {
    w.ascii(i ? "," : ',"safetySettings":[');
    w.ascii('{"category":').string(safety[i]).ascii(',"threshold":').string(safety[i + 1]).byte(0x7d);
  }
  if (safety.length) w.byte(0x5d);
  return w.byte(0x7d).toBuffer();
}

/** The batchEmbedContents request for an OpenAI embeddings request (strings only). */
export function toGeminiEmbeddings(req: JSON.Obj, model: string): ArrayBuffer {
  const w = new JsonWriter(512);
  const input = req.get("input");
  const inputs = new Array<JSON.Value>();
  if (input !== null && input.isString) inputs.push(input);
  else if (input !== null && input.isArr) {
    const items = (<JSON.Arr>input).valueOf();
    for (let i = 0; i < items.length; i++) if (items[i].isString) inputs.push(items[i]);
  }
  const dims = req.get("dimensions");
  w.ascii('{"requests":[');
  for (let i = 0; i < inputs.length; i++) {
    if (i) w.byte(0x2c);
    w.ascii('{"model":').string("models/" + model).ascii(',"content":{"parts":[{"text":').value(inputs[i]).ascii("}]}");
    if (dims !== null && dims.isInteger) w.ascii(',"outputDimensionality":').value(dims);
    w.byte(0x7d);
  }
  return w.ascii("]}").toBuffer();
}
