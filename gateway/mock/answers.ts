// What the mock provider says: deterministic chat completions and embeddings in OpenAI's wire format,
// with token counts that add up (a "token" here is a word or a punctuation mark), so usage accounting
// downstream can be checked exactly.
import { createHash } from "node:crypto";

export interface ChatMessage { role: string; content: unknown }

/** Splits text into tokens that concatenate back to it (leading whitespace stays with its token). */
export function tokenize(text: string): string[] {
  return text.match(/\s*[\p{L}\p{N}]+|\s*[^\s\p{L}\p{N}]/gu) ?? [];
}

/** Message content as text: a string, or the text parts of a content array. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === "object" && typeof p.text === "string" ? p.text : "")).join(" ");
  return "";
}

/** OpenAI-like accounting: the tokens of every message plus a small per-message overhead. */
export function promptTokens(messages: ChatMessage[]): number {
  return messages.reduce((n, m) => n + tokenize(contentText(m.content)).length + 3, 3);
}

export function answerFor(model: string, messages: ChatMessage[]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const prompt = lastUser ? contentText(lastUser.content).trim() : "";
  return `Hello from the mock provider (${model})! You said: "${prompt.slice(0, 200)}".`;
}

export interface Completion {
  pieces: string[];
  finishReason: "stop" | "length";
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export function complete(model: string, messages: ChatMessage[], maxTokens: number | undefined): Completion {
  let pieces = tokenize(answerFor(model, messages));
  let finishReason: Completion["finishReason"] = "stop";
  if (maxTokens !== undefined && maxTokens < pieces.length) {
    pieces = pieces.slice(0, maxTokens);
    finishReason = "length";
  }
  const prompt = promptTokens(messages);
  return { pieces, finishReason, usage: { prompt_tokens: prompt, completion_tokens: pieces.length, total_tokens: prompt + pieces.length } };
}

/** A unit vector derived from the text's hash: equal inputs give equal embeddings. */
export function embed(text: string, dimensions: number): number[] {
  const out: number[] = [];
  let block = createHash("sha256").update(text).digest();
  for (let i = 0; out.length < dimensions; i++) {
    if (i > 0 && i % 16 === 0) block = createHash("sha256").update(block).digest();
    out.push(block.readInt16LE((i % 16) * 2) / 32768);
  }
  const norm = Math.hypot(...out) || 1;
  return out.map((v) => Math.round((v / norm) * 1e6) / 1e6);
}
