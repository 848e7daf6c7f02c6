// Does one request do what its scenario says (reach the upstream with the expected headers, come
// back with the expected status, end the stream synchronously)? A benchmark of a plugin that answers
// 401 or traps would otherwise measure the wrong path and look fast.
import type { Outcome } from "./rig.ts";
import type { Expectation } from "./scenarios.ts";

/** The problems with this outcome, empty when it matches. */
export function checkOutcome(out: Outcome, expect: Expectation): string[] {
  const problems: string[] = [];
  if (!out.finished) problems.push("the stream did not finish synchronously (the plugin waits for something)");
  if (out.reset) problems.push(`the stream was reset: ${out.reset}`);
  const wantStatus = expect.status ?? 200;
  if (out.status !== wantStatus) problems.push(`client got status ${out.status ?? "none"}, expected ${wantStatus}`);
  const wantUpstream = expect.reachesUpstream ?? true;
  if (wantUpstream && !out.upstreamHeaders) problems.push("the request never reached the upstream");
  if (!wantUpstream && out.upstreamHeaders) problems.push("the request reached the upstream, expected a local reply");
  for (const [name, want] of Object.entries(expect.upstreamHeaders ?? {})) {
    const got = out.upstreamHeaders?.get(name);
    if (got !== want) problems.push(`upstream header ${name} is ${got === undefined ? "missing" : JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  return problems;
}

/** Checks a timed batch from counter deltas: every request finished and went where it should. */
export function checkBatch(n: number, delta: { upstream: number; downstream: number; finished: number; resets: number }, expect: Expectation): string | null {
  const wantUpstream = (expect.reachesUpstream ?? true) ? n : 0;
  if (delta.finished !== n) return `${n - delta.finished} of ${n} streams did not finish`;
  if (delta.resets !== 0) return `${delta.resets} of ${n} streams were reset`;
  if (delta.downstream !== n) return `${n - delta.downstream} of ${n} requests got no response`;
  if (delta.upstream !== wantUpstream) return `${delta.upstream} of ${n} requests reached the upstream, expected ${wantUpstream}`;
  return null;
}
