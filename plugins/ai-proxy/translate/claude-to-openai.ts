// Anthropic Messages response → OpenAI chat completion, whole or streamed. Text blocks become the
// message content, thinking blocks `reasoning_content`, tool_use blocks tool_calls; stop_reason maps to
// finish_reason. The stream keeps the message id for every chunk: message_start (input tokens) gives
// the role chunk, content_block_* give text / tool-call deltas, message_delta gives finish_reason and
// the output tokens, message_stop the usage chunk and `data: [DONE]`. Anthropic reports usage in two
// halves (input in message_start, cumulative output in message_delta): both are kept and combined.
import { JSON, JsonWriter, parseValid } from "../../common/json-writer";
import { ResponseTranslator } from "../providers/provider";
import { SseEvent, SseWriter } from "../sse";
import { parseJson, Usage } from "../usage";
import { JsonView, Kind, Members } from "./json-path";
import { isJson } from "../../common/json-valid";
import { Choice, ChunkStream, intOf, strOf, ToolCall, writeCompletion } from "./openai-response";

/** Anthropic's usage → `u`. Input counts cached prompt tokens too, as OpenAI's prompt_tokens does. */
export function readClaudeUsage(usage: JSON.Obj, u: Usage): void {
  setClaudeUsage(intOf(usage, "input_tokens"), intOf(usage, "cache_creation_input_tokens"), intOf(usage, "cache_read_input_tokens"), intOf(usage, "output_tokens"), u);
}

/** readClaudeUsage over the bytes of the usage object at `obj`. */
export function readClaudeUsageAt(doc: JsonView, obj: i32, u: Usage): void {
  let input = -1, written = -1, read = -1, output = -1;
  const m = doc.members(obj);
  while (m.next()) {
    if (m.is("input_tokens")) input = m.value;
    else if (m.is("cache_creation_input_tokens")) written = m.value;
    else if (m.is("cache_read_input_tokens")) read = m.value;
    else if (m.is("output_tokens")) output = m.value;
  }
  setClaudeUsage(doc.integerOr(input, -1), doc.integerOr(written, -1), doc.integerOr(read, -1), doc.integerOr(output, -1), u);
}

function setClaudeUsage(input: i64, written: i64, read: i64, output: i64, u: Usage): void {
  if (input >= 0) u.input = input + (written > 0 ? written : 0) + (read > 0 ? read : 0);
  if (output >= 0) u.output = output;
}

export function finishReason(stopReason: string): string {
  if (stopReason == "max_tokens" || stopReason == "model_context_window_exceeded") return "length";
  if (stopReason == "tool_use") return "tool_calls";
  if (stopReason == "refusal") return "content_filter";
  return "stop";
}

/** The event's type: the `type` in its data (always there), else its `event:` name. */
function eventType(ev: SseEvent, data: JSON.Obj): string {
  const t = data.getString("type");
  return t !== null ? t.valueOf() : ev.event;
}

export class ClaudeToOpenAi extends ResponseTranslator {
  private readonly chunks: ChunkStream;
  /** Anthropic block index → OpenAI tool-call index (tool calls are numbered from 0 on their own). */
  private readonly toolCalls: Map<i32, i32> = new Map();
  /** Stream events are read through one view and one cursor, moved from event to event. */
  private readonly view: JsonView = new JsonView(0, 0);
  private readonly members: Members = new Members(this.view, -1);

  constructor(private readonly model: string) {
    super();
    this.chunks = new ChunkStream(model);
  }

