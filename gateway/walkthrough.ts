// The seed walkthrough as ready-to-paste curl lines against envoy/envoy.yaml, each with the status it
// must give. `make run` prints them; test/gateway/envoy-yaml.test.ts runs the very same lines.

export interface WalkStep {
  /** What the step shows, printed as a comment above the curl line. */
  say: string;
  method?: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** curl -N: print a streamed answer as it arrives. */
  stream?: boolean;
  /** The status the line must print. */
  expect: number;
}

const chat = (stream: boolean) =>
  JSON.stringify({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Say hello" }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });

export const WALKTHROUGH: WalkStep[] = [
  { say: "no API key: key-auth answers 401", path: "/?text=Say,hello", expect: 401 },
  { say: "a key that belongs to no consumer: 401", path: "/?text=Say,hello", headers: { apikey: "zzzzzz" }, expect: 401 },
  { say: "consumer2 is not allowed on this route: 403", path: "/?text=Say,hello", headers: { apikey: "yyyyyy" }, expect: 403 },
  { say: "consumer1 is, and gets the model's answer", path: "/?text=Say,hello", headers: { apikey: "xxxxxx" }, expect: 200 },
  { say: "a URL mentioning a password: request-block answers 404", path: "/?text=Mypassword=xxxxxx", headers: { apikey: "xxxxxx" }, expect: 404 },
  { say: "the same for pw", path: "/?text=pw=xxxxxx", headers: { apikey: "xxxxxx" }, expect: 404 },
  {
    say: "the OpenAI API through the chain",
    method: "POST",
    path: "/v1/chat/completions",
    headers: { apikey: "xxxxxx", "content-type": "application/json" },
    body: chat(false),
    expect: 200,
  },
  {
    say: "streamed, event by event (SSE), with the usage chunk at the end",
    method: "POST",
    path: "/v1/chat/completions",
    headers: { apikey: "xxxxxx", "content-type": "application/json" },
    body: chat(true),
    stream: true,
    expect: 200,
  },
];

/** Single-quotes a word for a POSIX shell. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The curl line of a step; it prints the body (if any) and then `HTTP <status>`. */
export function curlLine(baseUrl: string, step: WalkStep): string {
  const parts = ["curl", step.stream ? "-sN" : "-s", "-w", sq("HTTP %{http_code}\\n")];
  if (step.method && step.method !== "GET") parts.push("-X", step.method);
  parts.push(sq(baseUrl + step.path));
  for (const [k, v] of Object.entries(step.headers ?? {})) parts.push("-H", sq(`${k}: ${v}`));
  if (step.body !== undefined) parts.push("-d", sq(step.body));
  return parts.join(" ");
}

/** The walkthrough as printed by `make run`. */
export function walkthroughText(baseUrl: string, adminUrl: string | null): string {
  const lines: string[] = [];
  for (const step of WALKTHROUGH) {
    lines.push(`# ${step.say} (expect HTTP ${step.expect})`);
    lines.push(curlLine(baseUrl, step));
  }
  if (adminUrl) {
    lines.push("# the plugins' and the gateway's metrics, Prometheus format");
    lines.push(`curl -s ${adminUrl}/stats/prometheus`);
  }
  return lines.join("\n");
}
