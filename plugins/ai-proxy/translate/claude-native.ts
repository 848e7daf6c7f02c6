// Anthropic responses that reach Anthropic clients unchanged (a claude provider serving /v1/messages):
// nothing is translated, but usage is read for metrics — input tokens from message_start, cumulative
// output tokens from message_delta — message_stop marks the stream complete, and an error event (passed
// on as it is, already in the client's format) marks it failed.
import { JSON } from "../../common/json-writer";
import { ResponseTranslator } from "../providers/provider";
import { SseEvent, SseWriter } from "../sse";
import { parseJson } from "../usage";
import { readClaudeUsage } from "./claude-to-openai";

export class ClaudeNativeReader extends ResponseTranslator {
  body(body: ArrayBuffer, status: u32): ArrayBuffer {
    if (status < 300) {
      const doc = parseJson(body);
      if (doc !== null && doc.isObj) {
        const usage = (<JSON.Obj>doc).getObj("usage");
        if (usage !== null) readClaudeUsage(usage, this.usage);
      }
    }
    return body;
  }

  event(ev: SseEvent, out: SseWriter): void {
    out.copy(ev);
    // Anthropic names every event; the many content_block_delta events are passed on without parsing.
    const name = ev.event;
    if (name == "message_stop") {
      this.complete = true;
      return;
    }
    if (name == "error") {
      this.failed = true;
      return;
    }
    if (name != "message_start" && name != "message_delta" && name.length) return;
    const doc = parseJson(ev.data);
    if (doc === null || !doc.isObj) return;
    const data = <JSON.Obj>doc;
    const typeV = data.getString("type");
    const type = typeV === null ? "" : typeV.valueOf();
    if (type == "message_stop") this.complete = true;
    if (type == "error") this.failed = true;
    let usage = data.getObj("usage");
    if (type == "message_start") {
      const msg = data.getObj("message");
      usage = msg === null ? null : msg.getObj("usage");
    }
    if (usage !== null) readClaudeUsage(usage, this.usage);
  }

  end(_out: SseWriter): void {}
}
