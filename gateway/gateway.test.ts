// The gateway's own behaviour (routing, proxying, streaming, router replies, admin, access log,
// shutdown), on the always-built noop module so it does not wait for the real plugins.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryLog } from "../host/index.ts";
import { wasmPath } from "../host/testing/index.ts";
import { MemoryAccessLog } from "./access-log.ts";
import { loadBootstrapObject } from "./bootstrap/load.ts";
import { Gateway, GatewayStartError } from "./gateway.ts";
import { MockProvider } from "./mock/provider.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(handler: http.RequestListener): Promise<number> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  }));
  return (s.address() as AddressInfo).port;
}

const echo: http.RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
  });
};

const address = (port: number) => ({ socket_address: { address: "127.0.0.1", port_value: port } });
const cluster = (name: string, port: number, extra: object = {}) => ({
  name,
  connect_timeout: "1s",
  load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: address(port) } }] }] },
  ...extra,
});

function bootstrap(routes: object[], clusters: object[], filters = [{ name: "noop" }]): object {
  return {
    admin: { address: address(0) },
    static_resources: {
      listeners: [{
        name: "main",
        address: address(0),
        filter_chains: [{ filters: [{
          name: "hcm",
          typed_config: {
            "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            stat_prefix: "ingress_http",
            route_config: { virtual_hosts: [{ name: "all", domains: ["*"], routes }] },
            http_filters: [
              ...filters.map((f) => ({
                name: f.name,
                typed_config: {
                  "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
                  config: { name: f.name, vm_config: { runtime: "envoy.wasm.runtime.v8", code: { local: { filename: wasmPath(f.name) } } } },
                },
              })),
              { name: "router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } },
            ],
          },
        }] }],
      }],
      clusters,
    },
  };
}

async function start(config: object, accessLog: MemoryAccessLog | null = null, concurrency = 2): Promise<Gateway> {
  const gw = await Gateway.start(loadBootstrapObject(config), { log: new MemoryLog(), accessLog, concurrency });
  cleanups.push(() => gw.close(0));
  return gw;
}

describe("local gateway", () => {
  it("proxies a request and its body to the matched route's cluster, as Envoy's router does", async () => {
    const up = await server(echo);
    const gw = await start(bootstrap(
      [{ name: "api", match: { prefix: "/api/" }, route: { cluster: "up", prefix_rewrite: "/v1/", host_rewrite_literal: "upstream.internal", timeout: "7s" }, request_headers_to_remove: ["x-secret"] }],
      [cluster("up", up)],
    ));
    const res = await fetch(`${gw.url()}/api/chat?x=1`, { method: "POST", body: "payload", headers: { "x-secret": "s", "x-keep": "k" } });
    const seen = await res.json();
    expect(res.status).toBe(200);
    expect(seen).toMatchObject({ method: "POST", url: "/v1/chat?x=1", body: "payload" });
    expect(seen.headers).toMatchObject({
      host: "upstream.internal",
      "x-keep": "k",
      "x-forwarded-proto": "http",
      "x-envoy-original-path": "/api/chat?x=1",
      "x-envoy-expected-rq-timeout-ms": "7000",
    });
    expect(seen.headers["x-secret"]).toBeUndefined();
    expect(seen.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-envoy-upstream-service-time")).toMatch(/^\d+$/);
  });

  it("streams an SSE response to the client event by event, not at the end", async () => {
    let releaseRest!: () => void;
    const rest = new Promise<void>((r) => (releaseRest = r));
    const up = await server((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      // The rest is only sent once the client has the first event: a buffering proxy never delivers it.
      void rest.then(() => res.end("data: second\n\ndata: [DONE]\n\n"));
    });
    const gw = await start(bootstrap([{ match: { prefix: "/" }, route: { cluster: "up" } }], [cluster("up", up)]));
    const res = await fetch(gw.url());
    const reader = res.body!.getReader();
    const first = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("first event not delivered while the stream is open")), 5000)),
    ]);
    expect(Buffer.from(first.value!).toString()).toBe("data: first\n\n");
    releaseRest();
    let tail = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) tail += Buffer.from(r.value).toString();
    expect(tail).toBe("data: second\n\ndata: [DONE]\n\n");
  });

  it("stops reading the upstream while the client does not read (backpressure)", async () => {
    const MiB = Buffer.alloc(1024 * 1024, 97);
    let written = 0;
    let stalled!: () => void;
    const stall = new Promise<void>((r) => (stalled = r));
    const up = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const pump = () => {
        while (written < 256) {
          written++;
          if (!res.write(MiB)) {
            stalled();
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const gw = await start(bootstrap([{ match: { prefix: "/" }, route: { cluster: "up" } }], [cluster("up", up)]));
    // A client that sends its request and then reads nothing.
    const { port } = new URL(gw.url());
    const socket = (await import("node:net")).connect(Number(port), "127.0.0.1");
    cleanups.push(() => void socket.destroy());
    socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    socket.pause();
    await stall;
    await new Promise((r) => setTimeout(r, 500));
    // Socket buffers along the way hold a few MiB; without backpressure all 256 MiB would be gone.
    expect(written).toBeLessThan(64);
  });

  it("answers 404 route_not_found when no route matches, after running the filters", async () => {
    const log = new MemoryAccessLog();
    const gw = await start(bootstrap([{ match: { path: "/only" }, route: { cluster: "up" } }], [cluster("up", 1)]), log);
    const res = await fetch(`${gw.url()}/other`);
    expect(res.status).toBe(404);
    expect(log.records[0]).toMatchObject({ status: 404, details: "route_not_found", route: "" });
  });

  it("answers a direct_response route itself", async () => {
    const gw = await start(bootstrap([{ name: "health", match: { path: "/healthz" }, direct_response: { status: 200, body: { inline_string: "ok" } } }], [cluster("up", 1)]));
    const res = await fetch(`${gw.url()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  it("answers 503 when the upstream refuses the connection", async () => {
    const closed = await server(echo);
    await cleanups.pop()!();
    const gw = await start(bootstrap([{ match: { prefix: "/" }, route: { cluster: "down" } }], [cluster("down", closed)]));
    const res = await fetch(gw.url());
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/^upstream connect error or disconnect\/reset before headers\. reset reason: remote connection failure/);
  });

  it("answers 504 when the upstream does not answer within the route timeout", async () => {
    const up = await server(() => {});
    const gw = await start(bootstrap([{ match: { prefix: "/" }, route: { cluster: "up", timeout: "0.2s" } }], [cluster("up", up)]));
    const res = await fetch(gw.url());
    expect(res.status).toBe(504);
    expect(await res.text()).toBe("upstream request timeout");
  });

  it("serves /ready and /stats/prometheus on the admin listener", async () => {
    const up = await server(echo);
    const gw = await start(bootstrap([{ match: { prefix: "/" }, route: { cluster: "up" } }], [cluster("up", up)]));
    await (await fetch(gw.url())).text();
    const ready = await fetch(`${gw.adminUrl()}/ready`);
    expect([ready.status, await ready.text()]).toEqual([200, "LIVE\n"]);
    const prom = await (await fetch(`${gw.adminUrl()}/stats/prometheus`)).text();
    expect(prom).toContain('envoy_cluster_upstream_rq_total{envoy_cluster_name="up"} 1');
    expect(prom).toContain('envoy_http_downstream_rq_xx{envoy_response_code_class="2",envoy_http_conn_manager_prefix="ingress_http"} 1');
    expect((await fetch(`${gw.adminUrl()}/nothing`)).status).toBe(404);
  });

  it("logs consumer, model and tokens of an LLM call", async () => {
    const mock = await MockProvider.start();
    cleanups.push(() => mock.close());
    const log = new MemoryAccessLog();
    const gw = await start(bootstrap([{ name: "ai-route", match: { prefix: "/" }, route: { cluster: "openai" } }], [cluster("openai", mock.port)]), log);
    const res = await fetch(`${gw.url()}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-mse-consumer": "consumer1" },
      body: JSON.stringify({ model: "gpt-4o", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] }),
    });
    await res.text();
    const r = log.records[0];
    expect(r).toMatchObject({ status: 200, route: "ai-route", cluster: "openai", consumer: "consumer1", usage: { model: "gpt-4o" } });
    expect(r.usage.totalTokens).toBe(r.usage.promptTokens! + r.usage.completionTokens!);
    expect(r.ttfbMs).not.toBeNull();
  });

  it("runs one VM per plugin per worker (Envoy's --concurrency)", async () => {
    const up = await server(echo);
    const gw = await start(bootstrap([{ match: { prefix: "/" }, route: { cluster: "up" } }], [cluster("up", up)], [{ name: "noop" }, { name: "noop" }]), null, 3);
    const plugins = gw.filterChain("main").plugins;
    expect(plugins).toHaveLength(2);
    for (const p of plugins) expect(new Set(p.runtimes.map((r) => r.vm)).size).toBe(3);
    for (let i = 0; i < 3; i++) expect((await fetch(gw.url())).status).toBe(200);
  });

  it("lets a request in flight finish on shutdown, reporting DRAINING meanwhile", async () => {
    let answer!: () => void;
    const up = await server((_req, res) => {
      answer = () => res.end("late");
    });
    const gw = await Gateway.start(loadBootstrapObject(bootstrap([{ match: { prefix: "/" }, route: { cluster: "up" } }], [cluster("up", up)])), { log: new MemoryLog(), accessLog: null });
    const pending = fetch(gw.url()).then((r) => r.text());
    while (!answer) await new Promise((r) => setTimeout(r, 10));
    const closing = gw.close(5000);
    const ready = await fetch(`${gw.adminUrl()}/ready`).then((r) => r.status, () => "closed");
    answer();
    expect(await pending).toBe("late");
    await closing;
    expect([503, "closed"]).toContain(ready);
    await expect(fetch(gw.url())).rejects.toThrow();
  });

  it("refuses to start when Wasm modules are missing, naming each with its position", async () => {
    const config = bootstrap([{ match: { prefix: "/" }, route: { cluster: "up" } }], [cluster("up", 1)], [{ name: "no-such-plugin" }, { name: "noop" }]);
    await expect(Gateway.start(loadBootstrapObject(config), { log: new MemoryLog() })).rejects.toThrow(GatewayStartError);
    await expect(Gateway.start(loadBootstrapObject(config), { log: new MemoryLog() })).rejects.toThrow(
      /build\/no-such-plugin\.wasm \(filter no-such-plugin, <object>\)/,
    );
  });
});
