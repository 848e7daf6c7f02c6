// Runs a walkthrough step's curl line exactly as `make run` prints it, in a shell, and checks what it
// prints: the status line, and for answers the mock provider's words. Shared by the gateway test and
// the Envoy driver.
import { execFile } from "node:child_process";
import { expect } from "vitest";
import { curlLine, type WalkStep } from "../../gateway/walkthrough.ts";

export function runCurl(line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("bash", ["-c", line], { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${line}\n${stderr || err.message}`)) : resolve(stdout)));
  });
}

export async function checkStep(baseUrl: string, step: WalkStep): Promise<string> {
  const out = await runCurl(curlLine(baseUrl, step));
  const lines = out.trimEnd().split("\n");
  expect(lines.at(-1), `status line of: ${curlLine(baseUrl, step)}`).toBe(`HTTP ${step.expect}`);
  if (step.expect === 200 && !step.stream) {
    const answer = JSON.parse(lines.slice(0, -1).join("\n"));
    expect(answer.choices[0].message.content).toMatch(/^Hello from the mock provider/);
  }
  if (step.stream) {
    const events = lines.filter((l) => l.startsWith("data: "));
    expect(events.at(-1)).toBe("data: [DONE]");
    const usage = events.slice(0, -1).map((l) => JSON.parse(l.slice(6))).find((e) => e.usage);
    expect(usage?.usage.total_tokens).toBeGreaterThan(0);
  }
  return out;
}
