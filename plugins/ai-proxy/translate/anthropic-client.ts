// Anthropic clients (/v1/messages) served by providers that speak OpenAI: the Messages request becomes
// a chat-completions request, and the chat-completions answer (whole or streamed) becomes a Messages
// answer, with Anthropic's event sequence: message_start, content_block_start/delta/stop per block,
// message_delta (stop reason and usage), message_stop. An error the OpenAI stream reports becomes
// Anthropic's error event, which ends the stream.
import { JSON, JsonWriter, parseValid } from "../../common/json-writer";
import { ClientProtocol } from "../api";
import { errorEvent, incompleteStreamEvent } from "../errors";
import { SseEvent, SseWriter } from "../sse";
import { parseJson, readUsageAt, readUsageObject, Usage } from "../usage";
import { Elements, JsonView, Kind, Members } from "./json-path";
import { isJson } from "../../common/json-valid";
import { writeStringLiteral } from "./json-string";

// ---- request: Anthropic Messages → OpenAI chat completions

function str(s: string): JSON.Str {
  return JSON.Value.String(s);
}

function textOf(content: JSON.Value): string {
  if (content.isString) return (<JSON.Str>content).valueOf();
  if (!content.isArr) return "";
  const blocks = (<JSON.Arr>content).valueOf();
  let out = "";
  for (let i = 0; i < blocks.length; i++) {
    if (!blocks[i].isObj) continue;
    const b = <JSON.Obj>blocks[i];
    const t = b.getString("text");
    if (t !== null) out += (out.length ? "\n" : "") + t.valueOf();
  }
  return out;
}

function message(role: string, content: JSON.Value): JSON.Obj {
  const m = new JSON.Obj();
  m.set<JSON.Value>("role", str(role));
  m.set<JSON.Value>("content", content);
  return m;
}

/** Converts one Anthropic message into OpenAI messages (tool results become `tool` messages). */
function convertMessage(msg: JSON.Obj, out: JSON.Value[]): void {
  const roleV = msg.getString("role");
  const role = roleV === null ? "user" : roleV.valueOf();
  const content = msg.get("content");
  if (content === null) return;
  if (content.isString) {
    out.push(message(role, content));
    return;
  }
  if (!content.isArr) return;
  const blocks = (<JSON.Arr>content).valueOf();
  const parts = new JSON.Arr();
  const toolCalls = new JSON.Arr();
  let text = "";
  let onlyText = true;
  for (let i = 0; i < blocks.length; i++) {
    if (!blocks[i].isObj) continue;
    const b = <JSON.Obj>blocks[i];
    const typeV = b.getString("type");
    const type = typeV === null ? "" : typeV.valueOf();
    if (type == "text") {
      const t = b.getString("text");
      const s = t === null ? "" : t.valueOf();
      text += s;
      const part = new JSON.Obj();
      part.set<JSON.Value>("type", str("text"));
      part.set<JSON.Value>("text", str(s));
      parts.push(part);
    } else if (type == "image") {
      onlyText = false;
      const source = b.getObj("source");
      if (source === null) continue;
      const media = source.getString("media_type");
      const data = source.getString("data");
      const url = source.getString("url");
      const image = new JSON.Obj();
      image.set<JSON.Value>("url", str(url !== null ? url.valueOf() : "data:" + (media === null ? "image/png" : media.valueOf()) + ";base64," + (data === null ? "" : data.valueOf())));
      const part = new JSON.Obj();
      part.set<JSON.Value>("type", str("image_url"));
      part.set<JSON.Value>("image_url", image);
      parts.push(part);
    } else if (type == "tool_use") {
      const fn = new JSON.Obj();
      const name = b.getString("name");
      fn.set<JSON.Value>("name", str(name === null ? "" : name.valueOf()));
      const input = b.get("input");
      fn.set<JSON.Value>("arguments", str(input === null ? "{}" : String.UTF8.decode(new JsonWriter(64).value(input).toBuffer())));
      const call = new JSON.Obj();
      const id = b.getString("id");
      call.set<JSON.Value>("id", str(id === null ? "" : id.valueOf()));
      call.set<JSON.Value>("type", str("function"));
      call.set<JSON.Value>("function", fn);
      toolCalls.push(call);
    } else if (type == "tool_result") {
      const id = b.getString("tool_use_id");
      const resultContent = b.get("content");
      const tool = message("tool", str(resultContent === null ? "" : textOf(resultContent)));
      tool.set<JSON.Value>("tool_call_id", str(id === null ? "" : id.valueOf()));
      out.push(tool);
    }
  }
  if (toolCalls.valueOf().length) {
    const m = message("assistant", text.length ? str(text) : JSON.Value.Null());
    m.set<JSON.Value>("tool_calls", toolCalls);
    out.push(m);
  } else if (parts.valueOf().length) {
    out.push(message(role, onlyText ? str(text) : parts));
  }
}

