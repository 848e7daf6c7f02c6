// ai-proxy's metrics as the host stores them (`wasmcustom.<name>;key=value;...`), read back into name +
// attributes so tests can pick one series by consumer, model, token type, ... without string matching.
import type { MetricStore } from "../../../../host/index.ts";

export interface Series {
  /** The metric name without attributes, e.g. gen_ai.client.token.usage */
  name: string;
  attrs: Record<string, string>;
  /** Counter value, or the histogram's samples. */
  value: number;
  samples: number[];
}

const PREFIX = "wasmcustom.";

export function parseSeriesName(full: string): { name: string; attrs: Record<string, string> } {
  const [name, ...parts] = (full.startsWith(PREFIX) ? full.slice(PREFIX.length) : full).split(";");
  const attrs: Record<string, string> = {};
  for (const p of parts) {
    const eq = p.indexOf("=");
    attrs[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return { name, attrs };
}

export function allSeries(metrics: MetricStore): Series[] {
  return metrics.names().filter((n) => n.startsWith(`${PREFIX}gen_ai.`)).map((full) => {
    const { name, attrs } = parseSeriesName(full);
    return { name, attrs, value: metrics.value(full) ?? 0, samples: metrics.samples(full) };
  });
}

/** The sum of a counter over the series whose attributes include `where`. */
export function counter(metrics: MetricStore, name: string, where: Record<string, string> = {}): number {
  return allSeries(metrics)
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.attrs[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Histogram samples of the series whose attributes include `where`. */
export function samples(metrics: MetricStore, name: string, where: Record<string, string> = {}): number[] {
  return allSeries(metrics)
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.attrs[k] === v))
    .flatMap((s) => s.samples);
}

export const tokenUsage = (metrics: MetricStore, type: "input" | "output", where: Record<string, string> = {}) =>
  counter(metrics, "gen_ai.client.token.usage", { ...where, "gen_ai.token.type": type });
