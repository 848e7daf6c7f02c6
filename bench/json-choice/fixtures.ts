// The benchmark documents, generated deterministically (no randomness) so every run parses the
// same bytes. Sizes are checked by the runner and printed with the results.

/** Deterministic pseudo-random hex (xorshift32), so credentials look real without Math.random. */
function hex(seed: number, length: number): string {
  let x = (seed * 0x9e3779b1) | 0 || 1;
  let out = "";
  while (out.length < length) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += ((x >>> 0) % 16).toString(16);
  }
  return out;
}

/** Re-spells some characters the way other JSON writers do, so the parsers meet \uXXXX escapes
 *  (BMP and a surrogate pair), escaped slashes (PHP's default) and an exponent, which
 *  JSON.stringify never writes. */
function withEscapesAndExponent(json: string): string {
  return json
    .replaceAll("é", "\\u00e9")
    .replace("中", "\\u4e2d")
    .replace("😀", "\\ud83d\\ude00")
    .replace(":-100}", ":-1e2}")
    .replaceAll("https://example.com/", "https:\\/\\/example.com\\/");
}

/** An OpenAI chat-completions request of about `targetBytes`, with the features ai-proxy meets:
 *  escapes (\n, \", \uXXXX, a surrogate pair), raw UTF-8, ints, floats, an exponent, null, nesting,
 *  a tool schema, array content parts, and fields the plugin does not know. */
export function chatRequest(targetBytes = 4096): string {
  const request = {
    model: "gpt-4o-2024-08-06",
    messages: [
      { role: "system", content: "You are a careful assistant.\nAnswer in \"plain\" text; cite https://example.com/docs.\tBe brief. Café \u00e9\u4e2d\u6587 😀" },
      { role: "user", content: "" },
      { role: "assistant", content: "Sure — here is a list:\n1. first\n2. second \\ done", name: null },
      {
        role: "user",
        content: [
          { type: "text", text: "Describe this image, please. Emoji: 😀🎉 and escapes \u0001\u001f." },
          { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
        ],
      },
    ],
    temperature: 0.7,
    top_p: 1,
    max_tokens: 1024,
    stream: true,
    stop: ["\n\nHuman:", "END"],
    n: 1,
    seed: 1234567890123,
    presence_penalty: -0.5,
    frequency_penalty: 0,
    logit_bias: { "50256": -1e2 },
    metadata: { trace_id: "abc-123", retry: null, nested: { depth: { level: [1, [2, [3, { deep: true }]]] } } },
    tools: [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Get the current weather for a city",
          parameters: {
            type: "object",
            properties: {
              city: { type: "string", description: "City name, e.g. \"Zürich\"" },
              unit: { type: "string", enum: ["celsius", "fahrenheit"] },
              days: { type: "integer", minimum: 1, maximum: 14 },
            },
            required: ["city"],
          },
        },
      },
    ],
    tool_choice: "auto",
    response_format: { type: "text" },
  };
  const base = JSON.stringify(request);
  // Fill the empty user turn so the whole body lands on the target size.
  const sentence = "Please summarise the following notes about the quarterly report and list the risks. ";
  let filler = "";
  while (Buffer.byteLength(base) + Buffer.byteLength(JSON.stringify(filler)) - 2 < targetBytes) filler += sentence;
  // The escapes added below lengthen the body by a fixed amount; take it off the filler.
  const growth = Buffer.byteLength(withEscapesAndExponent(base)) - Buffer.byteLength(base);
  request.messages[1].content = filler.slice(0, filler.length - (Buffer.byteLength(base) + filler.length + growth - targetBytes));
  return withEscapesAndExponent(JSON.stringify(request));
}

/** One streamed chat-completion chunk (~300 bytes): the final one, which carries `usage`. */
export function sseEvent(): string {
  return withEscapesAndExponent(JSON.stringify({
    id: "chatcmpl-9xKq2b7ZfTnD4mLw",
    object: "chat.completion.chunk",
    created: 1731456000,
    model: "gpt-4o-2024-08-06",
    system_fingerprint: "fp_4a2b1c9d8e",
    choices: [{ index: 0, delta: { content: " world.\n\u00e9" }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290 },
  }));
}

/** A key-auth configuration with `consumers` consumers and `rules` route rules. */
export function keyAuthConfig(consumers: number, rules: number): string {
  const list = [];
  for (let i = 0; i < consumers; i++) {
    list.push({ name: `consumer-${String(i).padStart(4, "0")}`, credential: hex(i + 1, 40) });
  }
  const ruleList = [];
  for (let r = 0; r < rules; r++) {
    const allow = [];
    for (let a = 0; a < Math.min(consumers, 8); a++) allow.push(list[(r * 7 + a) % consumers].name);
    ruleList.push(r % 2 === 0 ? { _match_route_: [`route-${r}`, `route-${r}-v2`], allow } : { _match_domain_: [`*.svc-${r}.example.com`], allow });
  }
  return JSON.stringify({ consumers: list, keys: ["x-api-key", "authorization"], in_query: true, in_header: true, _rules_: ruleList });
}

/** The four documents the timing table is about. */
export function benchmarkDocuments(): Record<string, string> {
  return {
    "chat request 4 KB": chatRequest(4096),
    "SSE event 300 B": sseEvent(),
    "key-auth config 5 KB (50 consumers)": keyAuthConfig(50, 4),
    "key-auth config 200 KB": keyAuthConfig(2380, 40),
  };
}
