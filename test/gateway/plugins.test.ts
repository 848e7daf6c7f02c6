// The gateway with a real Wasm module that does things (the test-only conformance plugin): the stream
// properties a bootstrap gives plugins, the listener's buffer limit, plugin local replies, http calls
// to bootstrap clusters, metrics in /stats/prometheus, and the fail-closed / fail-open policies.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryLog } from "../../host/index.ts";
import { loadBootstrapObject } from "../../gateway/bootstrap/load.ts";
import { Gateway } from "../../gateway/gateway.ts";
import { conformanceWasm, parseReport } from "../host/support/conformance.ts";

let upstream: http.Server;
let upstreamPort: number;
const seen: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let wasmBase64: string;

beforeAll(async () => {
  wasmBase64 = Buffer.from(await conformanceWasm()).toString("base64");
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.end(`upstream saw ${req.url}`);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamPort = (upstream.address() as AddressInfo).port;
}, 180_000);
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

const address = (port: number) => ({ socket_address: { address: "127.0.0.1", port_value: port } });

function bootstrap(opts: { bufferLimit?: number; failOpen?: boolean; configuration?: string } = {}): object {
  return {
    node: { id: "node-under-test", cluster: "c" },
    admin: { address: address(0) },
    stats_config: { stats_tags: [{ tag_name: "plugin", fixed_value: "conformance" }, { tag_name: "unit", regex: "(_(ms))$" }] },
    static_resources: {
      listeners: [{
        name: "main",
        address: address(0),
        ...(opts.bufferLimit ? { per_connection_buffer_limit_bytes: opts.bufferLimit } : {}),
        filter_chains: [{ filters: [{
          name: "hcm",
          typed_config: {
            "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            stat_prefix: "ingress_http",
            route_config: { virtual_hosts: [{ name: "vh", domains: ["*"], routes: [{ name: "ai-route", match: { prefix: "/" }, route: { cluster: "up" } }] }] },
            http_filters: [
              {
                name: "conformance",
                typed_config: {
                  "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
                  config: {
                    name: "conformance",
                    root_id: "conf-root",
                    vm_config: { vm_id: "conf-vm", runtime: "envoy.wasm.runtime.v8", code: { local: { inline_bytes: wasmBase64 } } },
                    ...(opts.configuration ? { configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: opts.configuration } } : {}),
                    ...(opts.failOpen ? { failure_policy: "FAIL_OPEN" } : {}),
                  },
                },
              },
              { name: "router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } },
            ],
          },
        }] }],
      }],
      clusters: [{ name: "up", load_assignment: { cluster_name: "up", endpoints: [{ lb_endpoints: [{ endpoint: { address: address(upstreamPort) } }] }] } }],
    },
  };
}

async function withGateway(config: object, fn: (gw: Gateway) => Promise<void>): Promise<void> {
  const gw = await Gateway.start(loadBootstrapObject(config), { log: new MemoryLog(), accessLog: null });
  try {
    await fn(gw);
  } finally {
    await gw.close(0);
  }
}

describe("gateway with a Wasm plugin that exercises the host", () => {
  it("gives the plugin the matched route, cluster, its own identity and the node as properties", async () => {
    await withGateway(bootstrap(), async (gw) => {
      const res = await fetch(`${gw.url()}/p?q=1`, { headers: { "x-scenario": "properties" } });
      expect(res.status).toBe(200);
      const r = parseReport(await res.text(), "properties");
      expect(r.get("xds.route_name.value")).toBe("ai-route");
      expect(r.get("route_name.value")).toBe("ai-route");
      expect(r.get("xds.cluster_name.value")).toBe("up");
      expect(r.get("cluster_name.value")).toBe("up");
      expect(r.get("plugin_name.value")).toBe("conformance");
      expect(r.get("plugin_root_id.value")).toBe("conf-root");
      expect(r.get("plugin_vm_id.value")).toBe("conf-vm");
      expect(r.get("node.id.value")).toBe("node-under-test");
      expect(r.get("request.path.value")).toBe("/p?q=1");
      expect(r.get("source.address.value")).toMatch(/^127\.0\.0\.1:\d+$/);
    });
  });

  it("answers 413 when a buffering plugin holds more than per_connection_buffer_limit_bytes", async () => {
    await withGateway(bootstrap({ bufferLimit: 1024 }), async (gw) => {
      const big = await fetch(gw.url(), { method: "POST", headers: { "x-scenario": "buffer" }, body: "x".repeat(4096) });
      expect(big.status).toBe(413);
      seen.length = 0;
      const small = await fetch(`${gw.url()}/small`, { method: "POST", headers: { "x-scenario": "buffer" }, body: "y".repeat(512) });
      expect(small.status).toBe(200);
      expect(seen.at(-1)).toMatchObject({ url: "/small", body: "y".repeat(512) });
    });
  });

  it("lets a plugin call a bootstrap cluster and resume the stream with the answer", async () => {
    await withGateway(bootstrap(), async (gw) => {
      seen.length = 0;
      const res = await fetch(`${gw.url()}/after`, { headers: { "x-scenario": "http-call", "x-cluster": "up", "x-path": "/callout" } });
      expect(res.status).toBe(200);
      expect(seen.map((s) => s.url)).toEqual(["/callout", "/after"]);
      expect(seen[1].headers["x-callout-status"]).toBe("200");
      expect(seen[1].headers["x-callout-body"]).toBe("upstream saw /callout");
    });
  });

  it("publishes the plugin's metrics in /stats/prometheus with the bootstrap's tags", async () => {
    await withGateway(bootstrap(), async (gw) => {
      expect((await fetch(gw.url(), { headers: { "x-scenario": "metrics" } })).status).toBe(200);
      const prom = await (await fetch(`${gw.adminUrl()}/stats/prometheus`)).text();
      expect(prom).toMatch(/^conf_level\{plugin="conformance"\} 42$/m);
      expect(prom).toMatch(/^conf_requests\{plugin="conformance"\} 7$/m);
      expect(prom).toMatch(/^conf_latency_count\{plugin="conformance",unit="ms"\} [1-9]\d*$/m);
    });
  });

  it("answers 503 for a trapped VM when failing closed, and skips the filter when failing open", async () => {
    await withGateway(bootstrap({ configuration: "trap-at=request-headers" }), async (gw) => {
      expect((await fetch(gw.url())).status).toBe(503);
      expect((await fetch(gw.url())).status).toBe(503);
    });
    await withGateway(bootstrap({ configuration: "trap-at=request-headers", failOpen: true }), async (gw) => {
      for (const path of ["/trapping", "/later"]) {
        const res = await fetch(`${gw.url()}${path}`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe(`upstream saw ${path}`);
      }
    });
  });

  it("refuses to start when the plugin rejects its configuration, naming the filter", async () => {
    await expect(Gateway.start(loadBootstrapObject(bootstrap({ configuration: "fail-configure" })), { log: new MemoryLog() })).rejects.toThrow(
      /http_filters\[0\]: plugin conformance refused its configuration/,
    );
  });
});
