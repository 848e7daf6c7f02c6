// The mock provider is checked with the official OpenAI client (6.x), so its wire format is the one
// real clients parse.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockProvider } from "./provider.ts";

describe("mock OpenAI provider", () => {
  let mock: MockProvider;
  let client: OpenAI;
  beforeAll(async () => {
    mock = await MockProvider.start();
    client = new OpenAI({ apiKey: "sk-test", baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => mock.close());

  it("answers a chat completion with usage that adds up", async () => {
    const r = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] });
    expect(r.object).toBe("chat.completion");
    expect(r.model).toBe("gpt-4o-mini");
    expect(r.choices[0].message.content).toContain('You said: "Say hello"');
    expect(r.choices[0].finish_reason).toBe("stop");
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
    expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-test");
  });

  it("streams one event per token and a final usage chunk with include_usage", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Say hello" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let contentEvents = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) {
        text += chunk.choices[0].delta.content;
        contentEvents++;
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    const plain = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Say hello" }] });
    expect(text).toBe(plain.choices[0].message.content);
    expect(finish).toBe("stop");
    expect(usage).toEqual(plain.usage);
    expect(contentEvents).toBe(usage!.completion_tokens);
  });

  it("sends no usage chunk without include_usage", async () => {
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    const text = await res.text();
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(text).not.toContain('"usage"');
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("stops at max_tokens with finish_reason length", async () => {
    const r = await client.chat.completions.create({ model: "m", max_tokens: 3, messages: [{ role: "user", content: "Say hello" }] });
    expect(r.choices[0].finish_reason).toBe("length");
    expect(r.usage!.completion_tokens).toBe(3);
  });

  it("lists models and computes embeddings deterministically", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain("gpt-4o-mini");
    const a = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"], dimensions: 16 });
    const b = await client.embeddings.create({ model: "text-embedding-3-small", input: "a", dimensions: 16 });
    expect(a.data).toHaveLength(2);
    expect(a.data[0].embedding).toHaveLength(16);
    expect(b.data[0].embedding).toEqual(a.data[0].embedding);
    expect(a.data[1].embedding).not.toEqual(a.data[0].embedding);
  });

  it("answers errors in OpenAI's shape", async () => {
    await expect(client.chat.completions.create({ model: "m", messages: [] })).rejects.toMatchObject({ status: 400, error: { type: "invalid_request_error", param: "messages" } });
    const forced = await fetch(`${mock.url}/v1/models`, { headers: { "x-mock-status": "429" } });
    expect(forced.status).toBe(429);
    expect((await forced.json()).error.type).toBe("rate_limit_exceeded");
    const unknown = await fetch(`${mock.url}/v2/nothing`);
    expect(unknown.status).toBe(404);
  });

  it("answers the walkthrough's GET /?text=<prompt> as a chat completion", async () => {
    const res = await fetch(`${mock.url}/?text=Say,hello`);
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.choices[0].message.content).toContain('You said: "Say,hello"');
  });
});
