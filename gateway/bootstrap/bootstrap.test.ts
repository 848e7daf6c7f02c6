import { describe, expect, it } from "vitest";
import { BootstrapError, loadBootstrapFile, loadBootstrapText } from "./load.ts";

// A minimal bootstrap in the supported subset, as YAML text, with hooks to break it.
function bootstrap(over: { filters?: string; routes?: string; clusters?: string; extraTop?: string } = {}): string {
  return `
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
${over.extraTop ?? ""}
static_resources:
  listeners:
  - name: main
    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          route_config:
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
${over.routes ?? `              - name: r
                match: { prefix: "/" }
                route: { cluster: up, timeout: 2.5s }`}
          http_filters:
${over.filters ?? `          - name: noop
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
              config:
                name: noop
                vm_config:
                  runtime: envoy.wasm.runtime.v8
                  code: { local: { filename: build/noop.wasm } }
                configuration:
                  "@type": type.googleapis.com/google.protobuf.StringValue
                  value: '{"a": 1}'
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router`}
  clusters:
${over.clusters ?? `  - name: up
    connect_timeout: 0.25s
    load_assignment:
      cluster_name: up
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 8080 } } } }] }]`}
`;
}

function refusal(text: string): BootstrapError {
  try {
    loadBootstrapText(text, "test.yaml");
  } catch (e) {
    if (e instanceof BootstrapError) return e;
    throw e;
  }
  throw new Error("the bootstrap was accepted");
}

