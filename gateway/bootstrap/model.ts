// What the gateway runs, distilled from a validated bootstrap: listeners with their route tables and
// Wasm filter chains, clusters, the admin listener and stats tag rules. The cross-field rules stock
// Envoy enforces (router last, routes naming known clusters, STATIC clusters on IP literals, one `*`
// virtual host...) are checked here, each error naming the YAML path at fault.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";
import type { TagRule } from "../../host/index.ts";
import type { BootstrapSource, PathSegment } from "./source.ts";
import { TYPE } from "./schema.ts";

type Obj = Record<string, any>;

export interface SocketAddress { address: string; port: number }

export interface HeaderMatch {
  name: string;
  /** Absent: the header only has to be present. */
  string?: { kind: "exact" | "prefix" | "suffix" | "contains"; value: string; ignoreCase: boolean };
  present?: boolean;
  invert: boolean;
}

export interface RouteEntry {
  name: string;
  match: { prefix?: string; path?: string; caseSensitive: boolean; headers: HeaderMatch[] };
  action:
    | { kind: "cluster"; cluster: string; timeoutMs: number; prefixRewrite?: string; hostRewrite?: string }
    | { kind: "direct"; status: number; body: string };
  requestHeadersToRemove: string[];
}

export interface VirtualHostEntry { name: string; domains: string[]; routes: RouteEntry[]; requestHeadersToRemove: string[] }

export interface RouteTable { name: string; virtualHosts: VirtualHostEntry[]; requestHeadersToRemove: string[] }

export interface WasmFilterEntry {
  /** The http_filters entry's name (e.g. envoy.filters.http.wasm). */
  filterName: string;
  /** PluginConfig.name: the plugin_name property. */
  pluginName: string;
  rootId: string;
  vmId: string;
  code: { filename: string } | { bytes: Uint8Array };
  configuration: string;
  vmConfiguration: string;
  environment: Record<string, string>;
  failOpen: boolean;
  allowOnHeadersStopIteration: boolean;
  /** Where the filter is declared (`file:line:col`, YAML path), for load errors. */
  where: string;
  path: PathSegment[];
}

export interface ListenerEntry {
  name: string;
  address: SocketAddress;
  statPrefix: string;
  generateRequestId: boolean;
  routes: RouteTable;
  filters: WasmFilterEntry[];
  suppressEnvoyHeaders: boolean;
}

export interface ClusterEntry {
  name: string;
  type: "STATIC" | "STRICT_DNS" | "LOGICAL_DNS";
  endpoints: SocketAddress[];
  connectTimeoutMs: number;
  /**
   * TLS to the upstream. From a bootstrap, `verify` is true exactly when validation_context.trusted_ca
   * is given (without it Envoy does not verify the certificate either); `ca` absent with `verify`
   * means the platform's trust store.
   */
  tls?: { sni?: string; ca?: string; verify: boolean };
}

export interface GatewayConfig {
  node: { id: string; cluster: string };
  listeners: ListenerEntry[];
  clusters: ClusterEntry[];
  admin: SocketAddress | null;
  statsTags: TagRule[];
  useAllDefaultTags: boolean;
  bufferLimitBytes: number;
}

/** Envoy's defaults: 15 s route timeout, 5 s cluster connect timeout, 1 MiB connection buffer. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_BUFFER_LIMIT = 1024 * 1024;

/** The only Wasm runtime the official envoyproxy/envoy images ship. */
export const WASM_RUNTIME = "envoy.wasm.runtime.v8";

export interface ModelOptions {
  /** Relative Wasm file names resolve against this directory (Envoy: its working directory). */
  baseDir?: string;
  env?: Record<string, string | undefined>;
}

export function buildModel(src: BootstrapSource, b: Obj, opts: ModelOptions = {}): GatewayConfig {
  return new ModelBuilder(src, opts).build(b);
}

