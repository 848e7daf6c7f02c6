// Test-only module for translate/plain-events.test.ts: each streaming translator twice, fed the same
// events — one as the plugin runs it (the byte-level reading of the usual events, the tree for the
// rest), one reading every event from the JSON library's tree — so a test can require the same bytes
// out of both, event by event. Compiled by test/support/asc.ts; never shipped.
//
// JS writes an event (name bytes, then data bytes) into inputBuffer(), calls feed(nameLen, dataLen),
// then reads what each translator wrote: output(0) / outputLength(0) for the plugin's way, (1) for
// the tree's.
import { checkJson } from "../../../common/json-check";
import { parseValid } from "../../../common/json-writer";
import { SseEvent, SseWriter } from "../../sse";
import { ClientTranslator } from "../anthropic-client";
import { ClaudeToOpenAi } from "../claude-to-openai";
import { GeminiToOpenAi } from "../gemini-to-openai";
import { JsonView } from "../json-path";
import "../../../common/testing/abort-trap";

/** The translators under test: 0 OpenAI → Anthropic client, 1 claude → OpenAI, 2 gemini → OpenAI. */
let kind = 0;
let client: ClientTranslator[] = [];
let claude: ClaudeToOpenAi[] = [];
let gemini: GeminiToOpenAi[] = [];
let input = new ArrayBuffer(256);
let outputs: ArrayBuffer[] = [new ArrayBuffer(0), new ArrayBuffer(0)];

export function start(which: i32): void {
  kind = which;
  client = [new ClientTranslator("claude-client-model", true), new ClientTranslator("claude-client-model", true)];
  claude = [new ClaudeToOpenAi("gpt-client-model"), new ClaudeToOpenAi("gpt-client-model")];
  gemini = [new GeminiToOpenAi("gemini-client-model"), new GeminiToOpenAi("gemini-client-model")];
}

export function inputBuffer(size: i32): usize {
  if (input.byteLength < size) input = new ArrayBuffer(size);
  return changetype<usize>(input);
}

/** One event through both translators; false when its data is not JSON (then neither reads it). */
export function feed(nameLength: i32, dataLength: i32): bool {
  const ev = new SseEvent();
  ev.event = String.UTF8.decodeUnsafe(changetype<usize>(input), nameLength);
  ev.data = input.slice(nameLength, nameLength + dataLength);
  const plain = new SseWriter();
  const tree = new SseWriter();
  const data = ev.data;
  const valid = checkJson(changetype<usize>(data), data.byteLength).length == 0;
  // [0]: event(), as the plugin calls it. [1]: the same checks, then the tree whatever the event.
  if (kind == 0) {
    client[0].event(ev, plain);
    if (valid && !ev.dataEquals("[DONE]")) client[1].parsedChunk(parseValid(data), tree);
  } else if (kind == 1) {
    claude[0].event(ev, plain);
    if (valid) claude[1].parsedEvent(ev, parseValid(data), tree);
  } else {
    gemini[0].event(ev, plain);
    if (valid) gemini[1].parsedChunk(parseValid(data), tree);
  }
  outputs[0] = plain.toBuffer();
  outputs[1] = tree.toBuffer();
  return valid;
}

/** The end of the stream (`complete` for the client translator: the provider's [DONE] was seen). */
export function end(complete: bool): void {
  const plain = new SseWriter();
  const tree = new SseWriter();
  if (kind == 0) {
    client[0].end(plain, complete);
    client[1].end(tree, complete);
  } else if (kind == 1) {
    claude[0].end(plain);
    claude[1].end(tree);
  } else {
    gemini[0].end(plain);
    gemini[1].end(tree);
  }
  outputs[0] = plain.toBuffer();
  outputs[1] = tree.toBuffer();
}

export function output(which: i32): usize {
  return changetype<usize>(outputs[which]);
}

export function outputLength(which: i32): i32 {
  return outputs[which].byteLength;
}

/** Token counts, completeness and failure as translator `which` (0 plugin's way, 1 tree) has them. */
export function usageInput(which: i32): i64 {
  return kind == 0 ? client[which].usage.input : kind == 1 ? claude[which].usage.input : gemini[which].usage.input;
}

export function usageOutput(which: i32): i64 {
  return kind == 0 ? client[which].usage.output : kind == 1 ? claude[which].usage.output : gemini[which].usage.output;
}

/** Whether the provider's stream said it is complete. False for the client translator, which keeps no such state (its caller tells end() whether [DONE] came). */
export function complete(which: i32): bool {
  return kind == 0 ? false : kind == 1 ? claude[which].complete : gemini[which].complete;
}

/** Whether the stream reported an error (every translator keeps this). */
export function failed(which: i32): bool {
  return kind == 0 ? client[which].failed : kind == 1 ? claude[which].failed : gemini[which].failed;
}

/**
 * Whether the byte-level reading takes this event (valid JSON) — asked of a fresh translator, so the
 * answer does not touch the two under test. Lets a test check that the usual events do take it.
 */
export function takesPlain(nameLength: i32, dataLength: i32): bool {
  const ev = new SseEvent();
  ev.event = String.UTF8.decodeUnsafe(changetype<usize>(input), nameLength);
  ev.data = input.slice(nameLength, nameLength + dataLength);
  const doc = JsonView.of(ev.data);
  const scratch = new SseWriter();
  return kind == 0 ? new ClientTranslator("m", true).plainChunk(doc, scratch) : kind == 1 ? new ClaudeToOpenAi("m").plainEvent(ev, doc, scratch) : new GeminiToOpenAi("m").plainChunk(doc, scratch);
}