describe("bootstrap loading", () => {
  it("reads the supported subset into the gateway model", () => {
    const c = loadBootstrapText(bootstrap(), "test.yaml", { baseDir: "/repo" });
    expect(c.admin).toEqual({ address: "127.0.0.1", port: 0 });
    const l = c.listeners[0];
    expect(l.statPrefix).toBe("ingress_http");
    expect(l.filters).toHaveLength(1);
    expect(l.filters[0]).toMatchObject({ pluginName: "noop", configuration: '{"a": 1}', code: { filename: "/repo/build/noop.wasm" }, failOpen: false });
    expect(l.routes.virtualHosts[0].routes[0]).toMatchObject({ name: "r", action: { kind: "cluster", cluster: "up", timeoutMs: 2500 } });
    expect(c.clusters[0]).toMatchObject({ name: "up", type: "STATIC", connectTimeoutMs: 250, endpoints: [{ address: "127.0.0.1", port: 8080 }] });
    expect(c.bufferLimitBytes).toBe(1024 * 1024);
  });

  it("accepts proto3 JSON's camelCase field names, as Envoy does", () => {
    const text = bootstrap().replace("stat_prefix:", "statPrefix:").replace("connect_timeout:", "connectTimeout:");
    const c = loadBootstrapText(text);
    expect(c.listeners[0].statPrefix).toBe("ingress_http");
    expect(c.clusters[0].connectTimeoutMs).toBe(250);
  });

  it("refuses an unsupported field with its YAML path and line", () => {
    const e = refusal(bootstrap({ extraTop: "overload_manager: {}" }));
    expect(e.message).toBe("test.yaml:4:1: overload_manager: field not supported by the local gateway in config.bootstrap.v3.Bootstrap (supported: node, static_resources, admin, stats_config)");
  });

  it("refuses an unsupported field deep inside a Wasm filter with its full path", () => {
    const text = bootstrap().replace("runtime: envoy.wasm.runtime.v8", "runtime: envoy.wasm.runtime.v8\n                  capability_restriction_config: {}");
    const e = refusal(text);
    expect(e.path.join(".")).toBe("static_resources.listeners.0.filter_chains.0.filters.0.typed_config.http_filters.0.typed_config.config.vm_config.capability_restriction_config");
    expect(e.message).toMatch(/^test\.yaml:\d+:19: static_resources\.listeners\[0\]\.filter_chains\[0\]\.filters\[0\]\.typed_config\.http_filters\[0\]\.typed_config\.config\.vm_config\.capability_restriction_config: field not supported/);
  });

  it("refuses an HTTP filter type it cannot run", () => {
    const filters = `          - name: envoy.filters.http.cors
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router`;
    const e = refusal(bootstrap({ filters }));
    expect(e.message).toContain("http_filters[0].typed_config.@type: type type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors is not supported here");
  });

  it("refuses a chain whose last filter is not the router", () => {
    const filters = bootstrap().split("http_filters:\n")[1].split("  clusters:")[0].split("          - name: envoy.filters.http.router")[0];
    const e = refusal(bootstrap({ filters }));
    expect(e.message).toContain("http_filters[0]: the last HTTP filter must be the router");
  });

  it("refuses a route to an unknown cluster", () => {
    const e = refusal(bootstrap({ routes: `              - match: { prefix: "/" }\n                route: { cluster: nowhere }` }));
    expect(e.message).toContain("routes[0].route.cluster: unknown cluster nowhere");
  });

  it("refuses a route with neither route nor direct_response", () => {
    const e = refusal(bootstrap({ routes: `              - match: { prefix: "/" }` }));
    expect(e.message).toContain("routes[0]: one of route, direct_response is required");
  });

  it("refuses two path specifiers in one match", () => {
    const e = refusal(bootstrap({ routes: `              - match: { prefix: "/", path: "/a" }\n                route: { cluster: up }` }));
    expect(e.message).toContain("match.path: only one of prefix, path may be set");
  });

  it("refuses a malformed duration", () => {
    const e = refusal(bootstrap().replace("timeout: 2.5s", "timeout: 2500ms"));
    expect(e.message).toContain('route.timeout: expected a duration such as "1.5s", got string "2500ms"');
  });

  it("refuses a host name in a STATIC cluster", () => {
    const e = refusal(bootstrap().replace("address: 127.0.0.1, port_value: 8080", "address: api.example.com, port_value: 443"));
    expect(e.message).toContain("socket_address.address: api.example.com is not an IP address");
  });

  it("refuses a Wasm runtime stock Envoy images do not ship", () => {
    const e = refusal(bootstrap().replace("runtime: envoy.wasm.runtime.v8", "runtime: envoy.wasm.runtime.wamr"));
    expect(e.message).toContain("vm_config.runtime: runtime envoy.wasm.runtime.wamr is not available");
  });

  it("refuses an enum value outside the subset", () => {
    const e = refusal(bootstrap().replace("stat_prefix: ingress_http", "stat_prefix: ingress_http\n          codec_type: HTTP2"));
    expect(e.message).toContain("codec_type: expected one of AUTO, HTTP1");
  });

  it("refuses a second '*' virtual host domain", () => {
    const routes = `              - match: { prefix: "/" }\n                route: { cluster: up }\n            - name: other\n              domains: ["*"]`;
    const e = refusal(bootstrap({ routes }));
    expect(e.message).toContain("virtual_hosts[1].domains[0]: domain * is already used by virtual host all");
  });

  it("refuses a configuration that is not a StringValue", () => {
    const e = refusal(bootstrap().replace("type.googleapis.com/google.protobuf.StringValue", "type.googleapis.com/google.protobuf.Struct"));
    expect(e.message).toContain("configuration.@type: type type.googleapis.com/google.protobuf.Struct is not supported here");
  });

  it("refuses YAML that does not parse, with its position", () => {
    const e = refusal("static_resources: [\n");
    expect(e.message).toMatch(/^test\.yaml:\d+:\d+: \(root\): not valid YAML/);
  });

  it("reads TLS upstreams, verifying only when trusted_ca is given (as Envoy)", () => {
    const tls = (extra: string) => `  - name: up
    type: LOGICAL_DNS
    load_assignment:
      cluster_name: up
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: api.example.com, port_value: 443 } } } }] }]
    transport_socket:
      name: envoy.transport_sockets.tls
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
        sni: api.example.com${extra}`;
    expect(loadBootstrapText(bootstrap({ clusters: tls("") })).clusters[0].tls).toEqual({ sni: "api.example.com", ca: undefined, verify: false });
    const withCa = tls("\n        common_tls_context: { validation_context: { trusted_ca: { inline_string: PEM } } }");
    expect(loadBootstrapText(bootstrap({ clusters: withCa })).clusters[0].tls).toEqual({ sni: "api.example.com", ca: "PEM", verify: true });
  });

  it("reads the listener's per_connection_buffer_limit_bytes", () => {
    const text = bootstrap().replace("    filter_chains:", "    per_connection_buffer_limit_bytes: 4096\n    filter_chains:");
    expect(loadBootstrapText(text).bufferLimitBytes).toBe(4096);
  });

  it("takes Wasm environment variables from key_values and the host's environment", () => {
    const text = bootstrap().replace("runtime: envoy.wasm.runtime.v8", "runtime: envoy.wasm.runtime.v8\n                  environment_variables: { host_env_keys: [HOME_X], key_values: { A: b } }");
    const c = loadBootstrapText(text, "t", { env: { HOME_X: "/h" } });
    expect(c.listeners[0].filters[0].environment).toEqual({ HOME_X: "/h", A: "b" });
  });

  it("accepts the project's envoy/envoy.yaml", () => {
    const c = loadBootstrapFile("envoy/envoy.yaml");
    expect(c.listeners[0].filters.map((f) => f.pluginName)).toEqual(["key-auth", "request-block", "key-rate-limit", "ai-proxy"]);
    expect(c.listeners[0].routes.virtualHosts[0].routes[0].name).toBe("ai-route");
    for (const f of c.listeners[0].filters) expect(() => JSON.parse(f.configuration)).not.toThrow();
    expect(c.statsTags.map((t) => t.name)).toEqual(["gen_ai.operation.name", "gen_ai.system", "gen_ai.request.model", "consumer", "gen_ai.token.type", "error.type"]);
  });
});
