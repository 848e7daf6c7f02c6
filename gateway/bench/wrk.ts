// Reads the numbers out of `wrk --latency` output.

export interface WrkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function duration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`unreadable wrk duration ${text}`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

export function parseWrk(out: string): WrkResult {
  const num = (re: RegExp) => {
    const m = re.exec(out);
    return m ? Number(m[1]) : NaN;
  };
  const pct = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m").exec(out);
    if (!m) throw new Error(`no ${p}% latency in wrk output (was --latency given?)\n${out}`);
    return duration(m[1]);
  };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const result = {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: pct("50"),
    p99Ms: pct("99"),
    requests: num(/(\d+) requests in/),
    non2xx: /Non-2xx or 3xx responses: (\d+)/.test(out) ? num(/Non-2xx or 3xx responses: (\d+)/) : 0,
    errors: errors ? errors.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
  };
  if (!Number.isFinite(result.rps)) throw new Error(`no Requests/sec in wrk output\n${out}`);
  return result;
}
