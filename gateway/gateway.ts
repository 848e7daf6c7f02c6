// The local gateway: an Envoy bootstrap brought to life on the proxy-wasm host. One host (the "server")
// owns the clusters, shared data and metrics; every listener gets its HTTP server, its route table and
// its own Wasm filter chain, with one VM per plugin per worker (Envoy's --concurrency).
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  ConsoleLog, Host, ModuleLoadError, PluginConfigError,
  type ClusterSpec, type FilterChain, type LogLevelName, type LogSink, type Plugin,
} from "../host/index.ts";
import type { AccessLog } from "./access-log.ts";
import { createAdminServer } from "./admin.ts";
import type { ClusterEntry, GatewayConfig, ListenerEntry, WasmFilterEntry } from "./bootstrap/model.ts";
import { BootstrapError } from "./bootstrap/source.ts";
import { ProxiedStream, type ListenerRuntime } from "./proxy-stream.ts";
import { Router } from "./router.ts";
import { GatewayStats } from "./stats.ts";

export interface GatewayOptions {
  /** Worker count (Envoy's --concurrency): VMs per plugin. Default 2. */
  concurrency?: number;
  /** Plugin log level (Envoy's -l for the wasm logger). Default info. */
  logLevel?: LogLevelName;
  /** Where plugin logs go. Default: stderr, Envoy-style. */
  log?: LogSink;
  accessLog?: AccessLog | null;
  /** Start-up notes (e.g. unverified TLS upstreams). Default: stderr. */
  warn?: (message: string) => void;
}

export interface BoundAddress { name: string; address: string; port: number }

export class GatewayStartError extends Error {
  override name = "GatewayStartError";
}

export class Gateway {
  readonly host: Host;
  readonly stats = new GatewayStats();
  readonly listeners: BoundAddress[] = [];
  admin: BoundAddress | null = null;
  private readonly servers: http.Server[] = [];
  private readonly runtimes: ListenerRuntime[] = [];
  private draining = false;
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  private constructor(readonly config: GatewayConfig, private readonly opts: GatewayOptions) {
    const warn = opts.warn ?? ((m: string) => process.stderr.write(`[gateway][warn] ${m}\n`));
    this.host = new Host({
      workers: opts.concurrency ?? 2,
      logLevel: opts.logLevel ?? "info",
      log: opts.log ?? new ConsoleLog(),
      bufferLimitBytes: config.bufferLimitBytes,
      node: config.node,
      clusters: Object.fromEntries(config.clusters.map((c) => [c.name, clusterSpec(c, warn)])),
    });
  }

  /** Loads every plugin, then binds the listeners and the admin listener. */
  static async start(config: GatewayConfig, opts: GatewayOptions = {}): Promise<Gateway> {
    const gw = Gateway.load(config, opts);
    try {
      for (const rt of gw.runtimes) await gw.bindListener(rt);
      if (config.admin) await gw.bindAdmin(config.admin.address, config.admin.port);
    } catch (e) {
      await gw.close(0);
      throw e;
    }
    return gw;
  }

  /** Envoy's --mode validate: everything start() checks (plugins load and accept their configuration), without listening. */
  static async validate(config: GatewayConfig, opts: GatewayOptions = {}): Promise<void> {
    await Gateway.load(config, opts).close(0);
  }

  private static load(config: GatewayConfig, opts: GatewayOptions): Gateway {
    const missing = config.listeners.flatMap((l) => l.filters).filter((f) => "filename" in f.code && !existsSync(f.code.filename));
    if (missing.length) {
      const lines = missing.map((f) => `  ${"filename" in f.code ? f.code.filename : ""} (filter ${f.pluginName || f.filterName}, ${f.where})`);
      throw new GatewayStartError(`Wasm module(s) not found; build the plugins first (make build):\n${lines.join("\n")}`);
    }
    const gw = new Gateway(config, opts);
    try {
      for (const l of config.listeners) gw.runtimes.push(gw.listenerRuntime(l));
    } catch (e) {
      gw.host.close();
      throw e;
    }
    return gw;
  }

  /** `http://address:port` of a listener (the first by default). */
  url(listener?: string): string {
    const l = listener ? this.listeners.find((x) => x.name === listener) : this.listeners[0];
    if (!l) throw new Error(`no listener ${listener ?? ""}`);
    return `http://${l.address.includes(":") ? `[${l.address}]` : l.address}:${l.port}`;
  }

  adminUrl(): string {
    if (!this.admin) throw new Error("no admin listener configured");
    return `http://${this.admin.address}:${this.admin.port}`;
  }

  /** The Wasm filter chain of a listener (its plugins, each with one runtime per worker). */
  filterChain(listener: string): FilterChain {
    const rt = this.runtimes.find((r) => r.entry.name === listener);
    if (!rt) throw new Error(`no listener ${listener}`);
    return rt.chain;
  }

  prometheus(): string {
    return this.stats.prometheus(this.host.metrics, this.config.statsTags, this.config.useAllDefaultTags);
  }

