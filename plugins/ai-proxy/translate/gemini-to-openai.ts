// Gemini responses → OpenAI. A GenerateContentResponse (whole, or one per SSE event with alt=sse)
// becomes a chat completion or chunks: each candidate a choice, text parts content (thought parts
// `reasoning_content`), functionCall parts tool calls; finishReason maps to finish_reason and
// usageMetadata to usage (the last report of a stream is the total). Gemini's stream has no end marker:
// it is complete once a finishReason (or a blocked prompt) was seen, and then closed with the usage
// chunk and `data: [DONE]`. Embeddings: batchEmbedContents' vectors become OpenAI's embedding list.
import { lowerAscii } from "../../common/bytes";
import { JSON, JsonWriter, parseValid } from "../../common/json-writer";
import { ResponseTranslator } from "../providers/provider";
import { SseEvent, SseWriter } from "../sse";
import { parseJson, Usage } from "../usage";
import { JsonView, Kind } from "./json-path";
import { isJson } from "../../common/json-valid";
import { Choice, ChunkStream, intOf, objects, strOf, ToolCall, unixSeconds, writeCompletion } from "./openai-response";

export function finishReason(reason: string, calledTools: bool): string {
  if (reason == "MAX_TOKENS") return "length";
  if (reason == "SAFETY" || reason == "RECITATION" || reason == "BLOCKLIST" || reason == "PROHIBITED_CONTENT" ||
    reason == "SPII" || reason == "IMAGE_SAFETY") return "content_filter";
  return calledTools ? "tool_calls" : "stop";
}

/** usageMetadata → `u`; thinking tokens count as output, as OpenAI counts reasoning tokens. */
export function readGeminiUsage(meta: JSON.Obj, u: Usage): void {
  setGeminiUsage(intOf(meta, "promptTokenCount"), intOf(meta, "candidatesTokenCount"), intOf(meta, "thoughtsTokenCount"), u);
}

/** readGeminiUsage over the bytes of the usageMetadata object at `obj`. */
function readGeminiUsageAt(doc: JsonView, obj: i32, u: Usage): void {
  let prompt = -1, candidates = -1, thoughts = -1;
  const m = doc.members(obj);
  while (m.next()) {
    if (m.is("promptTokenCount")) prompt = m.value;
    else if (m.is("candidatesTokenCount")) candidates = m.value;
    else if (m.is("thoughtsTokenCount")) thoughts = m.value;
  }
  setGeminiUsage(doc.integerOr(prompt, -1), doc.integerOr(candidates, -1), doc.integerOr(thoughts, -1), u);
}

function setGeminiUsage(prompt: i64, candidates: i64, thoughts: i64, u: Usage): void {
  if (prompt >= 0) u.input = prompt;
  if (candidates >= 0 || thoughts >= 0) u.output = (candidates > 0 ? candidates : 0) + (thoughts > 0 ? thoughts : 0);
}

function partsOf(candidate: JSON.Obj): JSON.Obj[] {
  const content = candidate.getObj("content");
  return objects(content === null ? null : content.getArr("parts"));
}

function argsOf(call: JSON.Obj): string {
  const args = call.get("args");
  return args === null ? "{}" : String.UTF8.decode(new JsonWriter(64).value(args).toBuffer());
}

function isThought(part: JSON.Obj): bool {
  const t = part.getBool("thought");
  return t !== null && t.valueOf();
}

function candidateIndex(candidate: JSON.Obj, position: i32): i32 {
  const i = intOf(candidate, "index");
  return i >= 0 ? <i32>i : position;
}

/** A prompt Gemini refused outright: no candidates, promptFeedback.blockReason set. */
function promptBlocked(response: JSON.Obj): bool {
  const feedback = response.getObj("promptFeedback");
  return feedback !== null && strOf(feedback, "blockReason").length > 0;
}

export class GeminiToOpenAi extends ResponseTranslator {
  private readonly chunks: ChunkStream;
  private calls: i32 = 0;
  private finished: bool = false;
  /** Stream chunks are read through one view, moved from chunk to chunk. */
  private readonly view: JsonView = new JsonView(0, 0);

  constructor(private readonly model: string) {
    super();
    this.chunks = new ChunkStream(model);
  }

