// Usage metrics named after the OpenTelemetry GenAI semantic conventions. Envoy metric names are flat
// strings, so attributes ride in the name as `;key=value` segments; the stats_tags in envoy/envoy.yaml
// turn them into Prometheus labels (e.g. gen_ai_client_token_usage{gen_ai_token_type="input",...}).
// The number of distinct series is capped so client-chosen model names cannot grow it without bound.
import { defineMetric, incrementMetric, MetricType, recordMetric } from "../common/host";

const MAX_SERIES = 2000;

export class Attributes {
  constructor(
    readonly consumer: string,
    readonly model: string,
    readonly system: string,
    readonly operation: string,
  ) {}

  suffix(): string {
    return ";gen_ai.operation.name=" + clean(this.operation) + ";gen_ai.system=" + clean(this.system) +
      ";gen_ai.request.model=" + clean(this.model) + ";consumer=" + clean(this.consumer);
  }
}

/** Tag values may not contain the separators. */
function clean(v: string): string {
  if (v.length == 0) return "none";
  return v.replaceAll(";", "_").replaceAll("=", "_");
}

export class Metrics {
  private ids: Map<string, u32> = new Map();

  private id(type: MetricType, name: string): u32 {
    if (this.ids.has(name)) return this.ids.get(name);
    if (this.ids.size >= MAX_SERIES) return 0;
    const id = defineMetric(type, name);
    this.ids.set(name, id);
    return id;
  }

  count(name: string, attrs: string, delta: i64 = 1): void {
    if (delta > 0) incrementMetric(this.id(MetricType.Counter, name + attrs), delta);
  }

  record(name: string, attrs: string, value: u64): void {
    recordMetric(this.id(MetricType.Histogram, name + attrs), value);
  }
}
