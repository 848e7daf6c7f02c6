// OpenAI's chat-completion response shapes, written for providers that answer in another protocol:
// a whole completion (choices with text, reasoning and tool calls, plus usage), and the chunks of a
// stream, which share one id, model and creation time. Stream framing itself lives in sse.ts.
import { nowNanos } from "../../common/host";
import { JSON, JsonWriter } from "../../common/json-writer";
import { SseWriter } from "../sse";
import { Usage } from "../usage";
import { JsonView } from "./json-path";
import { writeStringAt } from "./json-string";

export class ToolCall {
  constructor(public id: string, public name: string, public args: string) {}
}

/** One choice of a whole completion, gathered from the provider's answer. */
export class Choice {
  index: i32 = 0;
  text: string = "";
  /** Reasoning ("thinking") text, sent as `reasoning_content` as DeepSeek and others do. */
  reasoning: string = "";
  calls: ToolCall[] = [];
  finish: string = "stop";
}

export function unixSeconds(): i64 {
  return <i64>(nowNanos() / 1_000_000_000);
}

/** A string field, "" when absent or not a string. */
export function strOf(obj: JSON.Obj, key: string): string {
  const v = obj.getString(key);
  return v === null ? "" : v.valueOf();
}

/** An integer field (integers written as floats too), -1 when absent. */
export function intOf(obj: JSON.Obj, key: string): i64 {
  const v = obj.get(key);
  if (v === null) return -1;
  if (v.isInteger) return (<JSON.Integer>v).valueOf();
  if (v.isFloat) return <i64>(<JSON.Float>v).valueOf();
  return -1;
}

/** The objects of an array (other items skipped); none when there is no array. */
export function objects(v: JSON.Arr | null): JSON.Obj[] {
  const out = new Array<JSON.Obj>();
  if (v === null) return out;
  const items = v.valueOf();
  for (let i = 0; i < items.length; i++) if (items[i].isObj) out.push(<JSON.Obj>items[i]);
  return out;
}

function writeUsage(w: JsonWriter, u: Usage): void {
  const input = u.input > 0 ? u.input : 0;
  const output = u.output > 0 ? u.output : 0;
  w.ascii('"usage":{"prompt_tokens":').integer(input).ascii(',"completion_tokens":').integer(output);
  w.ascii(',"total_tokens":').integer(input + output).byte(0x7d);
}

function writeToolCall(w: JsonWriter, call: ToolCall): void {
  w.ascii('{"id":').string(call.id).ascii(',"type":"function","function":{"name":').string(call.name);
  w.ascii(',"arguments":').string(call.args).ascii("}}");
}

/** A whole chat completion. Content is null only when the answer is tool calls alone, as OpenAI does. */
export function writeCompletion(id: string, model: string, choices: Choice[], usage: Usage): ArrayBuffer {
  const w = new JsonWriter(512);
  w.ascii('{"id":').string(id).ascii(',"object":"chat.completion","created":').integer(unixSeconds());
  w.ascii(',"model":').string(model).ascii(',"choices":[');
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i];
    if (i) w.byte(0x2c);
    w.ascii('{"index":').integer(c.index).ascii(',"message":{"role":"assistant","content":');
    if (c.text.length || c.calls.length == 0) w.string(c.text);
    else w.null();
    if (c.reasoning.length) w.ascii(',"reasoning_content":').string(c.reasoning);
    if (c.calls.length) {
      w.ascii(',"tool_calls":[');
      for (let k = 0; k < c.calls.length; k++) {
        if (k) w.byte(0x2c);
        writeToolCall(w, c.calls[k]);
      }
      w.byte(0x5d);
    }
    w.ascii('},"finish_reason":').string(c.finish).byte(0x7d);
  }
  w.ascii("],");
  writeUsage(w, usage);
  w.byte(0x7d);
  return w.toBuffer();
}

/** Writes the chunks of one OpenAI stream; every chunk carries the same id, model and creation time. */
export class ChunkStream {
  /** The chunks' id, model and creation time (0: the time of the first chunk). Set through name(). */
  id: string = "";
  model: string;
  created: i64 = 0;
  private started: bool = false;
  /** The chunks' common beginning, `{"id":…,"object":…,"created":…,"model":…,`, written once. */
  private head: ArrayBuffer | null = null;

