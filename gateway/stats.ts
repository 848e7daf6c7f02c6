// The gateway's own counters, named as Envoy names them (`http.<stat_prefix>.downstream_rq_2xx`,
// `cluster.<name>.upstream_rq_total`, ...), rendered for /stats/prometheus beside the plugins' metrics
// with the same tag extraction: the bootstrap's stats_tags first, then Envoy's default tags for these
// names when use_all_default_tags is on (Envoy's default).
import { extractTags, type MetricStore, type TagRule } from "../host/index.ts";

/**
 * Envoy's built-in tag rules for the stat names this gateway produces (its well-known names: one
 * dot-free segment after `http.` and `cluster.`, the digit of `_rq_<d>xx`).
 */
export const DEFAULT_TAGS: TagRule[] = [
  { name: "envoy.response_code_class", regex: "_rq_((\\d))xx$" },
  { name: "envoy.cluster_name", regex: "^cluster\\.(([^.]+)\\.)" },
  { name: "envoy.http_conn_manager_prefix", regex: "^http\\.(([^.]+)\\.)" },
];

type Kind = "counter" | "gauge";

export class GatewayStats {
  private readonly values = new Map<string, { kind: Kind; value: number }>();

  add(name: string, delta = 1, kind: Kind = "counter"): void {
    const s = this.values.get(name);
    if (s) s.value += delta;
    else this.values.set(name, { kind, value: delta });
  }

  /** Declares a stat at zero (Envoy lists its stats before they move). */
  declare(name: string, kind: Kind = "counter"): void {
    if (!this.values.has(name)) this.values.set(name, { kind, value: 0 });
  }

  value(name: string): number | undefined {
    return this.values.get(name)?.value;
  }

  /** Envoy's plain /stats format: `name: value`, sorted. */
  plain(metrics: MetricStore): string {
    const lines = [...this.values].map(([name, s]) => `${name}: ${s.value}`);
    for (const name of metrics.names()) lines.push(`${name}: ${metrics.value(name) ?? metrics.samples(name).length}`);
    return lines.sort().join("\n") + "\n";
  }

  /** Prometheus text: the gateway's stats (prefixed `envoy_`) then the plugins' (unprefixed, as Envoy does). */
  prometheus(metrics: MetricStore, tags: TagRule[], useDefaultTags: boolean): string {
    const rules = useDefaultTags ? [...tags, ...DEFAULT_TAGS] : tags;
    const families = new Map<string, { kind: Kind; lines: string[] }>();
    for (const [fullName, s] of [...this.values].sort((a, b) => a[0].localeCompare(b[0]))) {
      const { name, labels } = extractTags(fullName, rules);
      const metric = `envoy_${name.replace(/[^a-zA-Z0-9_]/g, "_")}`;
      let fam = families.get(metric);
      if (!fam) families.set(metric, (fam = { kind: s.kind, lines: [] }));
      const labelText = labels.length ? `{${labels.map(([k, v]) => `${k.replace(/[^a-zA-Z0-9_]/g, "_")}="${escapeLabel(v)}"`).join(",")}}` : "";
      fam.lines.push(`${metric}${labelText} ${s.value}`);
    }
    let out = "";
    for (const [metric, fam] of families) out += `# TYPE ${metric} ${fam.kind}\n${fam.lines.join("\n")}\n`;
    return out + metrics.prometheus(rules);
  }
}

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** `2` for 200..299 and so on; 0 (a reset stream) has no class. */
export const codeClass = (status: number) => (status >= 100 && status < 600 ? Math.floor(status / 100) : 0);