  /** Ids: Gemini's responseId when it sends one, else one made from the time. */
  private ids(response: JSON.Obj): void {
    if (this.chunks.id.length) return;
    this.name(strOf(response, "responseId"), strOf(response, "modelVersion"));
  }

  private name(responseId: string, version: string): void {
    const created = unixSeconds();
    this.chunks.name("chatcmpl-" + (responseId.length ? responseId : created.toString()), version, created);
  }

  private callId(call: JSON.Obj): string {
    const id = strOf(call, "id");
    return id.length ? id : "call_" + this.chunks.id.substring(9) + "_" + (this.calls++).toString();
  }

  private readUsage(response: JSON.Obj): void {
    const meta = response.getObj("usageMetadata");
    if (meta !== null) readGeminiUsage(meta, this.usage);
  }

  body(body: ArrayBuffer, status: u32): ArrayBuffer {
    const doc = parseJson(body);
    if (status >= 300 || doc === null || !doc.isObj) return body;
    const response = <JSON.Obj>doc;
    this.ids(response);
    this.readUsage(response);
    const choices = new Array<Choice>();
    const candidates = objects(response.getArr("candidates"));
    for (let i = 0; i < candidates.length; i++) {
      const choice = new Choice();
      choice.index = candidateIndex(candidates[i], i);
      const parts = partsOf(candidates[i]);
      for (let k = 0; k < parts.length; k++) {
        const part = parts[k];
        const call = part.getObj("functionCall");
        if (call !== null) choice.calls.push(new ToolCall(this.callId(call), strOf(call, "name"), argsOf(call)));
        else if (isThought(part)) choice.reasoning += strOf(part, "text");
        else choice.text += strOf(part, "text");
      }
      choice.finish = finishReason(strOf(candidates[i], "finishReason"), choice.calls.length > 0);
      choices.push(choice);
    }
    if (choices.length == 0 && promptBlocked(response)) {
      const blocked = new Choice();
      blocked.finish = "content_filter";
      choices.push(blocked);
    }
    return writeCompletion(this.chunks.id, this.chunks.model, choices, this.usage);
  }

  event(ev: SseEvent, out: SseWriter): void {
    if (!isJson(ev.dataPtr, ev.dataLength)) return;
    if (!this.plainChunk(this.view.over(ev.dataPtr, ev.dataLength), out)) this.parsedChunk(parseValid(ev.data), out);
  }

  /** Any chunk, from the JSON library's tree. */
  parsedChunk(doc: JSON.Value, out: SseWriter): void {
    if (!doc.isObj) return;
    const response = <JSON.Obj>doc;
    const c = this.chunks;
    const err = response.getObj("error");
    if (err !== null) {
      c.error(out, lowerAscii(strOf(err, "status")), strOf(err, "message"));
      this.failed = true;
      return;
    }
    this.ids(response);
    this.readUsage(response);
    const candidates = objects(response.getArr("candidates"));
    for (let i = 0; i < candidates.length; i++) {
      const index = candidateIndex(candidates[i], i);
      const parts = partsOf(candidates[i]);
      for (let k = 0; k < parts.length; k++) {
        const part = parts[k];
        const call = part.getObj("functionCall");
        if (call !== null) c.toolStart(out, index, this.calls, this.callId(call), strOf(call, "name"), argsOf(call));
        else this.text(index, strOf(part, "text"), isThought(part), out);
      }
      this.finish(index, strOf(candidates[i], "finishReason"), out);
    }
    if (candidates.length == 0 && promptBlocked(response)) this.blocked(out);
  }

