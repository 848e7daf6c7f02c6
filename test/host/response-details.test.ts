// response.code_details as Envoy sets it: "via_upstream" for a response that came from upstream (the
// router sets it before the encoder filters run), the local reply's reason for one Envoy or a plugin made.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { Host, HeaderMap, HttpStream, newStreamInfo, type StreamSink } from "../../host/index.ts";
import { streamGetter } from "../../host/stream/properties.ts";

const NOOP = join(import.meta.dirname, "..", "..", "build", "noop.wasm");
const codeDetails = streamGetter(["response", "code_details"]);

const sink: StreamSink = {
  upstreamHeaders() {}, upstreamData() {}, upstreamTrailers() {},
  downstreamHeaders() {}, downstreamData() {}, downstreamTrailers() {},
  reset() {}, finished() {},
};

function newStream() {
  const host = new Host({ workers: 1 });
  const plugin = host.loadPlugin({ name: "noop", wasm: NOOP });
  const info = newStreamInfo({});
  const stream = new HttpStream([plugin.runtime(0)], info, sink, host.bufferLimit);
  stream.sendRequestHeaders(HeaderMap.from({ ":method": "GET", ":path": "/", ":authority": "a", ":scheme": "http" }), true);
  return { stream, info };
}

describe("response.code_details", () => {
  it("is absent before a response, via_upstream once upstream headers arrive", () => {
    const { stream, info } = newStream();
    expect(codeDetails(info)).toBeUndefined();
    stream.sendResponseHeaders(HeaderMap.from({ ":status": "200" }), true);
    expect(codeDetails(info)).toBe("via_upstream");
  });

  it("keeps a local reply's reason, and a later upstream response does not overwrite it", () => {
    const { stream, info } = newStream();
    stream.sendLocalReply(413, Buffer.from("too large"), [], "request_payload_too_large", -1);
    stream.sendResponseHeaders(HeaderMap.from({ ":status": "200" }), true);
    expect(codeDetails(info)).toBe("request_payload_too_large");
  });
});
