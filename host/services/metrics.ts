// Stats defined by plugins (proxy_define_metric). Envoy puts them in the custom namespace "wasmcustom"
// and shares a stat across every VM that defines the same name, so this store is host-wide. The
// Prometheus output follows Envoy's admin /stats/prometheus: custom-namespace stats lose the namespace
// and get no `envoy_` prefix, names are sanitised, and stats_tags regexes turn name parts into labels.
import { MetricType } from "../abi/constants.ts";

export const CUSTOM_NAMESPACE = "wasmcustom";

export interface TagRule { name: string; regex?: string; fixedValue?: string }

// Envoy's default histogram bucket bounds.
const BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

/** Recent histogram samples kept for inspection (tests); Prometheus output uses the bucket counts. */
const KEPT_SAMPLES = 1000;

interface Stat { type: number; name: string; value: bigint; samples: number[]; sum: number; count: number; buckets: number[] }

/** Records a histogram sample: bounded memory however long the gateway runs. */
export function recordSample(s: Stat, v: number): void {
  s.count++;
  s.sum += v;
  for (let i = 0; i < BUCKETS.length; i++) if (v <= BUCKETS[i]) s.buckets[i]++;
  if (s.samples.length >= KEPT_SAMPLES) s.samples.shift();
  s.samples.push(v);
}

export class MetricStore {
  private readonly stats = new Map<string, Stat>();

  /** Returns the stat for `wasmcustom.<name>` of the given type, creating it on first use. */
  define(type: number, name: string): Stat {
    const full = `${CUSTOM_NAMESPACE}.${name}`;
    const key = `${type}:${full}`;
    let s = this.stats.get(key);
    if (!s) this.stats.set(key, (s = { type, name: full, value: 0n, samples: [], sum: 0, count: 0, buckets: BUCKETS.map(() => 0) }));
    return s;
  }

  /** The current value of a stat by its Envoy name (`wasmcustom.x`), or undefined. */
  value(name: string): number | undefined {
    for (const s of this.stats.values()) if (s.name === name && s.type !== MetricType.Histogram) return Number(s.value);
    return undefined;
  }

  /** The most recent samples (up to 1000) of a histogram by its Envoy name. */
  samples(name: string): number[] {
    for (const s of this.stats.values()) if (s.name === name && s.type === MetricType.Histogram) return s.samples;
    return [];
  }

  names(): string[] {
    return [...this.stats.values()].map((s) => s.name);
  }

  prometheus(tagRules: TagRule[] = []): string {
    const families = new Map<string, { type: string; lines: string[] }>();
    const sorted = [...this.stats.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const s of sorted) {
      const { name, labels } = extractTags(s.name, tagRules);
      const metric = sanitize(name.startsWith(`${CUSTOM_NAMESPACE}.`) ? name.slice(CUSTOM_NAMESPACE.length + 1) : `envoy_${name}`);
      const type = s.type === MetricType.Counter ? "counter" : s.type === MetricType.Gauge ? "gauge" : "histogram";
      let fam = families.get(metric);
      if (!fam) families.set(metric, (fam = { type, lines: [] }));
      if (s.type !== MetricType.Histogram) {
        fam.lines.push(`${metric}${formatLabels(labels)} ${s.value}`);
        continue;
      }
      BUCKETS.forEach((le, i) => fam!.lines.push(`${metric}_bucket${formatLabels([...labels, ["le", String(le)]])} ${s.buckets[i]}`));
      fam.lines.push(`${metric}_bucket${formatLabels([...labels, ["le", "+Inf"]])} ${s.count}`);
      fam.lines.push(`${metric}_sum${formatLabels(labels)} ${s.sum}`);
      fam.lines.push(`${metric}_count${formatLabels(labels)} ${s.count}`);
    }
    let out = "";
    for (const [metric, fam] of families) out += `# TYPE ${metric} ${fam.type}\n${fam.lines.join("\n")}\n`;
    return out;
  }
}

export type { Stat };

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, "_");

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function formatLabels(labels: [string, string][]): string {
  return labels.length ? `{${labels.map(([k, v]) => `${sanitize(k)}="${escapeLabel(v)}"`).join(",")}}` : "";
}

/**
 * Envoy's tag extraction (TagExtractorImpl): every rule's regex is matched against the original name;
 * its first capture group marks characters to cut from the name and the second (or the first if
 * there is only one) is the tag value. The cuts of all rules are applied at the end.
 */
export function extractTags(fullName: string, rules: TagRule[]): { name: string; labels: [string, string][] } {
  const cut = new Uint8Array(fullName.length);
  const labels: [string, string][] = [];
  for (const rule of rules) {
    if (rule.fixedValue !== undefined) {
      labels.push([rule.name, rule.fixedValue]);
      continue;
    }
    const m = new RegExp(rule.regex ?? "").exec(fullName);
    if (!m || m[1] === undefined) continue;
    const start = m.index + m[0].indexOf(m[1]);
    cut.fill(1, start, start + m[1].length);
    labels.push([rule.name, m[2] ?? m[1]]);
  }
  let name = "";
  for (let i = 0; i < fullName.length; i++) if (!cut[i]) name += fullName[i];
  return { name, labels };
}