/** An Anthropic Messages request as an OpenAI chat request; null when it is not one. */
export function toOpenAiRequest(req: JSON.Obj): JSON.Obj | null {
  const messages = req.getArr("messages");
  if (messages === null) return null;
  const out = new JSON.Obj();
  out.set<JSON.Value>("model", req.get("model")!);
  const list = new Array<JSON.Value>();
  const system = req.get("system");
  if (system !== null && !system.isNull) list.push(message("system", str(textOf(system))));
  const items = messages.valueOf();
  for (let i = 0; i < items.length; i++) if (items[i].isObj) convertMessage(<JSON.Obj>items[i], list);
  const arr = new JSON.Arr();
  for (let i = 0; i < list.length; i++) arr.push(list[i]);
  out.set<JSON.Value>("messages", arr);
  const copy = ["max_tokens", "temperature", "top_p", "stream"];
  for (let i = 0; i < copy.length; i++) {
    const v = req.get(copy[i]);
    if (v !== null) out.set<JSON.Value>(copy[i], v);
  }
  const stop = req.get("stop_sequences");
  if (stop !== null) out.set<JSON.Value>("stop", stop);
  const tools = req.getArr("tools");
  if (tools !== null) {
    const converted = new JSON.Arr();
    const ts = tools.valueOf();
    for (let i = 0; i < ts.length; i++) {
      if (!ts[i].isObj) continue;
      const t = <JSON.Obj>ts[i];
      const fn = new JSON.Obj();
      const name = t.get("name");
      if (name !== null) fn.set<JSON.Value>("name", name);
      const description = t.get("description");
      if (description !== null) fn.set<JSON.Value>("description", description);
      const schema = t.get("input_schema");
      if (schema !== null) fn.set<JSON.Value>("parameters", schema);
      const tool = new JSON.Obj();
      tool.set<JSON.Value>("type", str("function"));
      tool.set<JSON.Value>("function", fn);
      converted.push(tool);
    }
    out.set<JSON.Value>("tools", converted);
  }
  const choice = req.getObj("tool_choice");
  if (choice !== null) {
    const t = choice.getString("type");
    const type = t === null ? "auto" : t.valueOf();
    if (type == "any") out.set<JSON.Value>("tool_choice", str("required"));
    else if (type == "none") out.set<JSON.Value>("tool_choice", str("none"));
    else if (type == "tool") {
      const fn = new JSON.Obj();
      const name = choice.get("name");
      if (name !== null) fn.set<JSON.Value>("name", name);
      const c = new JSON.Obj();
      c.set<JSON.Value>("type", str("function"));
      c.set<JSON.Value>("function", fn);
      out.set<JSON.Value>("tool_choice", c);
    } else out.set<JSON.Value>("tool_choice", str("auto"));
  }
  const metadata = req.getObj("metadata");
  if (metadata !== null) {
    const user = metadata.get("user_id");
    if (user !== null) out.set<JSON.Value>("user", user);
  }
  return out;
}

// ---- response: OpenAI chat completions → Anthropic Messages