  /**
   * The usual chunk — one candidate whose parts are text, usage, finishReason — read straight from its
   * bytes (valid JSON) with the same effect as parsedChunk. False (nothing done) for any other shape
   * (errors, several candidates, function calls), which then takes parsedChunk.
   */
  plainChunk(doc: JsonView, out: SseWriter): bool {
    const root = doc.root();
    if (doc.kind(root) != Kind.Object) return true; // the parse ignores it too
    let candidates = -1, usage = -1, responseId = -1, version = -1, feedback = -1;
    const m = doc.members(root);
    while (m.next()) {
      if (m.is("candidates")) candidates = m.value;
      else if (m.is("usageMetadata")) usage = m.value;
      else if (m.is("modelVersion")) version = m.value;
      else if (m.is("responseId")) responseId = m.value;
      else if (m.is("promptFeedback")) feedback = m.value;
      else if (m.is("error") && doc.kind(m.value) == Kind.Object) return false;
    }
    // The one candidate (elements that are not objects do not count), and its parts.
    let candidate = -1;
    const e = doc.elements(candidates);
    while (e.next()) {
      if (doc.kind(e.value) != Kind.Object) continue;
      if (candidate >= 0) return false;
      candidate = e.value;
    }
    let index = -1, content = -1, reason = -1;
    const f = doc.members(candidate);
    while (f.next()) {
      if (f.is("content")) content = f.value;
      else if (f.is("finishReason")) reason = f.value;
      else if (f.is("index")) index = f.value;
    }
    const parts = doc.member(content, "parts");
    const p = doc.elements(parts);
    while (p.next()) if (doc.kind(doc.member(p.value, "functionCall")) == Kind.Object) return false;

    if (!this.chunks.id.length) {
      const idText = doc.string(responseId);
      const versionText = doc.string(version);
      this.name(idText === null ? "" : idText, versionText === null ? "" : versionText);
    }
    if (doc.kind(usage) == Kind.Object) readGeminiUsageAt(doc, usage, this.usage);
    if (candidate < 0) {
      if (doc.stringMember(feedback, "blockReason").length) this.blocked(out);
      return true;
    }
    const at = doc.integerOr(index, -1);
    const choice = at >= 0 ? <i32>at : 0;
    const q = doc.elements(parts);
    while (q.next()) {
      const part = q.value;
      if (doc.kind(part) != Kind.Object) continue;
      let text = -1, thought = -1;
      const r = doc.members(part);
      while (r.next()) {
        if (r.is("text")) text = r.value;
        else if (r.is("thought")) thought = r.value;
      }
      const s = doc.string(text);
      this.text(choice, s === null ? "" : s, doc.kind(thought) == Kind.True, out);
    }
    const finish = doc.string(reason);
    if (finish !== null) this.finish(choice, finish, out);
    return true;
  }

  private text(index: i32, text: string, thought: bool, out: SseWriter): void {
    if (text.length) this.chunks.text(out, index, thought ? "reasoning_content" : "content", text);
  }

  private finish(index: i32, reason: string, out: SseWriter): void {
    if (!reason.length) return;
    this.chunks.finish(out, index, finishReason(reason, this.calls > 0));
    this.finished = true;
  }

  /** A prompt Gemini refused outright. */
  private blocked(out: SseWriter): void {
    this.chunks.finish(out, 0, "content_filter");
    this.finished = true;
  }

  end(out: SseWriter): void {
    if (!this.finished) return; // cut short: the filter reports the broken stream
    this.chunks.close(out, this.usage);
    this.complete = true;
  }
}

/** batchEmbedContents' answer → OpenAI's embedding list (Gemini reports no token usage for it). */
export class GeminiEmbeddingsToOpenAi extends ResponseTranslator {
  constructor(private readonly model: string) {
    super();
  }

  body(body: ArrayBuffer, status: u32): ArrayBuffer {
    const doc = parseJson(body);
    if (status >= 300 || doc === null || !doc.isObj) return body;
    const embeddings = objects((<JSON.Obj>doc).getArr("embeddings"));
    const w = new JsonWriter(body.byteLength + 256);
    w.ascii('{"object":"list","data":[');
    for (let i = 0; i < embeddings.length; i++) {
      if (i) w.byte(0x2c);
      const values = embeddings[i].get("values");
      w.ascii('{"object":"embedding","index":').integer(i).ascii(',"embedding":');
      if (values !== null) w.value(values);
      else w.ascii("[]");
      w.byte(0x7d);
    }
    w.ascii('],"model":').string(this.model).ascii(',"usage":{"prompt_tokens":0,"total_tokens":0}}');
    return w.toBuffer();
  }

  event(_ev: SseEvent, _out: SseWriter): void {}

  end(_out: SseWriter): void {}
}
