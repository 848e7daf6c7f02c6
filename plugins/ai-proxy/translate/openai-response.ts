// OpenAI's chat-completion response shapes, written for providers that answer in another protocol:
// a whole completion (choices with text, reasoning and tool calls, plus usage), and the chunks of a
// stream, which share one id, model and creation time. Stream framing itself lives in sse.ts.
import { nowNanos } from "../../common/host";
import { JSON, JsonWriter } from "../../common/json-writer";
import { SseWriter } from "../sse";
import { Usage } from "../usage";

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
  id: string = "";
  model: string = "";
  created: i64 = 0;
  private started: bool = false;

  constructor(model: string) {
    this.model = model;
  }

  private open(): JsonWriter {
    if (this.created == 0) this.created = unixSeconds();
    const w = new JsonWriter(192);
    w.ascii('{"id":').string(this.id).ascii(',"object":"chat.completion.chunk","created":').integer(this.created);
    return w.ascii(',"model":').string(this.model).ascii(",");
  }

  /** One chunk with one choice; `delta` is the delta object's JSON bytes, `finish` "" for none. */
  private choice(out: SseWriter, index: i32, delta: ArrayBuffer, finish: string): void {
    const w = this.open();
    w.ascii('"choices":[{"index":').integer(index).ascii(',"delta":');
    w.rawBuffer(delta).ascii(',"finish_reason":');
    if (finish.length) w.string(finish);
    else w.null();
    out.event("", w.ascii("}]}").toBuffer());
  }

  /** The first chunk, announcing the assistant role (sent once). */
  role(out: SseWriter): void {
    if (this.started) return;
    this.started = true;
    this.choice(out, 0, String.UTF8.encode('{"role":"assistant","content":""}'), "");
  }

  /** Text for `content`, or reasoning text for `reasoning_content`. */
  text(out: SseWriter, index: i32, field: string, text: string): void {
    this.role(out);
    const w = new JsonWriter(text.length + 32);
    w.byte(0x7b).string(field).byte(0x3a).string(text).byte(0x7d);
    this.choice(out, index, w.toBuffer(), "");
  }

  /** A tool call's first delta: its id and name, and the arguments known so far. */
  toolStart(out: SseWriter, index: i32, call: i32, id: string, name: string, args: string): void {
    this.role(out);
    const w = new JsonWriter(96);
    w.ascii('{"tool_calls":[{"index":').integer(call).ascii(',"id":').string(id).ascii(',"type":"function","function":{"name":');
    w.string(name).ascii(',"arguments":').string(args).ascii("}}]}");
    this.choice(out, index, w.toBuffer(), "");
  }

  /** More of a tool call's arguments. */
  toolArgs(out: SseWriter, index: i32, call: i32, args: string): void {
    const w = new JsonWriter(64);
    w.ascii('{"tool_calls":[{"index":').integer(call).ascii(',"function":{"arguments":').string(args).ascii("}}]}");
    this.choice(out, index, w.toBuffer(), "");
  }

  finish(out: SseWriter, index: i32, reason: string): void {
    this.role(out);
    this.choice(out, index, String.UTF8.encode("{}"), reason);
  }

  /** The usage chunk (empty choices) that include_usage asks for, then the end marker. */
  close(out: SseWriter, usage: Usage): void {
    const w = this.open();
    w.ascii('"choices":[],');
    writeUsage(w, usage);
    out.event("", w.byte(0x7d).toBuffer());
    out.event("", String.UTF8.encode("[DONE]"));
  }

  /** An error reported inside the stream, in OpenAI's error shape. */
  error(out: SseWriter, type: string, message: string): void {
    const w = new JsonWriter(128);
    w.ascii('{"error":{"message":').string(message).ascii(',"type":').string(type).ascii(',"param":null,"code":null}}');
    out.event("", w.toBuffer());
  }
}
