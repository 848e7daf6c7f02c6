// Turns one shared case file (test/cases/**.yaml) into an Envoy v3 bootstrap that both the local
// gateway and stock Envoy run: the file's plugins as Wasm filters in order, then the router; one route
// per (route, cluster) pair its cases use; every cluster pointing at the echo upstream.
//
// How a request finds its route: the driver sends `x-case-route: <route>` and
// `x-case-cluster: <cluster>` (each only when the case names one), and each generated route matches
// exactly those headers (`present_match: false` for the parts a case leaves out). Route names are the
// cases' `route:` values, so `_match_route_` rules see them through the route_name property. The
// router removes both headers (route_config.request_headers_to_remove), so the upstream never sees
// them; the plugins do, which no case depends on. A case without `cluster` goes to cluster `echo`.
import type { CaseFile } from "../support/cases.ts";

export const ROUTE_HEADER = "x-case-route";
export const CLUSTER_HEADER = "x-case-cluster";
export const DEFAULT_CLUSTER = "echo";

export interface CaseBootstrapOptions {
  /** Where the module of a plugin is, as the proxy will see the path. */
  wasmPath: (plugin: string) => string;
  listenerPort: number;
  adminPort: number;
  upstream: { address: string; port: number };
}

const headerCondition = (name: string, value: string) =>
  value ? { name, string_match: { exact: value } } : { name, present_match: false };

const stringValue = (value: string) => ({ "@type": "type.googleapis.com/google.protobuf.StringValue", value });

export function caseBootstrap(file: CaseFile, opts: CaseBootstrapOptions): Record<string, unknown> {
  const pairs = new Map<string, { route: string; cluster: string }>();
  for (const c of file.cases) {
    const route = c.request.route ?? "";
    const cluster = c.request.cluster ?? "";
    pairs.set(JSON.stringify([route, cluster]), { route, cluster });
  }
  const clusterNames = new Set([DEFAULT_CLUSTER, ...[...pairs.values()].map((p) => p.cluster).filter(Boolean)]);

  const routes = [...pairs.values()].map(({ route, cluster }) => ({
    ...(route ? { name: route } : {}),
    match: { prefix: "/", headers: [headerCondition(ROUTE_HEADER, route), headerCondition(CLUSTER_HEADER, cluster)] },
    route: { cluster: cluster || DEFAULT_CLUSTER, timeout: "30s" },
  }));

  const wasmFilters = file.plugins.map((p, i) => ({
    name: p.name,
    typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
      config: {
        name: p.name,
        vm_config: { vm_id: `${p.name}-${i}`, runtime: "envoy.wasm.runtime.v8", code: { local: { filename: opts.wasmPath(p.name) } } },
        ...(p.config === undefined ? {} : { configuration: stringValue(JSON.stringify(p.config)) }),
      },
    },
  }));

  const address = (a: string, port: number) => ({ socket_address: { address: a, port_value: port } });
  return {
    node: { id: "cases", cluster: "cases" },
    admin: { address: address("127.0.0.1", opts.adminPort) },
    static_resources: {
      listeners: [{
        name: "cases",
        address: address("127.0.0.1", opts.listenerPort),
        filter_chains: [{
          filters: [{
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
              stat_prefix: "cases",
              route_config: {
                name: "cases",
                request_headers_to_remove: [ROUTE_HEADER, CLUSTER_HEADER],
                virtual_hosts: [{ name: "cases", domains: ["*"], routes }],
              },
              http_filters: [
                ...wasmFilters,
                { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } },
              ],
            },
          }],
        }],
      }],
      clusters: [...clusterNames].map((name) => ({
        name,
        type: "STATIC",
        connect_timeout: "2s",
        load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: address(opts.upstream.address, opts.upstream.port) } }] }] },
      })),
    },
  };
}