  private listenerRuntime(entry: ListenerEntry): ListenerRuntime {
    const plugins = entry.filters.map((f) => this.loadPlugin(f));
    const prefix = `http.${entry.statPrefix}`;
    for (const s of ["downstream_rq_total", "downstream_rq_2xx", "downstream_rq_4xx", "downstream_rq_5xx"]) this.stats.declare(`${prefix}.${s}`);
    this.stats.declare(`${prefix}.downstream_rq_active`, "gauge");
    for (const c of this.config.clusters) this.stats.declare(`cluster.${c.name}.upstream_rq_total`);
    return {
      entry,
      router: new Router(entry.routes),
      chain: this.host.chain(plugins),
      clusters: this.host.clusters,
      clusterEntries: new Map(this.config.clusters.map((c) => [c.name, c])),
      stats: this.stats,
      accessLog: this.opts.accessLog ?? null,
    };
  }

  private loadPlugin(f: WasmFilterEntry): Plugin {
    const source = "filename" in f.code ? f.code.filename : `${f.code.bytes.length} inline bytes`;
    const fail = (problem: string): never => {
      throw new BootstrapError(f.path, problem, f.where);
    };
    try {
      return this.host.loadPlugin({
        name: f.pluginName,
        wasm: "filename" in f.code ? f.code.filename : f.code.bytes,
        configuration: f.configuration,
        rootId: f.rootId,
        vmId: f.vmId,
        vmConfiguration: f.vmConfiguration,
        environment: f.environment,
        failOpen: f.failOpen,
        allowOnHeadersStopIteration: f.allowOnHeadersStopIteration,
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "ENOENT") return fail(`Wasm module ${source} does not exist (build the plugins first: make build)`);
      if (err.code) return fail(`cannot read Wasm module ${source}: ${err.code}`);
      if (e instanceof ModuleLoadError) return fail(`Wasm module ${source} cannot be loaded: ${err.message}`);
      if (e instanceof PluginConfigError) return fail(`plugin ${f.pluginName || f.filterName} refused its configuration: ${err.message}`);
      throw e;
    }
  }

  private listen(server: http.Server, name: string, what: string, address: string, port: number): Promise<BoundAddress> {
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        reject(new GatewayStartError(`${what}: cannot listen on ${address}:${port}: ${e.code === "EADDRINUSE" ? "address already in use" : e.message}`));
      };
      server.once("error", onError);
      server.listen(port, address, () => {
        server.off("error", onError);
        this.servers.push(server);
        resolve({ name, address, port: (server.address() as AddressInfo).port });
      });
    });
  }

  private async bindListener(rt: ListenerRuntime): Promise<void> {
    const server = http.createServer((req, res) => {
      if (this.draining) res.setHeader("connection", "close");
      this.active++;
      // The stream lives on through the request's and the upstream's event handlers.
      new ProxiedStream(rt, req, res);
      res.once("close", () => this.streamEnded());
    });
    // Long LLM streams must not be cut by Node's defaults; Envoy's route timeout governs them.
    server.requestTimeout = 0;
    server.keepAliveTimeout = 60_000;
    this.listeners.push(await this.listen(server, rt.entry.name, `listener ${rt.entry.name}`, rt.entry.address.address, rt.entry.address.port));
  }

  private async bindAdmin(address: string, port: number): Promise<void> {
    const server = createAdminServer({
      state: () => (this.draining ? "DRAINING" : "LIVE"),
      prometheus: () => this.prometheus(),
      plainStats: () => this.stats.plain(this.host.metrics),
    });
    this.admin = await this.listen(server, "admin", "admin listener", address, port);
  }

  private streamEnded(): void {
    this.active--;
    if (this.active === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /**
   * Graceful shutdown: stop accepting connections, let requests in flight finish for up to `drainMs`
   * (Envoy's --drain-time-s), then cut what is left and release the plugins.
   */
  async close(drainMs = 5_000): Promise<void> {
    this.draining = true;
    const closed = this.servers.map((s) => new Promise<void>((done) => s.close(() => done())));
    for (const s of this.servers) s.closeIdleConnections();
    if (this.active > 0 && drainMs > 0) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, drainMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          done();
        });
      });
    }
    for (const s of this.servers) s.closeAllConnections();
    await Promise.all(closed);
    this.host.close();
    await this.opts.accessLog?.close();
  }
}

function clusterSpec(c: ClusterEntry, warn: (m: string) => void): ClusterSpec {
  if (c.tls && !c.tls.verify) warn(`cluster ${c.name}: TLS without validation_context.trusted_ca: the upstream certificate is not verified (Envoy does the same)`);
  return {
    endpoints: c.endpoints.map((e) => ({ host: e.address, port: e.port })),
    tls: c.tls && { sni: c.tls.sni, ca: c.tls.ca, rejectUnauthorized: c.tls.verify },
    connectTimeoutMs: c.connectTimeoutMs,
  };
}
