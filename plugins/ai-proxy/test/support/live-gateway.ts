// A real gateway on 127.0.0.1 running build/ai-proxy.wasm: the local gateway library (gateway/) started on
// a bootstrap generated here, so official clients talk HTTP to it exactly as they would to Envoy. The
// bootstrap has one listener, an admin listener, the stats_tags of envoy/envoy.yaml (so Prometheus labels
// are the shipped ones), the given routes and clusters, and ai-proxy as the only Wasm filter.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { MemoryAccessLog } from "../../../../gateway/access-log.ts";
import { loadBootstrapObject } from "../../../../gateway/bootstrap/load.ts";
import { Gateway } from "../../../../gateway/gateway.ts";
import { MemoryLog } from "../../../../host/index.ts";
import { PROJECT_ROOT, wasmPath } from "../../../../host/testing/index.ts";

export interface LiveRoute {
  name: string;
  cluster: string;
  /** Exact path; otherwise the route matches every path (prefix "/"). */
  path?: string;
  /** Only requests carrying this header with this value. */
  header?: { name: string; value: string };
  /** Envoy's route timeout, e.g. "30s". Default 30s. */
  timeout?: string;
}

export interface LiveGatewayOptions {
  /** ai-proxy's configuration (Higress format). */
  config: unknown;
  /** Cluster name → a port on 127.0.0.1. */
  clusters: Record<string, number>;
  /** Tried in order: put the specific ones first. */
  routes: LiveRoute[];
  /** Envoy's per_connection_buffer_limit_bytes. Default 1 MiB. */
  bufferLimitBytes?: number;
  concurrency?: number;
  connectTimeout?: string;
}

export interface LiveGateway {
  gateway: Gateway;
  /** http://127.0.0.1:<port> */
  url: string;
  accessLog: MemoryAccessLog;
  log: MemoryLog;
  /** GET /stats/prometheus on the admin listener. */
  prometheus(): Promise<string>;
  close(): Promise<void>;
}

/** envoy/envoy.yaml's stats_tags, the rules that turn ai-proxy's `;key=value` name segments into labels. */
export function shippedStatsTags(): { tag_name: string; regex: string }[] {
  const doc = parse(readFileSync(join(PROJECT_ROOT, "envoy", "envoy.yaml"), "utf8"));
  return doc.stats_config.stats_tags;
}

const socket = (port: number) => ({ socket_address: { address: "127.0.0.1", port_value: port } });

function route(r: LiveRoute) {
  return {
    name: r.name,
    match: {
      ...(r.path ? { path: r.path } : { prefix: "/" }),
      ...(r.header ? { headers: [{ name: r.header.name, string_match: { exact: r.header.value } }] } : {}),
    },
    route: { cluster: r.cluster, timeout: r.timeout ?? "30s" },
  };
}

export function liveBootstrap(opts: LiveGatewayOptions): Record<string, unknown> {
  return {
    node: { id: "ai-proxy-test", cluster: "ai-proxy-test" },
    admin: { address: socket(0) },
    stats_config: { stats_tags: shippedStatsTags() },
    static_resources: {
      listeners: [{
        name: "main",
        address: socket(0),
        per_connection_buffer_limit_bytes: opts.bufferLimitBytes ?? 1024 * 1024,
        filter_chains: [{
          filters: [{
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
              stat_prefix: "ingress_http",
              route_config: { name: "local", virtual_hosts: [{ name: "ai", domains: ["*"], routes: opts.routes.map(route) }] },
              http_filters: [
                {
                  name: "ai-proxy",
                  typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
                    config: {
                      name: "ai-proxy",
                      // Higress's default; gemini and azure's resource-only form need it (README).
                      allow_on_headers_stop_iteration: true,
                      vm_config: { vm_id: "ai-proxy", runtime: "envoy.wasm.runtime.v8", code: { local: { filename: wasmPath("ai-proxy") } } },
                      configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: JSON.stringify(opts.config) },
                    },
                  },
                },
                { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } },
              ],
            },
          }],
        }],
      }],
      clusters: Object.entries(opts.clusters).map(([name, port]) => ({
        name,
        type: "STATIC",
        connect_timeout: opts.connectTimeout ?? "2s",
        load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: socket(port) } }] }] },
      })),
    },
  };
}

export async function startLiveGateway(opts: LiveGatewayOptions): Promise<LiveGateway> {
  const accessLog = new MemoryAccessLog();
  const log = new MemoryLog();
  const gateway = await Gateway.start(loadBootstrapObject(liveBootstrap(opts)), { concurrency: opts.concurrency ?? 2, log, accessLog });
  return {
    gateway,
    url: gateway.url(),
    accessLog,
    log,
    prometheus: async () => (await fetch(`${gateway.adminUrl()}/stats/prometheus`)).text(),
    close: () => gateway.close(0),
  };
}
