// Prometheus output details that Envoy defines: tag extraction against the original stat name, and
// histograms kept as bucket counts (bounded memory however many samples a long-running gateway records).
import { describe, expect, it } from "vitest";
import { extractTags, MetricStore, recordSample } from "../../host/services/metrics.ts";
import { MetricType } from "../../host/abi/constants.ts";

describe("stats tags", () => {
  it("matches every rule against the original name and cuts all matches at the end", () => {
    // The second rule's regex needs the `;a=1` that the first rule cuts: Envoy still sees it.
    const { name, labels } = extractTags("wasmcustom.x;a=1;b=2", [
      { name: "a", regex: "(;a=([^;]*))" },
      { name: "b", regex: "=1(;b=([^;]*))" },
    ]);
    expect(name).toBe("wasmcustom.x");
    expect(labels).toEqual([["a", "1"], ["b", "2"]]);
  });

  it("renders tagged counters as labelled series", () => {
    const store = new MetricStore();
    store.define(MetricType.Counter, "req;route=r1").value = 3n;
    expect(store.prometheus([{ name: "route", regex: "(;route=([^;]*))" }])).toContain('req{route="r1"} 3');
  });
});

describe("histograms", () => {
  it("keep exact bucket counts and only the most recent 1000 samples", () => {
    const store = new MetricStore();
    const h = store.define(MetricType.Histogram, "lat");
    for (let i = 0; i < 5000; i++) recordSample(h, i % 10);
    expect(store.samples("wasmcustom.lat").length).toBe(1000);
    const text = store.prometheus();
    expect(text).toContain('lat_bucket{le="5"} 3000');
    expect(text).toContain("lat_count 5000");
    expect(text).toContain("lat_sum 22500");
  });
});
