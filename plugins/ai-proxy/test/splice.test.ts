// The in-place request edit (translate/openai-splice.ts): OpenAI requests to OpenAI-speaking providers
// keep every byte of the client's body except `model` and `stream_options`, and anything the scanner
// does not handle takes the general (parse and rewrite) path with the same result.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TestGateway } from "../../../host/testing/index.ts";

const gw = new TestGateway({
  plugins: [{ name: "ai-proxy", config: { provider: { type: "openai", apiTokens: ["t"], modelMapping: { "gpt-4o": "gpt-4o-mini" } } } }],
});

async function sentBody(body: string): Promise<string> {
  const res = await gw.request({ method: "POST", path: "/v1/chat/completions", body, upstream: { body: '{"choices":[]}' } });
  expect(res.status).toBe(200);
  return res.upstream!.body.toString("utf8");
}

describe("the in-place request edit", () => {
  it("changes only the model and keeps the client's bytes elsewhere", async () => {
    const body = '{ "model" : "gpt-4o",\n  "temperature": 0.70, "messages":[{"role":"user","content":"caf\\u00e9 \\/ x"}] }';
    expect(await sentBody(body)).toBe('{ "model" : "gpt-4o-mini",\n  "temperature": 0.70, "messages":[{"role":"user","content":"caf\\u00e9 \\/ x"}] }');
  });

  it("adds stream_options to a stream that has none", async () => {
    const out = JSON.parse(await sentBody('{"model":"m","stream":true,"messages":[]}'));
    expect(out.stream_options).toEqual({ include_usage: true });
  });

  it("sets include_usage inside existing stream_options and keeps their other members", async () => {
    const out = JSON.parse(await sentBody('{"stream_options":{"include_usage":false,"x":[1,{"a":"}"}]},"model":"m","stream":true}'));
    expect(out.stream_options).toEqual({ include_usage: true, x: [1, { a: "}" }] });
  });

  it("leaves non-streaming requests without stream_options", async () => {
    expect(await sentBody('{"model":"m","stream":false}')).toBe('{"model":"m","stream":false}');
  });

  it("takes the general path for an escaped key and still maps the model", async () => {
    const out = JSON.parse(await sentBody('{"mod\\u0065l":"gpt-4o","messages":[]}'));
    expect(out.model).toBe("gpt-4o-mini");
  });

  it("gives the same result as a JSON rewrite for random requests", async () => {
    const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !["model", "stream", "stream_options"].includes(k));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), fc.boolean(), fc.constantFrom("gpt-4o", "x", "é\"q"), async (extra, stream, model) => {
        const req = { ...extra, model, stream };
        const out = JSON.parse(await sentBody(JSON.stringify(req)));
        const expected: Record<string, unknown> = { ...JSON.parse(JSON.stringify(req)), model: model === "gpt-4o" ? "gpt-4o-mini" : model };
        if (stream) expected.stream_options = { include_usage: true };
        expect(out).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