class ModelBuilder {
  constructor(private readonly src: BootstrapSource, private readonly opts: ModelOptions) {}

  private fail(path: PathSegment[], problem: string): never {
    throw this.src.error(path, problem);
  }

  build(b: Obj): GatewayConfig {
    const clusters = (b.static_resources.clusters ?? []).map((c: Obj, i: number) => this.cluster(c, ["static_resources", "clusters", i]));
    const seen = new Set<string>();
    clusters.forEach((c: ClusterEntry, i: number) => {
      if (seen.has(c.name)) this.fail(["static_resources", "clusters", i, "name"], `duplicate cluster name ${c.name}`);
      seen.add(c.name);
    });

    const listenersRaw: Obj[] = b.static_resources.listeners ?? [];
    const listeners = listenersRaw.map((l, i) => this.listener(l, ["static_resources", "listeners", i], seen));
    const names = new Set<string>();
    listeners.forEach((l, i) => {
      if (names.has(l.name)) this.fail(["static_resources", "listeners", i, "name"], `duplicate listener name ${l.name}`);
      names.add(l.name);
    });

    // The host applies one buffer limit to every stream; Envoy's is per listener.
    let bufferLimitBytes: number | undefined;
    listenersRaw.forEach((l, i) => {
      const v = l.per_connection_buffer_limit_bytes as number | undefined;
      if (v === undefined) return;
      if (bufferLimitBytes !== undefined && v !== bufferLimitBytes) {
        this.fail(["static_resources", "listeners", i, "per_connection_buffer_limit_bytes"], `differs from another listener's (${bufferLimitBytes}); the local gateway applies one limit to all listeners`);
      }
      bufferLimitBytes = v;
    });

    const statsTags: TagRule[] = (b.stats_config?.stats_tags ?? []).map((t: Obj, i: number) => {
      const path = ["stats_config", "stats_tags", i];
      if (t.fixed_value !== undefined) return { name: t.tag_name, fixedValue: t.fixed_value };
      if (t.regex === undefined) this.fail(path, "regex or fixed_value is required (built-in tag names without a regex are not supported by the local gateway)");
      try {
        new RegExp(t.regex);
      } catch (e) {
        this.fail([...path, "regex"], `invalid regex: ${(e as Error).message}`);
      }
      return { name: t.tag_name, regex: t.regex };
    });

    return {
      node: { id: b.node?.id ?? "local-gateway", cluster: b.node?.cluster ?? "local" },
      listeners,
      clusters,
      admin: b.admin ? this.address(b.admin.address) : null,
      statsTags,
      useAllDefaultTags: b.stats_config?.use_all_default_tags ?? true,
      bufferLimitBytes: bufferLimitBytes ?? DEFAULT_BUFFER_LIMIT,
    };
  }

  private address(a: Obj): SocketAddress {
    return { address: a.socket_address.address, port: a.socket_address.port_value ?? 0 };
  }

  private cluster(c: Obj, path: PathSegment[]): ClusterEntry {
    const type = c.type ?? "STATIC";
    const endpoints: SocketAddress[] = [];
    c.load_assignment.endpoints.forEach((group: Obj, g: number) =>
      group.lb_endpoints.forEach((lb: Obj, e: number) => {
        const epPath = [...path, "load_assignment", "endpoints", g, "lb_endpoints", e, "endpoint", "address", "socket_address"];
        const ep = this.address(lb.endpoint.address);
        if (type === "STATIC" && !isIP(ep.address)) this.fail([...epPath, "address"], `${ep.address} is not an IP address (a STATIC cluster needs IP literals; use STRICT_DNS or LOGICAL_DNS for host names)`);
        if (ep.port === 0) this.fail([...epPath, "port_value"], "an upstream endpoint needs a port");
        endpoints.push(ep);
      }),
    );
    if (type === "LOGICAL_DNS" && endpoints.length !== 1) this.fail([...path, "load_assignment"], "a LOGICAL_DNS cluster takes exactly one endpoint");
    let tls: ClusterEntry["tls"];
    if (c.transport_socket) {
      const t = c.transport_socket.typed_config;
      const ca = t.common_tls_context?.validation_context?.trusted_ca;
      const caPath = [...path, "transport_socket", "typed_config", "common_tls_context", "validation_context", "trusted_ca"];
      tls = { sni: t.sni || undefined, ca: ca ? this.dataSourceText(ca, caPath) : undefined, verify: !!ca };
    }
    return { name: c.name, type, endpoints, connectTimeoutMs: c.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_MS, tls };
  }

