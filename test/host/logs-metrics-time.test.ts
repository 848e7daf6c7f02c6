// Logging, metrics, time, timers and stream control, as Envoy answers them (cpp-host src/exports.cc;
// Envoy context.cc log/getLogLevel, define/increment/record/getMetric, continue/closeStream,
// sendLocalResponse; cpp-host src/context.cc setTimerPeriod).
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../host/index.ts";
import type { TestGateway } from "../../host/testing/index.ts";
import { R, conformanceGateway, loggedReport, loggedReports, num, replyReport } from "./support/conformance.ts";

let gw: TestGateway;
afterEach(() => gw?.close());

describe("proxy_log and proxy_get_log_level", () => {
  it("accepts every level 0..5, drops lines below the host's level, and reports that level", async () => {
    gw = await conformanceGateway({ logLevel: "warn" });
    const r = replyReport(await gw.request({ headers: { "x-scenario": "log" } }), "log");
    for (let level = 0; level <= 5; level++) expect(num(r, `log.${level}`)).toBe(R.Ok);
    expect(num(r, "get_log_level")).toBe(R.Ok);
    expect(num(r, "get_log_level.value")).toBe(3);
    const lines = gw.logs.records.filter((x) => x.message.startsWith("log-level-"));
    expect(lines.map((x) => [x.level, x.message])).toEqual([
      ["warn", "log-level-3"],
      ["error", "log-level-4"],
      ["critical", "log-level-5"],
    ]);
  });

  it("answers BadArgument for a level above critical and InvalidMemoryAccess for bad pointers", async () => {
    gw = await conformanceGateway({ logLevel: "trace" });
    const r = replyReport(await gw.request({ headers: { "x-scenario": "log" } }), "log");
    expect(num(r, "get_log_level.value")).toBe(0);
    expect(gw.logs.messages().filter((m) => m.startsWith("log-level-"))).toHaveLength(6);
    expect(num(r, "log.level_out_of_range")).toBe(R.BadArgument);
    expect(gw.logs.messages()).not.toContain("never");
    expect(num(r, "log.bad_ptr")).toBe(R.InvalidMemoryAccess);
    expect(num(r, "get_log_level.bad_ptr")).toBe(R.InvalidMemoryAccess);
  });
});

describe("metrics", () => {
  async function run() {
    gw = await conformanceGateway();
    return replyReport(await gw.request({ headers: { "x-scenario": "metrics" } }), "metrics");
  }

  it("defines counters, gauges and histograms with the type in the id's low two bits", async () => {
    const r = await run();
    expect(num(r, "define.counter")).toBe(R.Ok);
    expect(num(r, "define.counter.num") & 3).toBe(0);
    expect(num(r, "define.gauge.num") & 3).toBe(1);
    expect(num(r, "define.histogram.num") & 3).toBe(2);
    expect(num(r, "define.type_out_of_range")).toBe(R.BadArgument);
    expect(num(r, "define.bad_name_ptr")).toBe(R.InvalidMemoryAccess);
  });

  it("refuses a counter delta <= 0 (BadArgument); record adds to a counter", async () => {
    const r = await run();
    expect(num(r, "counter.increment_zero")).toBe(R.BadArgument);
    expect(num(r, "counter.increment_negative")).toBe(R.BadArgument);
    expect(num(r, "counter.increment")).toBe(R.Ok);
    expect(num(r, "counter.after_increment.num")).toBe(5);
    expect(num(r, "counter.record")).toBe(R.Ok);
    expect(num(r, "counter.after_record.num")).toBe(7);
    expect(gw.metrics.value("wasmcustom.conf.requests")).toBe(7);
  });

  it("takes negative gauge deltas; record sets a gauge", async () => {
    const r = await run();
    expect(num(r, "gauge.increment")).toBe(R.Ok);
    expect(num(r, "gauge.increment_negative")).toBe(R.Ok);
    expect(num(r, "gauge.after_increment.num")).toBe(7);
    expect(num(r, "gauge.after_record.num")).toBe(42);
    expect(gw.metrics.value("wasmcustom.conf.level")).toBe(42);
  });

  it("records histogram samples; increment and get on a histogram are BadArgument", async () => {
    const r = await run();
    expect(num(r, "histogram.record")).toBe(R.Ok);
    expect(num(r, "histogram.increment")).toBe(R.BadArgument);
    expect(num(r, "histogram.get")).toBe(R.BadArgument);
    expect(gw.metrics.samples("wasmcustom.conf.latency_ms")).toEqual([15]);
  });

  it("answers NotFound for an id never defined, InvalidMemoryAccess for a bad result pointer", async () => {
    const r = await run();
    expect(num(r, "unknown.increment")).toBe(R.NotFound);
    expect(num(r, "unknown.record")).toBe(R.NotFound);
    expect(num(r, "unknown.get")).toBe(R.NotFound);
    expect(num(r, "get.bad_out_ptr")).toBe(R.InvalidMemoryAccess);
  });
});

