// proxy_get_property / proxy_set_property as Envoy serves them (context.cc getProperty: NUL-separated
// path segments, CEL values serialized raw: strings as bytes, int64 as 8 bytes little-endian, bool as
// one byte, maps as pairs; setProperty writes filter state `wasm.<path>`).
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../host/index.ts";
import type { TestGateway } from "../../host/testing/index.ts";
import { R, conformanceGateway, int64Hex, loggedReports, num, replyReport } from "./support/conformance.ts";

let gw: TestGateway;
afterEach(() => gw?.close());

const START_MS = Date.UTC(2026, 2, 1, 12, 0, 0);

async function streamReport() {
  gw = await conformanceGateway({
    clock: new ManualClock(START_MS),
    node: { id: "node-7", cluster: "edge" },
    plugins: [{ name: "props", vmId: "vm-a", rootId: "" }],
  });
  const res = await gw.request({
    path: "/items/9?q=1",
    authority: "api.example.com",
    headers: { "x-scenario": "properties", "x-request-id": "req-42", "content-length": "0" },
    route: "route-a",
    cluster: "outbound|80||svc.local",
  });
  return replyReport(res, "properties");
}

describe("stream properties", () => {
  it("reads request attributes by NUL-separated path; a dotted path is just an unknown name", async () => {
    const r = await streamReport();
    expect(r.get("request.path.value")).toBe("/items/9?q=1");
    expect(r.get("request.path.trailing_nul.value")).toBe("/items/9?q=1");
    expect(num(r, "request.path.dotted")).toBe(R.NotFound);
    expect(r.get("request.url_path.value")).toBe("/items/9");
    expect(r.get("request.query.value")).toBe("q=1");
    expect(r.get("request.method.value")).toBe("GET");
    expect(r.get("request.host.value")).toBe("api.example.com");
    expect(r.get("request.scheme.value")).toBe("http");
    expect(r.get("request.protocol.value")).toBe("HTTP/1.1");
    expect(r.get("request.id.value")).toBe("req-42");
    expect(r.get("request.header.value")).toBe("properties");
  });

  it("serializes integers and timestamps as 8-byte little-endian int64, booleans as one byte", async () => {
    const r = await streamReport();
    expect(r.get("request.time.hex")).toBe(int64Hex(BigInt(START_MS) * 1_000_000n));
    expect(r.get("request.size.hex")).toBe(int64Hex(0));
    expect(r.get("source.address.value")).toBe("127.0.0.1:50000");
    expect(r.get("source.port.hex")).toBe(int64Hex(50000));
    expect(r.get("connection.mtls.hex")).toBe("00");
  });

  it("serializes a header map property in the pairs format", async () => {
    const r = await streamReport();
    const bytes = Buffer.from(r.get("request.headers.hex")!, "hex");
    const count = bytes.readUInt32LE(0);
    expect(count).toBe(7); // 4 pseudo-headers + x-scenario, x-request-id, content-length
    const firstKeyLen = bytes.readUInt32LE(4);
    expect(bytes.subarray(4 + count * 8, 4 + count * 8 + firstKeyLen).toString()).toBe(":method");
  });

  it("serves both xds.route_name/xds.cluster_name and the top-level route_name/cluster_name", async () => {
    const r = await streamReport();
    expect(r.get("xds.route_name.value")).toBe("route-a");
    expect(r.get("route_name.value")).toBe("route-a");
    expect(r.get("xds.cluster_name.value")).toBe("outbound|80||svc.local");
    expect(r.get("cluster_name.value")).toBe("outbound|80||svc.local");
  });

  it("serves the plugin's own properties and the node", async () => {
    const r = await streamReport();
    expect(r.get("plugin_name.value")).toBe("props");
    expect(num(r, "plugin_root_id")).toBe(R.Ok);
    expect(r.get("plugin_root_id.value")).toBe(""); // the root_id Higress and Istio leave empty
    expect(r.get("plugin_vm_id.value")).toBe("vm-a");
    expect(r.get("node.id.value")).toBe("node-7");
  });

  it("answers NotFound for what does not exist yet or at all, InvalidMemoryAccess for a bad path pointer", async () => {
    const r = await streamReport();
    expect(num(r, "response.code")).toBe(R.NotFound);
    expect(num(r, "missing")).toBe(R.NotFound);
    expect(num(r, "get.bad_path_ptr")).toBe(R.InvalidMemoryAccess);
  });

  it("stores set_property values as filter state that get_property reads back", async () => {
    const r = await streamReport();
    expect(num(r, "set")).toBe(R.Ok);
    expect(r.get("set.read_back.value")).toBe("saved value");
    expect(num(r, "set.bad_value_ptr")).toBe(R.InvalidMemoryAccess);
  });
});

describe("root-context properties (on_configure)", () => {
  it("has the plugin's properties but no stream: stream properties and set_property are NotFound", async () => {
    gw = await conformanceGateway({ plugins: [{ name: "rooty", vmId: "vm-r", config: "root-checks" }] });
    const reports = loggedReports(gw, "configure");
    expect(reports).toHaveLength(2); // the canary VM, then the worker's
    const r = reports[1];
    expect(r.get("property.plugin_name.value")).toBe("rooty");
    expect(r.get("property.plugin_vm_id.value")).toBe("vm-r");
    expect(num(r, "property.request_path")).toBe(R.NotFound);
    expect(num(r, "set_property")).toBe(R.NotFound);
  });
});
