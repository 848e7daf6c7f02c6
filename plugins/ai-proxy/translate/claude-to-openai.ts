// Anthropic Messages response → OpenAI chat completion, whole or streamed. Text blocks become the
// message content, thinking blocks `reasoning_content`, tool_use blocks tool_calls; stop_reason maps to
// finish_reason. The stream keeps the message id for every chunk: message_start (input tokens) gives
// the role chunk, content_block_* give text / tool-call deltas, message_delta gives finish_reason and
// the output tokens, message_stop the usage chunk and `data: [DONE]`. Anthropic reports usage in two
// halves (input in message_start, cumulative output in message_delta): both are kept and combined.
import { JSON, JsonWriter } from "../../common/json-writer";
import { ResponseTranslator } from "../providers/provider";
import { SseEvent, SseWriter } from "../sse";
import { parseJson, Usage } from "../usage";
import { Choice, ChunkStream, intOf, strOf, ToolCall, writeCompletion } from "./openai-response";

/** Anthropic's usage → `u`. Input counts cached prompt tokens too, as OpenAI's prompt_tokens does. */
export function readClaudeUsage(usage: JSON.Obj, u: Usage): void {
  const input = intOf(usage, "input_tokens");
  if (input >= 0) {
    const written = intOf(usage, "cache_creation_input_tokens");
    const read = intOf(usage, "cache_read_input_tokens");
    u.input = input + (written > 0 ? written : 0) + (read > 0 ? read : 0);
  }
  const output = intOf(usage, "output_tokens");
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
    const doc = parseJson(ev.data);
    if (doc === null || !doc.isObj) return;
    const data = <JSON.Obj>doc;
    const type = eventType(ev, data);
    const c = this.chunks;
    if (type == "message_start") {
      const msg = data.getObj("message");
      if (msg !== null) {
        c.id = strOf(msg, "id");
        const model = strOf(msg, "model");
        if (model.length) c.model = model;
        const usage = msg.getObj("usage");
        if (usage !== null) readClaudeUsage(usage, this.usage);
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
        const text = strOf(block, "text");
        if (text.length) c.text(out, 0, "content", text);
      }
    } else if (type == "content_block_delta") {
      this.delta(data, out);
    } else if (type == "message_delta") {
      const usage = data.getObj("usage");
      if (usage !== null) readClaudeUsage(usage, this.usage);
      const delta = data.getObj("delta");
      const reason = delta === null ? "" : strOf(delta, "stop_reason");
      c.finish(out, 0, finishReason(reason));
    } else if (type == "message_stop") {
      c.close(out, this.usage);
      this.complete = true;
    } else if (type == "error") {
      const err = data.getObj("error");
      const message = err === null ? "the provider reported an error" : strOf(err, "message");
      c.error(out, err === null ? "api_error" : strOf(err, "type"), message);
    }
    // ping and content_block_stop carry nothing an OpenAI client needs.
  }

  private delta(data: JSON.Obj, out: SseWriter): void {
    const delta = data.getObj("delta");
    if (delta === null) return;
    const kind = strOf(delta, "type");
    if (kind == "text_delta") this.chunks.text(out, 0, "content", strOf(delta, "text"));
    else if (kind == "thinking_delta") this.chunks.text(out, 0, "reasoning_content", strOf(delta, "thinking"));
    else if (kind == "input_json_delta") {
      const index = <i32>intOf(data, "index");
      const json = strOf(delta, "partial_json");
      if (json.length && this.toolCalls.has(index)) this.chunks.toolArgs(out, 0, this.toolCalls.get(index), json);
    }
  }

  end(_out: SseWriter): void {
    // Nothing to add: a complete stream was closed at message_stop; a cut one is reported by the filter.
  }
}