describe("time and the tick timer", () => {
  const ticks = (g: TestGateway) => g.logs.messages().filter((m) => m.startsWith("cb tick "));

  it("ticks the worker's root context on the host clock; the canary VM's timer is stopped", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const t0 = clock.nowNanos();
    gw = await conformanceGateway({ clock, plugins: [{ config: "tick=100" }] });
    expect(num(loggedReports(gw, "configure")[1], "tick")).toBe(R.Ok);
    clock.advance(250);
    expect(ticks(gw)).toEqual([`cb tick 1 n=1 now=${t0 + 100_000_000n}`, `cb tick 1 n=2 now=${t0 + 200_000_000n}`]);
  });

  it("stops ticking after set_tick_period_milliseconds(0) from a stream context", async () => {
    const clock = new ManualClock();
    gw = await conformanceGateway({ clock, plugins: [{ config: "tick=100" }] });
    clock.advance(100);
    const r = replyReport(await gw.request({ headers: { "x-scenario": "tick-stop" } }), "tick-stop");
    expect(num(r, "set_tick_period")).toBe(R.Ok);
    clock.advance(1000);
    expect(ticks(gw)).toHaveLength(1);
  });

  it("reads the current time from the host clock", async () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 15, 8, 30));
    gw = await conformanceGateway({ clock });
    const r = replyReport(await gw.request({ headers: { "x-scenario": "control" } }), "control");
    expect(num(r, "get_time")).toBe(R.Ok);
    expect(r.get("get_time.ns")).toBe(String(clock.nowNanos()));
    expect(num(r, "get_time.bad_ptr")).toBe(R.InvalidMemoryAccess);
  });
});

describe("status, contexts and stream control", () => {
  async function control() {
    gw = await conformanceGateway();
    return replyReport(await gw.request({ headers: { "x-scenario": "control" } }), "control");
  }

  it("reports status Ok with an empty message before any callout", async () => {
    const r = await control();
    expect(num(r, "get_status")).toBe(R.Ok);
    expect(num(r, "get_status.code")).toBe(0);
    expect(r.get("get_status.message")).toBe("");
    expect(num(r, "get_status.bad_ptr")).toBe(R.InvalidMemoryAccess);
  });

  it("switches to a known context id only (BadArgument otherwise); proxy_done without a pending shutdown is NotFound", async () => {
    const r = await control();
    expect(num(r, "set_effective_context.self")).toBe(R.Ok);
    expect(num(r, "set_effective_context.unknown")).toBe(R.BadArgument);
    expect(num(r, "done")).toBe(R.NotFound);
  });

  it("answers continue/close_stream by stream type: out of range BadArgument, continue upstream Unimplemented", async () => {
    const r = await control();
    expect(num(r, "continue_stream.out_of_range")).toBe(R.BadArgument);
    expect(num(r, "close_stream.out_of_range")).toBe(R.BadArgument);
    expect(num(r, "continue_stream.upstream")).toBe(R.Unimplemented);
    expect(num(r, "continue_stream.downstream")).toBe(R.Ok);
    expect(num(r, "close_stream.downstream")).toBe(R.Ok);
    expect(num(r, "close_stream.upstream")).toBe(R.Ok);
  });

  it("offers the emscripten helpers cpp-host registers", async () => {
    const r = await control();
    expect(r.get("pthread_equal.same")).toBe("1");
    expect(r.get("pthread_equal.different")).toBe("0");
  });

  it("sends a local reply after the callback: lowercased extra headers, details without spaces, body", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({ headers: { "x-scenario": "local-reply" } });
    const r = loggedReport(gw, "local-reply");
    expect(num(r, "bad_body_ptr")).toBe(R.InvalidMemoryAccess);
    expect(num(r, "send")).toBe(R.Ok);
    expect(res.status).toBe(418);
    expect(res.headers.get("x-custom")).toBe("one");
    expect(res.headers.get("x-second")).toBe("two");
    expect(res.headers.entries().some(([k]) => k === "X-Custom")).toBe(false);
    expect(res.details).toBe("teapot_details");
    expect(res.text()).toBe("short and stout");
    // The callback returned Continue, but a local reply stops the stream: nothing went upstream.
    expect(res.upstream).toBeNull();
  });

  it("resets the stream on close_stream(Request), with details wasm_close_stream", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({ headers: { "x-scenario": "close" } });
    expect(num(loggedReport(gw, "close"), "close_stream")).toBe(R.Ok);
    expect(res.reset).not.toBeNull();
    expect(res.details).toBe("wasm_close_stream");
    expect(res.upstream).toBeNull();
  });

  it("accepts stream actions on a root context and ignores them (Ok); it has no request headers (BadArgument)", async () => {
    gw = await conformanceGateway({ plugins: [{ config: "root-checks" }] });
    const r = loggedReports(gw, "configure")[1];
    expect(num(r, "send_local_response")).toBe(R.Ok);
    expect(num(r, "continue_stream")).toBe(R.Ok);
    expect(num(r, "close_stream")).toBe(R.Ok);
    expect(num(r, "request_header")).toBe(R.BadArgument);
    expect(num(r, "request_body.status")).toBe(R.Ok);
    expect(num(r, "request_body.status.num")).toBe(0);
    // The ignored local reply did not stop the plugin from serving requests.
    const res = await gw.request({});
    expect(res.status).toBe(200);
  });
});
