// The subset of Envoy's v3 bootstrap API the local gateway runs, declared field by field. A field not
// declared here is refused with its path: the gateway never silently ignores configuration that stock
// Envoy would act on. Names, nesting, type URLs and enum values are Envoy's own, so a file accepted
// here is a file stock Envoy accepts (the reverse holds only for this subset).
import {
  anyOf, bool, duration, enumOf, list, mapOf, message, opt, req, str, u32,
  type MessageSpec,
} from "./schema-types.ts";

export const TYPE = {
  hcm: "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
  wasm: "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
  router: "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
  upstreamTls: "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
  stringValue: "type.googleapis.com/google.protobuf.StringValue",
} as const;

const SocketAddress: MessageSpec = {
  name: "config.core.v3.SocketAddress",
  fields: {
    address: req(str(true)),
    port_value: opt(u32(0, 65535)),
    protocol: opt(enumOf("TCP")),
  },
};

const Address: MessageSpec = {
  name: "config.core.v3.Address",
  fields: { socket_address: req(message(SocketAddress)) },
};

const StringValue: MessageSpec = { name: "google.protobuf.StringValue", fields: { value: opt(str()) } };

// ---- HTTP filters

const DataSource: MessageSpec = {
  name: "config.core.v3.DataSource",
  fields: { filename: opt(str(true)), inline_bytes: opt(str()), inline_string: opt(str()) },
  oneofs: [{ fields: ["filename", "inline_bytes", "inline_string"], required: true }],
};

const VmConfig: MessageSpec = {
  name: "extensions.wasm.v3.VmConfig",
  fields: {
    vm_id: opt(str()),
    runtime: req(str(true)),
    code: req(message({ name: "config.core.v3.AsyncDataSource", fields: { local: req(message(DataSource)) } })),
    configuration: opt(anyOf({ [TYPE.stringValue]: StringValue })),
    allow_precompiled: opt(bool()),
    nack_on_code_cache_miss: opt(bool()),
    environment_variables: opt(message({
      name: "extensions.wasm.v3.EnvironmentVariables",
      fields: { host_env_keys: opt(list(str(true))), key_values: opt(mapOf(str())) },
    })),
  },
};

const PluginConfig: MessageSpec = {
  name: "extensions.wasm.v3.PluginConfig",
  fields: {
    name: opt(str()),
    root_id: opt(str()),
    vm_config: req(message(VmConfig)),
    configuration: opt(anyOf({ [TYPE.stringValue]: StringValue })),
    fail_open: opt(bool()),
    failure_policy: opt(enumOf("UNSPECIFIED", "FAIL_CLOSED", "FAIL_OPEN")),
    allow_on_headers_stop_iteration: opt(bool()),
  },
  oneofs: [{ fields: ["fail_open", "failure_policy"] }],
};

const Wasm: MessageSpec = { name: "extensions.filters.http.wasm.v3.Wasm", fields: { config: req(message(PluginConfig)) } };

const Router: MessageSpec = { name: "extensions.filters.http.router.v3.Router", fields: { suppress_envoy_headers: opt(bool()) } };

const HttpFilter: MessageSpec = {
  name: "extensions.filters.network.http_connection_manager.v3.HttpFilter",
  fields: {
    name: req(str(true)),
    typed_config: req(anyOf({ [TYPE.wasm]: Wasm, [TYPE.router]: Router })),
  },
};

// ---- routes

const StringMatcher: MessageSpec = {
  name: "type.matcher.v3.StringMatcher",
  fields: { exact: opt(str()), prefix: opt(str(true)), suffix: opt(str(true)), contains: opt(str(true)), ignore_case: opt(bool()) },
  oneofs: [{ fields: ["exact", "prefix", "suffix", "contains"], required: true }],
};

const HeaderMatcher: MessageSpec = {
  name: "config.route.v3.HeaderMatcher",
  fields: {
    name: req(str(true)),
    string_match: opt(message(StringMatcher)),
    present_match: opt(bool()),
    invert_match: opt(bool()),
  },
  oneofs: [{ fields: ["string_match", "present_match"] }],
};

const RouteMatch: MessageSpec = {
  name: "config.route.v3.RouteMatch",
  fields: {
    prefix: opt(str()),
    path: opt(str()),
    case_sensitive: opt(bool()),
    headers: opt(list(message(HeaderMatcher))),
  },
  oneofs: [{ fields: ["prefix", "path"], required: true }],
};

const RouteAction: MessageSpec = {
  name: "config.route.v3.RouteAction",
  fields: {
    cluster: req(str(true)),
    timeout: opt(duration()),
    prefix_rewrite: opt(str()),
    host_rewrite_literal: opt(str(true)),
  },
};

const DirectResponseAction: MessageSpec = {
  name: "config.route.v3.DirectResponseAction",
  fields: {
    status: req(u32(200, 599)),
    body: opt(message({ name: "config.core.v3.DataSource", fields: { inline_string: req(str()) } })),
  },
};