export function stopReason(finish: string): string {
  if (finish == "length") return "max_tokens";
  if (finish == "tool_calls" || finish == "function_call") return "tool_use";
  if (finish == "content_filter") return "refusal";
  return "end_turn";
}

function writeUsage(w: JsonWriter, u: Usage): void {
  w.ascii('"usage":{"input_tokens":').integer(u.input > 0 ? u.input : 0).ascii(',"output_tokens":').integer(u.output > 0 ? u.output : 0).ascii("}");
}

function parseArguments(args: string): JSON.Value {
  const bytes = String.UTF8.encode(args);
  const v = parseJson(bytes);
  return v !== null ? v : new JSON.Obj();
}

/** Turns OpenAI chat responses (whole or streamed) into Anthropic Messages responses. */
export class ClientTranslator {
  readonly usage: Usage = new Usage();
  private started: bool = false;
  private id: string = "msg_gateway";
  /** Index of the open content block, -1 when none is open. */
  private open: i32 = -1;
  private nextIndex: i32 = 0;
  /** The open block is text (not a tool call). */
  private openIsText: bool = false;
  /** OpenAI tool-call index → Anthropic block index of that call. */
  private toolBlocks: Map<i32, i32> = new Map();
  private finish: string = "";
  /** The stream reported an error, written as the client's one error event: nothing may follow it. */
  failed: bool = false;
  /** Stream chunks are read through one view and one pair of cursors, moved from chunk to chunk. */
  private readonly view: JsonView = new JsonView(0, 0);
  private readonly members: Members = new Members(this.view, -1);
  private readonly elements: Elements = new Elements(this.view, -1);

  constructor(readonly model: string, readonly stream: bool) {}

  /** A whole chat completion → a whole Message. Errors are reshaped elsewhere. */
  body(openAi: ArrayBuffer, status: u32): ArrayBuffer {
    const doc = parseJson(openAi);
    if (doc === null || !doc.isObj || status >= 300) return openAi;
    const obj = <JSON.Obj>doc;
    const usage = obj.getObj("usage");
    if (usage !== null) readUsageObject(usage, this.usage);
    const idV = obj.getString("id");
    const w = new JsonWriter(512);
    w.ascii('{"id":').string(idV === null ? this.id : idV.valueOf()).ascii(',"type":"message","role":"assistant","model":').string(this.model).ascii(',"content":[');
    let finish = "stop";
    let blocks = 0;
    const choices = obj.getArr("choices");
    if (choices !== null && choices.valueOf().length && choices.valueOf()[0].isObj) {
      const choice = <JSON.Obj>choices.valueOf()[0];
      const f = choice.getString("finish_reason");
      if (f !== null) finish = f.valueOf();
      const msg = choice.getObj("message");
      if (msg !== null) {
        const content = msg.get("content");
        if (content !== null && !content.isNull) {
          const text = textOf(content);
          if (text.length) {
            w.ascii('{"type":"text","text":').string(text).ascii("}");
            blocks++;
          }
        }
        const calls = msg.getArr("tool_calls");
        if (calls !== null) {
          const list = calls.valueOf();
          for (let i = 0; i < list.length; i++) {
            if (!list[i].isObj) continue;
            const call = <JSON.Obj>list[i];
            const fn = call.getObj("function");
            const id = call.getString("id");
            const name: JSON.Str | null = fn === null ? null : fn.getString("name");
            const args: JSON.Str | null = fn === null ? null : fn.getString("arguments");
            if (blocks++) w.byte(0x2c);
            w.ascii('{"type":"tool_use","id":').string(id === null ? "" : id.valueOf()).ascii(',"name":').string(name === null ? "" : name.valueOf());
            w.ascii(',"input":').value(parseArguments(args === null ? "{}" : args.valueOf())).ascii("}");
          }
        }
      }
    }
    w.ascii('],"stop_reason":').string(stopReason(finish)).ascii(',"stop_sequence":null,');
    writeUsage(w, this.usage);
    w.ascii("}");
    return w.toBuffer();
  }

