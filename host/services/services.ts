// Everything host-wide that VMs share: one instance per gateway process (Envoy server).
import type { Clock } from "./clock.ts";
import type { ClusterManager } from "./clusters.ts";
import type { LogSink } from "./logger.ts";
import type { MetricStore } from "./metrics.ts";
import type { RedisClients } from "./redis.ts";
import type { SharedData, SharedQueues } from "./shared-data.ts";

export interface HostServices {
  clock: Clock;
  log: LogSink;
  /** Plugin log lines below this level are dropped (proxy_get_log_level reports it). */
  logLevel: number;
  sharedData: SharedData;
  queues: SharedQueues;
  metrics: MetricStore;
  clusters: ClusterManager;
  redis: RedisClients;
}