const Route: MessageSpec = {
  name: "config.route.v3.Route",
  fields: {
    name: opt(str()),
    match: req(message(RouteMatch)),
    route: opt(message(RouteAction)),
    direct_response: opt(message(DirectResponseAction)),
    request_headers_to_remove: opt(list(str(true))),
  },
  oneofs: [{ fields: ["route", "direct_response"], required: true }],
};

const VirtualHost: MessageSpec = {
  name: "config.route.v3.VirtualHost",
  fields: {
    name: req(str(true)),
    domains: req(list(str(true), true)),
    routes: opt(list(message(Route))),
    request_headers_to_remove: opt(list(str(true))),
  },
};

const RouteConfiguration: MessageSpec = {
  name: "config.route.v3.RouteConfiguration",
  fields: {
    name: opt(str()),
    virtual_hosts: opt(list(message(VirtualHost))),
    request_headers_to_remove: opt(list(str(true))),
  },
};

const HttpConnectionManager: MessageSpec = {
  name: "extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
  fields: {
    stat_prefix: req(str(true)),
    codec_type: opt(enumOf("AUTO", "HTTP1")),
    route_config: req(message(RouteConfiguration)),
    http_filters: opt(list(message(HttpFilter))),
    generate_request_id: opt(bool()),
  },
};

// ---- listeners

const Filter: MessageSpec = {
  name: "config.listener.v3.Filter",
  fields: { name: req(str(true)), typed_config: req(anyOf({ [TYPE.hcm]: HttpConnectionManager })) },
};

const FilterChain: MessageSpec = {
  name: "config.listener.v3.FilterChain",
  fields: { name: opt(str()), filters: req(list(message(Filter), true)) },
};

const Listener: MessageSpec = {
  name: "config.listener.v3.Listener",
  fields: {
    name: req(str(true)),
    address: req(message(Address)),
    filter_chains: req(list(message(FilterChain), true)),
    per_connection_buffer_limit_bytes: opt(u32()),
  },
};

// ---- clusters

const UpstreamTlsContext: MessageSpec = {
  name: "extensions.transport_sockets.tls.v3.UpstreamTlsContext",
  fields: {
    sni: opt(str()),
    common_tls_context: opt(message({
      name: "extensions.transport_sockets.tls.v3.CommonTlsContext",
      fields: {
        validation_context: opt(message({
          name: "extensions.transport_sockets.tls.v3.CertificateValidationContext",
          fields: { trusted_ca: req(message(DataSource)) },
        })),
      },
    })),
  },
};

const Cluster: MessageSpec = {
  name: "config.cluster.v3.Cluster",
  fields: {
    name: req(str(true)),
    type: opt(enumOf("STATIC", "STRICT_DNS", "LOGICAL_DNS")),
    connect_timeout: opt(duration()),
    lb_policy: opt(enumOf("ROUND_ROBIN")),
    load_assignment: req(message({
      name: "config.endpoint.v3.ClusterLoadAssignment",
      fields: {
        cluster_name: req(str(true)),
        endpoints: req(list(message({
          name: "config.endpoint.v3.LocalityLbEndpoints",
          fields: {
            lb_endpoints: req(list(message({
              name: "config.endpoint.v3.LbEndpoint",
              fields: {
                endpoint: req(message({ name: "config.endpoint.v3.Endpoint", fields: { address: req(message(Address)) } })),
              },
            }), true)),
          },
        }), true)),
      },
    })),
    transport_socket: opt(message({
      name: "config.core.v3.TransportSocket",
      fields: { name: req(str(true)), typed_config: req(anyOf({ [TYPE.upstreamTls]: UpstreamTlsContext })) },
    })),
  },
};

// ---- bootstrap

export const Bootstrap: MessageSpec = {
  name: "config.bootstrap.v3.Bootstrap",
  fields: {
    node: opt(message({ name: "config.core.v3.Node", fields: { id: opt(str()), cluster: opt(str()) } })),
    static_resources: req(message({
      name: "config.bootstrap.v3.Bootstrap.StaticResources",
      fields: { listeners: opt(list(message(Listener))), clusters: opt(list(message(Cluster))) },
    })),
    admin: opt(message({ name: "config.bootstrap.v3.Admin", fields: { address: req(message(Address)) } })),
    stats_config: opt(message({
      name: "config.metrics.v3.StatsConfig",
      fields: {
        stats_tags: opt(list(message({
          name: "config.metrics.v3.TagSpecifier",
          fields: { tag_name: req(str(true)), regex: opt(str(true)), fixed_value: opt(str()) },
          oneofs: [{ fields: ["regex", "fixed_value"] }],
        }))),
        use_all_default_tags: opt(bool()),
      },
    })),
  },
};
