// Metrics: proxy_define_metric, proxy_increment_metric, proxy_record_metric, proxy_get_metric.
import { BAD_PTR, MetricType } from "../abi";
import * as abi from "../abi";
import { defineMetric, getMetric } from "../calls";
import { OUT_U32 } from "../mem";
import { Report } from "../report";

/** `metrics`, in on_request_headers: defines `conf.*` stats and probes every result. */
export function metricCalls(): void {
  const r = new Report("metrics");
  const counter = defineMetric(MetricType.Counter, "conf.requests");
  const gauge = defineMetric(MetricType.Gauge, "conf.level");
  const histogram = defineMetric(MetricType.Histogram, "conf.latency_ms");
  r.number("define.counter", counter);
  r.number("define.gauge", gauge);
  r.number("define.histogram", histogram);
  r.code("define.type_out_of_range", defineMetric(3, "conf.bad").result);
  r.code("define.bad_name_ptr", abi.proxy_define_metric(MetricType.Counter, BAD_PTR, 4, OUT_U32));
  const c = <u32>counter.num;
  const g = <u32>gauge.num;
  const h = <u32>histogram.num;

  r.code("counter.increment_zero", abi.proxy_increment_metric(c, 0));
  r.code("counter.increment_negative", abi.proxy_increment_metric(c, -1));
  r.code("counter.increment", abi.proxy_increment_metric(c, 5));
  r.number("counter.after_increment", getMetric(c));
  r.code("counter.record", abi.proxy_record_metric(c, 2));
  r.number("counter.after_record", getMetric(c));

  r.code("gauge.increment", abi.proxy_increment_metric(g, 10));
  r.code("gauge.increment_negative", abi.proxy_increment_metric(g, -3));
  r.number("gauge.after_increment", getMetric(g));
  r.code("gauge.record", abi.proxy_record_metric(g, 42));
  r.number("gauge.after_record", getMetric(g));

  r.code("histogram.record", abi.proxy_record_metric(h, 15));
  r.code("histogram.increment", abi.proxy_increment_metric(h, 1));
  r.code("histogram.get", getMetric(h).result);

  // An id of counter type that was never defined.
  const unknown: u32 = (0xfff0 << 2) | MetricType.Counter;
  r.code("unknown.increment", abi.proxy_increment_metric(unknown, 1));
  r.code("unknown.record", abi.proxy_record_metric(unknown, 1));
  r.code("unknown.get", getMetric(unknown).result);
  r.code("get.bad_out_ptr", abi.proxy_get_metric(c, BAD_PTR));
  r.reply();
}
