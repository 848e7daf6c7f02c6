// A chain of plugins as Envoy's filter manager iterates it (source/common/http/filter_manager.cc;
// cpp-host convertVmCallResultToFilterHeadersStatus): decoders in order, encoders in reverse, a local
// reply through the encoders of the filters that saw the request, and the headers return codes
// (StopIteration becomes StopAllIterationAndWatermark unless allow_on_headers_stop_iteration).
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../host/index.ts";
import type { TestGateway } from "../../host/testing/index.ts";
import { conformanceGateway, traceOf } from "./support/conformance.ts";

let gw: TestGateway | undefined;
afterEach(() => {
  gw?.close();
  gw = undefined;
});

const callbacks = (g: TestGateway, plugin: string) =>
  traceOf(g, plugin).filter((l) => !/^(vm_start|configure|tick|context_create|log|done|delete) /.test(l)).map((l) => l.replace(/ \d+ /, " "));

describe("a chain of plugins, each with its own configuration", () => {
  it("runs request callbacks in chain order and response callbacks in reverse", async () => {
    gw = await conformanceGateway({
      plugins: ["a", "b", "c"].map((name) => ({
        name,
        config: `append-request-header=x-chain:${name} append-response-header=x-back:${name}`,
      })),
    });
    const res = await gw.request({});
    expect(res.upstream!.headers.getAll("x-chain")).toEqual(["a", "b", "c"]);
    expect(res.headers.getAll("x-back")).toEqual(["c", "b", "a"]);
  });

  it("sends a local reply through the encoders of the filters that saw the request, sender included, not later ones", async () => {
    gw = await conformanceGateway({
      plugins: [
        { name: "a", config: "trace" },
        { name: "b", config: "trace reply-at=request-headers" },
        { name: "c", config: "trace" },
      ],
    });
    const res = await gw.request({ body: "payload" });
    expect(res.status).toBe(403);
    expect(res.text()).toBe("denied by b");
    expect(res.details).toBe("denied_by_b");
    expect(res.upstream).toBeNull();
    const localReply = ["response_headers headers=3 eos=0", "response_body size=11 eos=1"];
    expect(callbacks(gw, "a")).toEqual(["request_headers headers=4 eos=0", ...localReply]);
    expect(callbacks(gw, "b")).toEqual(["request_headers headers=4 eos=0", ...localReply]);
    expect(callbacks(gw, "c")).toEqual([]);
  });
});

describe("StopIteration from on_request_headers", () => {
  async function paused(allowOnHeadersStopIteration: boolean) {
    const clock = new ManualClock();
    gw = await conformanceGateway({ clock, plugins: [{ name: "p", config: "trace tick=10", allowOnHeadersStopIteration }] });
    let reached = false;
    const pending = gw.request({
      headers: { "x-scenario": "pause" },
      chunks: ["ab", "cd"],
      upstream: (req) => {
        reached = true;
        return { status: 200, body: req.body };
      },
    });
    await new Promise((r) => setImmediate(r));
    const beforeTick = callbacks(gw, "p");
    const reachedBeforeTick = reached;
    clock.advance(10); // on_tick continues the stream
    const res = await pending;
    return { res, beforeTick, reachedBeforeTick, all: callbacks(gw, "p") };
  }

  it("stops everything (StopAllIterationAndWatermark): no body callbacks until continue, then the buffered body at once", async () => {
    const { res, beforeTick, reachedBeforeTick, all } = await paused(false);
    expect(beforeTick).toEqual(["request_headers headers=5 eos=0"]);
    expect(reachedBeforeTick).toBe(false);
    expect(all.filter((l) => l.startsWith("request_body"))).toEqual(["request_body size=4 eos=1"]);
    expect(res.text()).toBe("abcd");
  });

  it("with allow_on_headers_stop_iteration, delivers body callbacks while headers wait; a body Continue resumes the stream", async () => {
    const { res, beforeTick, reachedBeforeTick } = await paused(true);
    // Chunk by chunk, without waiting for the tick: the first body Continue already resumed the
    // headers (Envoy's commonHandleAfterDataCallback continues a StopSingleIteration filter).
    expect(beforeTick.slice(0, 3)).toEqual(["request_headers headers=5 eos=0", "request_body size=2 eos=0", "request_body size=2 eos=1"]);
    expect(reachedBeforeTick).toBe(true);
    expect(res.text()).toBe("abcd");
  });
});

describe("StopIteration from on_response_headers", () => {
  it("holds the response and its body until continue, then delivers the buffered body", async () => {
    const clock = new ManualClock();
    gw = await conformanceGateway({ clock, plugins: [{ name: "p", config: "trace tick=10" }] });
    let responded = false;
    const pending = gw.request({ headers: { "x-scenario": "pause-response" }, upstream: { status: 200, chunks: ["12", "34", "5"] } }).then((r) => {
      responded = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    expect(callbacks(gw, "p")).toEqual(["request_headers headers=5 eos=1", "response_headers headers=1 eos=0"]);
    expect(responded).toBe(false);
    clock.advance(10);
    const res = await pending;
    expect(callbacks(gw, "p").slice(2)).toEqual(["response_body size=5 eos=1"]);
    expect(res.text()).toBe("12345");
  });
});