  private dataSourceText(ds: Obj, path: PathSegment[]): string {
    if (ds.inline_string !== undefined) return ds.inline_string;
    if (ds.inline_bytes !== undefined) return Buffer.from(ds.inline_bytes, "base64").toString("utf8");
    const file = resolve(this.opts.baseDir ?? process.cwd(), ds.filename);
    try {
      return readFileSync(file, "utf8");
    } catch (e) {
      this.fail([...path, "filename"], `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  private listener(l: Obj, path: PathSegment[], clusters: Set<string>): ListenerEntry {
    if (l.filter_chains.length > 1) this.fail([...path, "filter_chains", 1], "several filter chains need filter_chain_match, which the local gateway does not support");
    const chain = l.filter_chains[0];
    if (chain.filters.length !== 1) this.fail([...path, "filter_chains", 0, "filters"], "the local gateway runs exactly one network filter: the http_connection_manager");
    const hcmPath = [...path, "filter_chains", 0, "filters", 0, "typed_config"];
    const hcm = chain.filters[0].typed_config;
    const { filters, suppressEnvoyHeaders } = this.httpFilters(hcm.http_filters ?? [], [...hcmPath, "http_filters"]);
    return {
      name: l.name,
      address: this.address(l.address),
      statPrefix: hcm.stat_prefix,
      generateRequestId: hcm.generate_request_id ?? true,
      routes: this.routeTable(hcm.route_config, [...hcmPath, "route_config"], clusters),
      filters,
      suppressEnvoyHeaders,
    };
  }

  private httpFilters(list: Obj[], path: PathSegment[]): { filters: WasmFilterEntry[]; suppressEnvoyHeaders: boolean } {
    const last = list.length - 1;
    if (last < 0 || list[last].typed_config["@type"] !== TYPE.router) {
      this.fail(last < 0 ? path : [...path, last], "the last HTTP filter must be the router (envoy.extensions.filters.http.router.v3.Router)");
    }
    const filters: WasmFilterEntry[] = [];
    list.forEach((f, i) => {
      if (f.typed_config["@type"] === TYPE.router) {
        if (i !== last) this.fail([...path, i], "the router is a terminal filter and must be the last HTTP filter");
        return;
      }
      filters.push(this.wasmFilter(f, [...path, i]));
    });
    return { filters, suppressEnvoyHeaders: list[last].typed_config.suppress_envoy_headers ?? false };
  }

  private wasmFilter(f: Obj, path: PathSegment[]): WasmFilterEntry {
    const cfg = f.typed_config.config;
    const cfgPath = [...path, "typed_config", "config"];
    const vm = cfg.vm_config;
    if (vm.runtime !== WASM_RUNTIME) this.fail([...cfgPath, "vm_config", "runtime"], `runtime ${vm.runtime} is not available; stock Envoy images ship ${WASM_RUNTIME} only`);
    const local = vm.code.local;
    const codePath = [...cfgPath, "vm_config", "code", "local"];
    let code: WasmFilterEntry["code"];
    if (local.filename !== undefined) code = { filename: resolve(this.opts.baseDir ?? process.cwd(), local.filename) };
    else if (local.inline_bytes !== undefined) code = { bytes: Buffer.from(local.inline_bytes, "base64") };
    else this.fail([...codePath, "inline_string"], "Wasm code must be a binary module: use filename or inline_bytes");

    const env: Record<string, string> = {};
    const hostEnv = this.opts.env ?? process.env;
    for (const key of vm.environment_variables?.host_env_keys ?? []) {
      const v = hostEnv[key];
      if (v !== undefined) env[key] = v;
    }
    Object.assign(env, vm.environment_variables?.key_values ?? {});

    return {
      filterName: f.name,
      pluginName: cfg.name ?? "",
      rootId: cfg.root_id ?? "",
      vmId: vm.vm_id ?? "",
      code,
      configuration: cfg.configuration?.value ?? "",
      vmConfiguration: vm.configuration?.value ?? "",
      environment: env,
      failOpen: cfg.fail_open ?? cfg.failure_policy === "FAIL_OPEN",
      allowOnHeadersStopIteration: cfg.allow_on_headers_stop_iteration ?? false,
      where: this.src.where(path),
      path,
    };
  }

  private routeTable(rc: Obj, path: PathSegment[], clusters: Set<string>): RouteTable {
    const domains = new Map<string, string>();
    const virtualHosts = (rc.virtual_hosts ?? []).map((vh: Obj, v: number): VirtualHostEntry => {
      const vhPath = [...path, "virtual_hosts", v];
      vh.domains.forEach((d: string, i: number) => {
        const key = d.toLowerCase();
        if (domains.has(key)) this.fail([...vhPath, "domains", i], `domain ${d} is already used by virtual host ${domains.get(key)}`);
        const stars = d.split("*").length - 1;
        if (stars > 1 || (stars === 1 && d !== "*" && !d.startsWith("*") && !d.endsWith("*"))) {
          this.fail([...vhPath, "domains", i], `${d}: a wildcard may only lead or trail the domain`);
        }
        domains.set(key, vh.name);
      });
      return {
        name: vh.name,
        domains: vh.domains,
        routes: (vh.routes ?? []).map((r: Obj, i: number) => this.route(r, [...vhPath, "routes", i], clusters)),
        requestHeadersToRemove: vh.request_headers_to_remove ?? [],
      };
    });
    return { name: rc.name ?? "", virtualHosts, requestHeadersToRemove: rc.request_headers_to_remove ?? [] };
  }

  private route(r: Obj, path: PathSegment[], clusters: Set<string>): RouteEntry {
    const headers: HeaderMatch[] = (r.match.headers ?? []).map((h: Obj): HeaderMatch => {
      const sm = h.string_match;
      const kind = sm && (["exact", "prefix", "suffix", "contains"] as const).find((k) => sm[k] !== undefined);
      return {
        name: h.name.toLowerCase(),
        string: kind ? { kind, value: sm[kind], ignoreCase: sm.ignore_case ?? false } : undefined,
        present: h.present_match,
        invert: h.invert_match ?? false,
      };
    });
    let action: RouteEntry["action"];
    if (r.route) {
      // Envoy checks static routes against the static clusters (validate_clusters defaults to true).
      if (!clusters.has(r.route.cluster)) this.fail([...path, "route", "cluster"], `unknown cluster ${r.route.cluster}`);
      action = {
        kind: "cluster",
        cluster: r.route.cluster,
        timeoutMs: r.route.timeout ?? DEFAULT_ROUTE_TIMEOUT_MS,
        prefixRewrite: r.route.prefix_rewrite,
        hostRewrite: r.route.host_rewrite_literal,
      };
    } else {
      action = { kind: "direct", status: r.direct_response.status, body: r.direct_response.body?.inline_string ?? "" };
    }
    return {
      name: r.name ?? "",
      match: { prefix: r.match.prefix, path: r.match.path, caseSensitive: r.match.case_sensitive ?? true, headers },
      action,
      requestHeadersToRemove: r.request_headers_to_remove ?? [],
    };
  }
}
