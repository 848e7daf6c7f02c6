// Provider streams for the chunk-cut tests, written the way providers send them: OpenAI's chat chunks
// (role chunk, content, a finish chunk, the usage chunk, [DONE]) and Anthropic's Messages events
// (message_start … message_stop, with a ping), each with the things that break naive parsers: comment
// lines, an event whose data spans two `data:` lines (JSON split at a comma; the lines join with "\n",
// which JSON reads as whitespace), multi-byte UTF-8 text, and LF or CRLF line ends.

export type LineEnd = "\n" | "\r\n";

const CREATED = 1767225600;

const openAiChunk = (delta: object, finish: string | null, extra: object = {}) => ({
  id: "chatcmpl-cut1", object: "chat.completion.chunk", created: CREATED, model: "gpt-4o-mini-2024-07-18",
  system_fingerprint: "fp_cut", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null, ...extra,
});

/** An event whose JSON data is split over two `data:` lines after its first comma. */
function twoDataLines(value: object, eol: LineEnd): string {
  const json = JSON.stringify(value);
  const cut = json.indexOf(",") + 1;
  return `data: ${json.slice(0, cut)}${eol}data: ${json.slice(cut)}${eol}${eol}`;
}

const data = (value: object | string, eol: LineEnd) => `data: ${typeof value === "string" ? value : JSON.stringify(value)}${eol}${eol}`;

export const OPENAI_TEXT = "Olá, mundo — café ☕!";
export const OPENAI_USAGE = { input: 19, output: 6 };

/** 9 events and 2 comment blocks: what an OpenAI stream with stream_options.include_usage looks like. */
export function openAiStream(eol: LineEnd): string {
  return [
    `: connected${eol}${eol}`,
    data(openAiChunk({ role: "assistant", content: "", refusal: null }, null), eol),
    data(openAiChunk({ content: "Olá" }, null), eol),
    data(openAiChunk({ content: ", mundo" }, null), eol),
    `: keep-alive${eol}${eol}`,
    twoDataLines(openAiChunk({ content: " — café" }, null), eol),
    data(openAiChunk({ content: " ☕" }, null), eol),
    // A comment line inside an event does not end it.
    `: almost there${eol}` + data(openAiChunk({ content: "!" }, null), eol),
    data(openAiChunk({}, "stop"), eol),
    data({ ...openAiChunk({}, null), choices: [], usage: { prompt_tokens: 19, completion_tokens: 6, total_tokens: 25 } }, eol),
    data("[DONE]", eol),
  ].join("");
}

const anthropicEvent = (name: string, value: object, eol: LineEnd) => `event: ${name}${eol}${data(value, eol)}`;

export const CLAUDE_TEXT = "Olá, café ☕ — bom dia!";
export const CLAUDE_USAGE = { input: 21, output: 9 };

/** Anthropic's Messages stream: input tokens in message_start, output tokens in message_delta. */
export function claudeStream(eol: LineEnd): string {
  const delta = (text: string) => ({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
  return [
    anthropicEvent("message_start", {
      type: "message_start",
      message: {
        id: "msg_cut1", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [], stop_reason: null,
        stop_sequence: null, usage: { input_tokens: 21, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    }, eol),
    anthropicEvent("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, eol),
    anthropicEvent("ping", { type: "ping" }, eol),
    anthropicEvent("content_block_delta", delta("Olá"), eol),
    `: keep-alive${eol}${eol}`,
    `event: content_block_delta${eol}` + twoDataLines(delta(", café ☕"), eol),
    anthropicEvent("content_block_delta", delta(" — bom dia!"), eol),
    anthropicEvent("content_block_stop", { type: "content_block_stop", index: 0 }, eol),
    anthropicEvent("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 9 } }, eol),
    anthropicEvent("message_stop", { type: "message_stop" }, eol),
  ].join("");
}

/** `bytes` cut at the given offsets (sorted, inside the buffer). */
export function cutAt(bytes: Buffer, offsets: number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const at of offsets) {
    out.push(bytes.subarray(from, at));
    from = at;
  }
  out.push(bytes.subarray(from));
  return out;
}