  private start(out: SseWriter): void {
    if (this.started) return;
    this.started = true;
    const w = out.open("message_start");
    w.ascii('{"type":"message_start","message":{"id":').string(this.id).ascii(',"type":"message","role":"assistant","model":').string(this.model);
    w.ascii(',"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}');
    out.close();
  }

  private closeBlock(out: SseWriter): void {
    if (this.open < 0) return;
    out.open("content_block_stop").ascii('{"type":"content_block_stop","index":').integer(this.open).byte(0x7d);
    out.close();
    this.open = -1;
  }

  private openText(out: SseWriter): void {
    if (this.open >= 0 && this.openIsText) return;
    this.closeBlock(out);
    this.open = this.nextIndex++;
    this.openIsText = true;
    out.open("content_block_start").ascii('{"type":"content_block_start","index":').integer(this.open).ascii(',"content_block":{"type":"text","text":""}}');
    out.close();
  }

  /** One OpenAI chunk event → Anthropic events. */
  event(ev: SseEvent, out: SseWriter): void {
    if (ev.dataEquals("[DONE]")) return;
    if (!isJson(ev.dataPtr, ev.dataLength)) return;
    if (!this.plainChunk(this.view.over(ev.dataPtr, ev.dataLength), out)) this.parsedChunk(parseValid(ev.data), out);
  }

  /** Any chunk, from the JSON library's tree. */
  parsedChunk(doc: JSON.Value, out: SseWriter): void {
    if (!doc.isObj) return;
    const obj = <JSON.Obj>doc;
    const err = obj.getObj("error");
    if (err !== null) {
      const message = err.getString("message");
      const type = err.getString("type");
      out.raw(errorEvent(ClientProtocol.Anthropic, type === null ? "" : type.valueOf(), "", message === null ? "the provider reported an error" : message.valueOf()));
      this.failed = true;
      return;
    }
    const idV = obj.getString("id");
    this.begin(idV === null ? null : idV.valueOf(), out);
    const usage = obj.getObj("usage");
    if (usage !== null) readUsageObject(usage, this.usage);
    const choices = obj.getArr("choices");
    if (choices === null) return;
    const list = choices.valueOf();
    for (let c = 0; c < list.length; c++) {
      if (!list[c].isObj) continue;
      const choice = <JSON.Obj>list[c];
      const f = choice.getString("finish_reason");
      if (f !== null) this.finish = f.valueOf();
      const delta = choice.getObj("delta");
      if (delta === null) continue;
      const content = delta.getString("content");
      if (content !== null) this.textDelta(content.valueOf(), out);
      const calls = delta.getArr("tool_calls");
      if (calls !== null) this.toolCallDeltas(calls.valueOf(), out);
    }
  }

  /**
   * The usual chunk — at most one choice, with a text delta, a finish_reason or usage, no tool calls —
   * read straight from its bytes (valid JSON), with the same effect as parsedChunk. False (nothing done)
   * for any other shape, which then takes parsedChunk.
   */
  plainChunk(doc: JsonView, out: SseWriter): bool {
    const root = doc.root();
    if (doc.kind(root) != Kind.Object) return true; // the parse ignores it too
    let id = -1, usage = -1, choices = -1;
    // One cursor, reused for each object in turn (nothing allocated per chunk).
    const m = this.members.over(doc, root);
    let error = false;
    while (m.next()) {
      if (m.is("id")) id = m.value;
      else if (m.is("usage")) usage = m.value;
      else if (m.is("choices")) choices = m.value;
      else if (m.is("error")) error = doc.kind(m.value) == Kind.Object;
    }
    // An error object (OpenAI's in-stream `{"error":…}`, choices or not) or no choices at all: the tree's.
    if (error || doc.kind(choices) != Kind.Array) return false;
    let finish = -1, content = -1;
    const e = this.elements.over(doc, choices);
    let choice = -1;
    while (e.next()) {
      if (choice >= 0) return false; // several choices
      choice = e.value;
    }
    let delta = -1;
    m.over(doc, choice);
    while (m.next()) {
      if (m.is("finish_reason")) finish = m.value;
      else if (m.is("delta")) delta = m.value;
    }
    m.over(doc, delta);
    while (m.next()) {
      if (m.is("content")) content = m.value;
      else if (m.is("tool_calls") && doc.kind(m.value) == Kind.Array) return false;
    }
    // The id is read only from the chunk that starts the message.
    this.begin(this.started ? null : doc.string(id), out);
    if (doc.kind(usage) == Kind.Object) readUsageAt(doc, usage, this.usage);
    const f = doc.string(finish);
    if (f !== null) this.finish = f;
    // An empty text adds nothing; any other is copied as it came, not decoded and encoded again.
    if (doc.kind(content) == Kind.String && doc.end(content) - content > 2) {
      const w = this.openTextDelta(out);
      writeStringLiteral(w, doc.ptr, content, doc.end(content));
      this.closeTextDelta(w, out);
    }
    return true;
  }