  body(body: ArrayBuffer, status: u32): ArrayBuffer {
    const doc = parseJson(body);
    if (status >= 300 || doc === null || !doc.isObj) return body;
    const msg = <JSON.Obj>doc;
    const usage = msg.getObj("usage");
    if (usage !== null) readClaudeUsage(usage, this.usage);
    const choice = new Choice();
    choice.finish = finishReason(strOf(msg, "stop_reason"));
    const content = msg.getArr("content");
    const blocks = content === null ? new Array<JSON.Value>() : content.valueOf();
    for (let i = 0; i < blocks.length; i++) {
      if (!blocks[i].isObj) continue;
      const b = <JSON.Obj>blocks[i];
      const type = strOf(b, "type");
      if (type == "text") choice.text += strOf(b, "text");
      else if (type == "thinking") choice.reasoning += strOf(b, "thinking");
      else if (type == "tool_use") {
        const input = b.get("input");
        const args = input === null ? "{}" : String.UTF8.decode(new JsonWriter(64).value(input).toBuffer());
        choice.calls.push(new ToolCall(strOf(b, "id"), strOf(b, "name"), args));
      }
    }
    const model = strOf(msg, "model");
    return writeCompletion(strOf(msg, "id"), model.length ? model : this.model, [choice], this.usage);
  }

  event(ev: SseEvent, out: SseWriter): void {
    if (!isJson(ev.dataPtr, ev.dataLength)) return;
    if (!this.plainEvent(ev, this.view.over(ev.dataPtr, ev.dataLength), out)) this.parsedEvent(ev, parseValid(ev.data), out);
  }

  /** Any event, from the JSON library's tree. */
  parsedEvent(ev: SseEvent, doc: JSON.Value, out: SseWriter): void {
    if (!doc.isObj) return;
    const data = <JSON.Obj>doc;
    const type = eventType(ev, data);
    const c = this.chunks;
    if (type == "message_start") {
      const msg = data.getObj("message");
      if (msg !== null) {
        const usage = msg.getObj("usage");
        if (usage !== null) readClaudeUsage(usage, this.usage);
        this.started(strOf(msg, "id"), strOf(msg, "model"));
      }
      c.role(out);
    } else if (type == "content_block_start") {
      const block = data.getObj("content_block");
      if (block === null) return;
      const index = <i32>intOf(data, "index");
      const blockType = strOf(block, "type");
      if (blockType == "tool_use") {
        const call = this.toolCalls.size;
        this.toolCalls.set(index, call);
        c.toolStart(out, 0, call, strOf(block, "id"), strOf(block, "name"), "");
      } else if (blockType == "text") {
        this.text(strOf(block, "text"), out);
      }
    } else if (type == "content_block_delta") {
      const delta = data.getObj("delta");
      if (delta === null) return;
      const kind = strOf(delta, "type");
      if (kind == "text_delta") c.text(out, 0, "content", strOf(delta, "text"));
      else if (kind == "thinking_delta") c.text(out, 0, "reasoning_content", strOf(delta, "thinking"));
      else if (kind == "input_json_delta") this.toolArgs(<i32>intOf(data, "index"), strOf(delta, "partial_json"), out);
    } else if (type == "message_delta") {
      const usage = data.getObj("usage");
      if (usage !== null) readClaudeUsage(usage, this.usage);
      const delta = data.getObj("delta");
      c.finish(out, 0, finishReason(delta === null ? "" : strOf(delta, "stop_reason")));
    } else if (type == "message_stop") {
      this.stop(out);
    } else if (type == "error") {
      const err = data.getObj("error");
      const message = err === null ? "the provider reported an error" : strOf(err, "message");
      c.error(out, err === null ? "api_error" : strOf(err, "type"), message);
      this.failed = true;
    }
    // ping and content_block_stop carry nothing an OpenAI client needs.
  }

