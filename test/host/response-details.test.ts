// response.code_details as Envoy sets it: "via_upstream" for a response that came from upstream (the
// router sets it before the encoder filters run), the local reply's reason for one Envoy or a plugin made.
import { afterEach, describe, expect, it } from "vitest";
import { Host, HeaderMap, HttpStream, newStreamInfo, type StreamSink } from "../../host/index.ts";
import { TestGateway, wasmPath } from "../../host/testing/index.ts";
import { streamGetter } from "../../host/stream/properties.ts";

const codeDetails = streamGetter(["response", "code_details"]);

const sink: StreamSink = {
  upstreamHeaders() {}, upstreamData() {}, upstreamTrailers() {},
  downstreamHeaders() {}, downstreamData() {}, downstreamTrailers() {},
  reset() {}, finished() {},
};

let close: (() => void)[] = [];
afterEach(() => {
  for (const c of close) c();
  close = [];
});

describe("response.code_details", () => {
  it("is via_upstream for a response that came from upstream", async () => {
    const gw = new TestGateway({ plugins: [{ name: "noop" }] });
    close.push(() => gw.close());
    expect((await gw.request({})).details).toBe("via_upstream");
  });

  it("is absent before any response, and a local reply's reason stays when upstream headers come after it", () => {
    const host = new Host({ workers: 1 });
    close.push(() => host.close());
    const plugin = host.loadPlugin({ name: "noop", wasm: wasmPath("noop") });
    const info = newStreamInfo({});
    const stream = new HttpStream([plugin.runtime(0)], info, sink, host.bufferLimit);
    stream.sendRequestHeaders(HeaderMap.from({ ":method": "GET", ":path": "/", ":authority": "a", ":scheme": "http" }), true);
    expect(codeDetails(info)).toBeUndefined();
    stream.sendLocalReply(413, Buffer.from("too large"), [], "request_payload_too_large", -1);
    stream.sendResponseHeaders(HeaderMap.from({ ":status": "200" }), true);
    expect(codeDetails(info)).toBe("request_payload_too_large");
  });
});