  /** The first chunk starts the message, with the chunk's id when it has one. */
  private begin(id: string | null, out: SseWriter): void {
    if (!this.started && id !== null) this.id = id;
    this.start(out);
  }

  private textDelta(text: string, out: SseWriter): void {
    if (!text.length) return;
    this.closeTextDelta(this.openTextDelta(out).string(text), out);
  }

  /** Starts a text delta event (opening the text block first if needed); write the text, then close. */
  private openTextDelta(out: SseWriter): JsonWriter {
    this.openText(out);
    const w = out.open("content_block_delta").ascii('{"type":"content_block_delta","index":').integer(this.open);
    return w.ascii(',"delta":{"type":"text_delta","text":');
  }

  private closeTextDelta(w: JsonWriter, out: SseWriter): void {
    w.ascii("}}");
    out.close();
  }

  private toolCallDeltas(calls: JSON.Value[], out: SseWriter): void {
    for (let i = 0; i < calls.length; i++) {
      if (!calls[i].isObj) continue;
      const call = <JSON.Obj>calls[i];
      const idx = call.getInteger("index");
      const key = idx === null ? 0 : <i32>idx.valueOf();
      const fn = call.getObj("function");
      if (!this.toolBlocks.has(key)) {
        this.closeBlock(out);
        this.open = this.nextIndex++;
        this.openIsText = false;
        this.toolBlocks.set(key, this.open);
        const id = call.getString("id");
        const name: JSON.Str | null = fn === null ? null : fn.getString("name");
        const w = new JsonWriter(128);
        w.ascii('{"type":"content_block_start","index":').integer(this.open).ascii(',"content_block":{"type":"tool_use","id":').string(id === null ? "" : id.valueOf());
        w.ascii(',"name":').string(name === null ? "" : name.valueOf()).ascii(',"input":{}}}');
        out.event("content_block_start", w.toBuffer());
      }
      const args: JSON.Str | null = fn === null ? null : fn.getString("arguments");
      if (args !== null && args.valueOf().length) {
        const w = new JsonWriter(96);
        w.ascii('{"type":"content_block_delta","index":').integer(this.toolBlocks.get(key)).ascii(',"delta":{"type":"input_json_delta","partial_json":').string(args.valueOf()).ascii("}}");
        out.event("content_block_delta", w.toBuffer());
      }
    }
  }

  /** The OpenAI stream ended (`complete`: with [DONE]): close the message, or report the break (unless reported). */
  end(out: SseWriter, complete: bool): void {
    if (this.failed) return;
    this.start(out);
    this.closeBlock(out);
    if (!complete) {
      out.raw(incompleteStreamEvent(ClientProtocol.Anthropic));
      return;
    }
    const w = new JsonWriter(160);
    w.ascii('{"type":"message_delta","delta":{"stop_reason":').string(stopReason(this.finish.length ? this.finish : "stop")).ascii(',"stop_sequence":null},');
    writeUsage(w, this.usage);
    w.ascii("}");
    out.event("message_delta", w.toBuffer());
    out.event("message_stop", String.UTF8.encode('{"type":"message_stop"}'));
  }
}