  /**
   * Every event but tool-use starts and errors, read straight from its bytes (valid JSON) with the same
   * effect as parsedEvent. False (nothing done) for those two, which then take parsedEvent.
   */
  plainEvent(ev: SseEvent, doc: JsonView, out: SseWriter): bool {
    const root = doc.root();
    if (doc.kind(root) != Kind.Object) return true; // the parse ignores it too
    let type = -1, message = -1, index = -1, block = -1, delta = -1, usage = -1;
    // One cursor, reused for each object in turn (nothing allocated per event).
    const m = this.members.over(doc, root);
    while (m.next()) {
      if (m.is("type")) type = m.value;
      else if (m.is("delta")) delta = m.value;
      else if (m.is("index")) index = m.value;
      else if (m.is("usage")) usage = m.value;
      else if (m.is("content_block")) block = m.value;
      else if (m.is("message")) message = m.value;
    }
    // The `type` in the data when it is a string (it always is), else the event's name.
    const typed = doc.kind(type) == Kind.String;
    const c = this.chunks;
    if (typed ? doc.stringIs(type, "content_block_delta") : ev.event == "content_block_delta") {
      if (doc.kind(delta) != Kind.Object) return true;
      let kind = -1, text = -1, thinking = -1, json = -1;
      m.over(doc, delta);
      while (m.next()) {
        if (m.is("type")) kind = m.value;
        else if (m.is("text")) text = m.value;
        else if (m.is("thinking")) thinking = m.value;
        else if (m.is("partial_json")) json = m.value;
      }
      // The texts are copied from the event as they came (c.textAt), not decoded and encoded again.
      if (doc.stringIs(kind, "text_delta")) c.textAt(out, 0, "content", doc, text);
      else if (doc.stringIs(kind, "thinking_delta")) c.textAt(out, 0, "reasoning_content", doc, thinking);
      else if (doc.stringIs(kind, "input_json_delta")) {
        const args = doc.string(json);
        this.toolArgs(<i32>doc.integerOr(index, -1), args === null ? "" : args, out);
      }
    } else if (typed ? doc.stringIs(type, "content_block_start") : ev.event == "content_block_start") {
      if (doc.kind(block) != Kind.Object) return true;
      const blockType = doc.member(block, "type");
      if (doc.stringIs(blockType, "tool_use")) return false;
      if (doc.stringIs(blockType, "text")) this.text(doc.stringMember(block, "text"), out);
    } else if (typed ? doc.stringIs(type, "message_start") : ev.event == "message_start") {
      if (doc.kind(message) == Kind.Object) {
        let id = -1, model = -1, counts = -1;
        const f = doc.members(message);
        while (f.next()) {
          if (f.is("id")) id = f.value;
          else if (f.is("model")) model = f.value;
          else if (f.is("usage")) counts = f.value;
        }
        if (doc.kind(counts) == Kind.Object) readClaudeUsageAt(doc, counts, this.usage);
        const idText = doc.string(id);
        const modelText = doc.string(model);
        this.started(idText === null ? "" : idText, modelText === null ? "" : modelText);
      }
      c.role(out);
    } else if (typed ? doc.stringIs(type, "message_delta") : ev.event == "message_delta") {
      if (doc.kind(usage) == Kind.Object) readClaudeUsageAt(doc, usage, this.usage);
      c.finish(out, 0, finishReason(doc.stringMember(delta, "stop_reason")));
    } else if (typed ? doc.stringIs(type, "message_stop") : ev.event == "message_stop") {
      this.stop(out);
    } else if (typed ? doc.stringIs(type, "error") : ev.event == "error") {
      return false;
    }
    return true;
  }

  /** message_start: the message's id and model name the chunks. */
  private started(id: string, model: string): void {
    this.chunks.name(id, model, 0);
  }

  private text(text: string, out: SseWriter): void {
    if (text.length) this.chunks.text(out, 0, "content", text);
  }

  private toolArgs(index: i32, json: string, out: SseWriter): void {
    if (json.length && this.toolCalls.has(index)) this.chunks.toolArgs(out, 0, this.toolCalls.get(index), json);
  }

  private stop(out: SseWriter): void {
    this.chunks.close(out, this.usage);
    this.complete = true;
  }

  end(_out: SseWriter): void {
    // Nothing to add: a complete stream was closed at message_stop; a cut one is reported by the filter.
  }
}
