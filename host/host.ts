// The proxy-wasm host: what an Envoy (or Higress) process is to the plugins. It owns the host-wide
// services (clock, logs, shared data and queues, metrics, clusters, Redis), loads plugins onto one VM
// per worker, and builds filter chains whose streams behave as Envoy's do.
import { LogLevel, type LogLevelName } from "./abi/constants.ts";
import { ManualClock, SystemClock, type Clock } from "./services/clock.ts";
import { ClusterManager, type ClusterSpec } from "./services/clusters.ts";
import { MemoryLog, type LogSink } from "./services/logger.ts";
import { MetricStore } from "./services/metrics.ts";
import { RedisClients } from "./services/redis.ts";
import type { HostServices } from "./services/services.ts";
import { SharedData, SharedQueues } from "./services/shared-data.ts";
import { Plugin, type PluginOptions } from "./plugin.ts";
import { HttpStream, type StreamSink } from "./stream/http-stream.ts";
import { newStreamInfo, type StreamInfo } from "./stream/stream-info.ts";

export interface HostOptions {
  clock?: Clock;
  /** Plugin log lines below this level are dropped. Default "info". */
  logLevel?: LogLevelName;
  /** Where plugin logs go. Default: kept in memory (host.logs). */
  log?: LogSink;
  clusters?: Record<string, ClusterSpec>;
  /** Act as a Higress gateway: offer the Redis extension. */
  higress?: boolean;
  /** Worker threads, i.e. VMs per plugin. Default 1. */
  workers?: number;
  /** Envoy's per_connection_buffer_limit_bytes (default 1 MiB). */
  bufferLimitBytes?: number;
  node?: { id: string; cluster: string };
}

export class Host {
  readonly services: HostServices;
  readonly workers: number;
  readonly bufferLimit: number;
  readonly higress: boolean;
  readonly node: { id: string; cluster: string };
  private readonly plugins: Plugin[] = [];

  constructor(opts: HostOptions = {}) {
    const clusters = new ClusterManager(opts.clusters);
    this.services = {
      clock: opts.clock ?? new SystemClock(),
      log: opts.log ?? new MemoryLog(),
      logLevel: LogLevel[opts.logLevel ?? "info"],
      sharedData: new SharedData(),
      queues: new SharedQueues(),
      metrics: new MetricStore(),
      clusters,
      redis: new RedisClients(clusters),
    };
    this.workers = opts.workers ?? 1;
    this.bufferLimit = opts.bufferLimitBytes ?? 1024 * 1024;
    this.higress = !!opts.higress;
    this.node = opts.node ?? { id: "local-gateway", cluster: "local" };
  }

  get clock(): Clock {
    return this.services.clock;
  }

  /** The in-memory log, when the host keeps one (the default). */
  get logs(): MemoryLog {
    if (!(this.services.log instanceof MemoryLog)) throw new Error("this host does not keep logs in memory");
    return this.services.log;
  }

  get metrics(): MetricStore {
    return this.services.metrics;
  }

  get clusters(): ClusterManager {
    return this.services.clusters;
  }

  /** Loads and configures a plugin on every worker; throws PluginConfigError if Envoy would reject it. */
  loadPlugin(opts: PluginOptions): Plugin {
    const plugin = new Plugin(this.services, opts, { workers: this.workers, higress: this.higress, node: this.node });
    this.plugins.push(plugin);
    return plugin;
  }

  chain(plugins: Plugin[]): FilterChain {
    return new FilterChain(this, plugins);
  }

  close(): void {
    for (const p of this.plugins) p.close();
    this.services.redis.close();
    this.services.clusters.close();
  }
}

export class FilterChain {
  private nextWorker = 0;

  constructor(readonly host: Host, readonly plugins: Plugin[]) {}

  /**
   * Starts a stream on a worker (round-robin unless given). A plugin whose VM on that worker has failed
   * is skipped when it fails open; otherwise its slot answers every stream with a 503.
   */
  newStream(sink: StreamSink, opts: { worker?: number; info?: Partial<StreamInfo> } = {}): HttpStream {
    const worker = opts.worker ?? this.nextWorker++ % this.host.workers;
    const runtimes = this.plugins.map((p) => {
      const rt = p.runtime(worker);
      return rt.vm.failed && rt.failOpen ? null : rt;
    });
    const info = newStreamInfo({ startTimeMs: this.host.clock.nowMs(), ...opts.info });
    return new HttpStream(runtimes, info, sink, this.host.bufferLimit);
  }
}

export { ManualClock, SystemClock };