  constructor(model: string) {
    this.model = model;
  }

  /** Names the chunks from here on: `model` "" and `created` 0 keep the ones they have. */
  name(id: string, model: string, created: i64): void {
    this.id = id;
    if (model.length) this.model = model;
    if (created != 0) this.created = created;
    this.head = null;
  }

  private open(out: SseWriter): JsonWriter {
    let head = this.head;
    if (head === null) {
      if (this.created == 0) this.created = unixSeconds();
      const w = new JsonWriter(128);
      w.ascii('{"id":').string(this.id).ascii(',"object":"chat.completion.chunk","created":').integer(this.created);
      head = w.ascii(',"model":').string(this.model).ascii(",").toBuffer();
      this.head = head;
    }
    return out.open("").rawBuffer(head);
  }

  /** Starts a chunk with one choice; the caller writes the delta object, then calls closeChoice. */
  private openChoice(out: SseWriter, index: i32): JsonWriter {
    const w = this.open(out).ascii('"choices":[{"index":');
    return w.integer(index).ascii(',"delta":');
  }

  /** Ends a chunk opened by openChoice; `finish` "" for none. */
  private closeChoice(out: SseWriter, w: JsonWriter, finish: string): void {
    w.ascii(',"finish_reason":');
    if (finish.length) w.string(finish);
    else w.null();
    w.ascii("}]}");
    out.close();
  }

  /** The first chunk, announcing the assistant role (sent once). */
  role(out: SseWriter): void {
    if (this.started) return;
    this.started = true;
    this.closeChoice(out, this.openChoice(out, 0).ascii('{"role":"assistant","content":""}'), "");
  }

  /** Text for `content`, or reasoning text for `reasoning_content` (field names are plain ASCII). */
  text(out: SseWriter, index: i32, field: string, text: string): void {
    this.role(out);
    const w = this.openChoice(out, index);
    w.ascii('{"').ascii(field).ascii('":').string(text).byte(0x7d);
    this.closeChoice(out, w, "");
  }

  /** text() with the text at `at` in `doc` ("" when that is not a string), copied as it came when it can be. */
  textAt(out: SseWriter, index: i32, field: string, doc: JsonView, at: i32): void {
    this.role(out);
    const w = this.openChoice(out, index);
    w.ascii('{"').ascii(field).ascii('":');
    writeStringAt(w, doc, at);
    w.byte(0x7d);
    this.closeChoice(out, w, "");
  }

  /** A tool call's first delta: its id and name, and the arguments known so far. */
  toolStart(out: SseWriter, index: i32, call: i32, id: string, name: string, args: string): void {
    this.role(out);
    const w = this.openChoice(out, index);
    w.ascii('{"tool_calls":[{"index":').integer(call).ascii(',"id":').string(id).ascii(',"type":"function","function":{"name":');
    w.string(name).ascii(',"arguments":').string(args).ascii("}}]}");
    this.closeChoice(out, w, "");
  }

  /** More of a tool call's arguments. */
  toolArgs(out: SseWriter, index: i32, call: i32, args: string): void {
    const w = this.openChoice(out, index);
    w.ascii('{"tool_calls":[{"index":').integer(call).ascii(',"function":{"arguments":').string(args).ascii("}}]}");
    this.closeChoice(out, w, "");
  }

  finish(out: SseWriter, index: i32, reason: string): void {
    this.role(out);
    this.closeChoice(out, this.openChoice(out, index).ascii("{}"), reason);
  }

  /** The usage chunk (empty choices) that include_usage asks for, then the end marker. */
  close(out: SseWriter, usage: Usage): void {
    const w = this.open(out);
    w.ascii('"choices":[],');
    writeUsage(w, usage);
    w.byte(0x7d);
    out.close();
    out.open("").ascii("[DONE]");
    out.close();
  }

  /** An error reported inside the stream, in OpenAI's error shape. */
  error(out: SseWriter, type: string, message: string): void {
    const w = out.open("");
    w.ascii('{"error":{"message":').string(message).ascii(',"type":').string(type).ascii(',"param":null,"code":null}}');
    out.close();
  }
}
