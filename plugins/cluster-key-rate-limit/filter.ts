// cluster-key-rate-limit per request: find the counter the request belongs to (the rule's global
// threshold, or the first matching rule item), count it in Redis with one atomic script call, and
// hold the request until Redis answers: then pass it on or answer 429. When Redis cannot answer
// (unreachable, timeout, error reply, malformed reply) the request passes (or, with
// `failure_mode_deny`, gets a 503), with a warning at most every 10 s and `cluster_key_rate_limit.redis_error`.
import { FilterHeadersStatusValues, RootContext } from "@solo-io/proxy-runtime";
import { Fields } from "../common/config";
import { continueStream, defineMetric, incrementMetric, MapType, MetricType, nowNanos, replaceHeader, setEffectiveContext, StreamType } from "../common/host";
import * as log from "../common/log";
import { PluginContext, PluginRoot } from "../common/plugin";
import { Rate, secondsUntil } from "../common/rates";
import { hasGlobalFields, parseRules, RuleSet } from "../common/rules";
import { ClusterConfig, KNOWN_FIELDS, parseClusterConfig, RedisTarget } from "./config";
import { findHit, Hit } from "./items";
import { redisCall, redisInit, redisReply } from "./redis";
import { sendRedisUnavailable, sendRejected } from "./replies";
import { RespWriter } from "./resp";
import { CountReply, ReplyKind, writeCountCommand } from "./script";

/** A counter key outlives its window by this much, for gateways whose clocks run a little behind. */
const EXPIRY_GRACE_MS: u64 = 1000;
/** Redis failures are logged at most this often per VM (a dead Redis would otherwise flood the log). */
const WARN_INTERVAL_MS: u64 = 10_000;
/** A failed proxy_redis_init is retried at most this often. */
const INIT_RETRY_MS: u64 = 1000;

const LIMIT_HEADER = String.UTF8.encode("x-ratelimit-limit");
const REMAINING_HEADER = String.UTF8.encode("x-ratelimit-remaining");

@inline function nowMs(): u64 {
  return nowNanos() / 1_000_000;
}

/**
 * The root contexts of this VM by id, for proxy_on_redis_call_response (module state the proxy-wasm
 * model needs: the host names the root context by id; proxy-runtime's own lookup traps on an unknown id).
 */
const roots = new Map<u32, ClusterRateLimitRoot>();

/** Delivers a Redis reply to the root context that made the call; unknown ids are ignored. */
export function deliverRedisReply(rootId: u32, token: u32, status: u32, size: u32): void {
  if (roots.has(rootId)) roots.get(rootId).onRedisCallResponse(token, status, size);
}

export class ClusterRateLimitRoot extends PluginRoot<ClusterConfig> {
  /** Calls waiting for Redis, by token. */
  readonly pending: Map<u32, ClusterRateLimitContext> = new Map();
  readonly writer: RespWriter = new RespWriter();
  readonly reply: CountReply = new CountReply();
  allowedMetric: u32 = 0;
  rejectedMetric: u32 = 0;
  redisErrorMetric: u32 = 0;
  private lastWarnMs: u64 = 0;
  private unreported: u32 = 0;

  constructor(context_id: u32) {
    super(context_id, "cluster-key-rate-limit");
    roots.set(context_id, this);
  }

  knownFields(): string[] {
    return KNOWN_FIELDS;
  }

  parse(root: Fields): RuleSet<ClusterConfig> | null {
    const global = hasGlobalFields(root.obj) ? parseClusterConfig(root) : null;
    if (root.problems.failed) return null;
    const rules = parseRules<ClusterConfig>(root, false, (f: Fields): ClusterConfig | null => parseClusterConfig(f));
    if (root.problems.failed) return null;
    return new RuleSet<ClusterConfig>(global, rules);
  }

  onConfigure(configuration_size: u32): bool {
    if (!super.onConfigure(configuration_size)) return false;
    this.allowedMetric = defineMetric(MetricType.Counter, "cluster_key_rate_limit.allowed");
    this.rejectedMetric = defineMetric(MetricType.Counter, "cluster_key_rate_limit.rejected");
    this.redisErrorMetric = defineMetric(MetricType.Counter, "cluster_key_rate_limit.redis_error");
    const rules = this.rules!;
    const global = rules.global;
    if (global !== null) this.initRedis(global.redis!);
    for (let i = 0; i < rules.rules.length; i++) {
      const config = rules.rules[i].config;
      if (config !== null) this.initRedis(config.redis!);
    }
    return true;
  }

  /**
   * Binds a Redis cluster. A failure does not refuse the configuration: in Higress the cluster may
   * appear a moment after the plugin (as Higress's own plugin, init is retried on later requests).
   */
  private initRedis(t: RedisTarget): void {
    t.lastInitMs = nowMs();
    t.ready = redisInit(t);
    if (!t.ready) log.warn("cluster-key-rate-limit: Redis cluster " + t.clusterName + " is not available yet; requests pass until it is");
  }

  /** Whether the target can take calls now (retrying a failed init at most once a second). */
  ready(t: RedisTarget, now: u64): bool {
    if (t.ready) return true;
    if (now - t.lastInitMs < INIT_RETRY_MS) return false;
    t.lastInitMs = now;
    t.ready = redisInit(t);
    return t.ready;
  }

  /** Counts a Redis failure; logs at most one warning per WARN_INTERVAL_MS with the count since. */
  redisFailed(c: ClusterConfig, what: string): void {
    incrementMetric(this.redisErrorMetric, 1);
    this.unreported++;
    const now = nowMs();
    if (this.lastWarnMs != 0 && now - this.lastWarnMs < WARN_INTERVAL_MS) return;
    this.lastWarnMs = now;
    const outcome = c.failureModeDeny ? "denied with 503" : "passed";
    log.warn("cluster-key-rate-limit: rule " + c.ruleName + ": Redis " + what + "; " + this.unreported.toString() + " request(s) " + outcome + " since the last report");
    this.unreported = 0;
  }

  /** proxy_on_redis_call_response: hands the reply to the request waiting for it. */
  onRedisCallResponse(token: u32, status: u32, size: u32): void {
    if (!this.pending.has(token)) return; // the request is gone (client reset)
    const ctx = this.pending.get(token);
    this.pending.delete(token);
    ctx.onRedisReply(status, status == 0 ? redisReply(size) : new ArrayBuffer(0));
  }

  createContext(context_id: u32): ClusterRateLimitContext {
    return new ClusterRateLimitContext(context_id, this);
  }
}

export class ClusterRateLimitContext extends PluginContext<ClusterRateLimitRoot> {
  private config: ClusterConfig | null = null;
  private rate: Rate | null = null;
  private redisKey: ArrayBuffer = new ArrayBuffer(0);
  private windowEndMs: u64 = 0;
  private token: u32 = 0;
  private sentScript: bool = false;
  /** Set once admitted with show_limit_quota_header: the response carries the quota. */
  private quotaLimit: u32 = 0;
  private quotaRemaining: u32 = 0;
  private readonly hit: Hit = new Hit();

  constructor(context_id: u32, root: RootContext) {
    super(context_id, root);
  }

  onRequestHeaders(_headers: u32, _end_of_stream: bool): FilterHeadersStatusValues {
    const c = this.plugin.rules!.select(this);
    if (c === null) return FilterHeadersStatusValues.Continue;
    let rate: Rate;
    let prefix: ArrayBuffer;
    let value: ArrayBuffer | null = null;
    const global = c.global;
    if (global !== null) {
      rate = global;
      prefix = c.globalKeyPrefix;
    } else {
      if (!findHit(c.items, this.hit)) return FilterHeadersStatusValues.Continue;
      const key = this.hit.key!;
      rate = key.rate;
      prefix = key.keyPrefix;
      value = this.hit.value;
    }
    this.config = c;
    this.rate = rate;
    const now = nowMs();
    const window = now / rate.windowMs;
    this.windowEndMs = (window + 1) * rate.windowMs;
    this.redisKey = counterKey(prefix, value, window);

    const redis = c.redis!;
    if (!this.plugin.ready(redis, now)) return this.failNow("cluster " + redis.clusterName + " is not initialised");
    if (!this.send(false)) return this.failNow("call to " + redis.clusterName + " was refused by the host");
    // Held until Redis answers; Envoy turns this into StopAllIterationAndWatermark, fine for a
    // decision made on headers alone.
    return FilterHeadersStatusValues.StopIteration;
  }

  /** Sends the counting call (EVALSHA, or EVAL with the script); false if the host refused it. */
  private send(withScript: bool): bool {
    const root = this.plugin;
    const w = root.writer;
    writeCountCommand(w, this.redisKey, this.rate!.windowMs + EXPIRY_GRACE_MS, withScript);
    const token = redisCall(this.config!.redis!, w.ptr, w.length);
    if (token == 0) return false;
    this.token = token;
    root.pending.set(token, this);
    return true;
  }

  /** Redis failed before the request was held: it passes now, or is denied. */
  private failNow(what: string): FilterHeadersStatusValues {
    const c = this.config!;
    this.plugin.redisFailed(c, what);
    if (!c.failureModeDeny) return FilterHeadersStatusValues.Continue;
    sendRedisUnavailable();
    return FilterHeadersStatusValues.StopIteration;
  }

  /** Redis failed while the request was held: release it, or deny it. */
  private failHeld(what: string): void {
    const c = this.config!;
    this.plugin.redisFailed(c, what);
    if (c.failureModeDeny) sendRedisUnavailable();
    else continueStream(StreamType.Request);
  }

  onRedisReply(status: u32, reply: ArrayBuffer): void {
    this.token = 0;
    if (!setEffectiveContext(this.context_id)) return;
    if (status != 0) {
      this.failHeld("call failed (unreachable or timed out)");
      return;
    }
    const root = this.plugin;
    const r = root.reply;
    const kind = r.read(changetype<usize>(reply), reply.byteLength);
    if (kind == ReplyKind.NoScript && !this.sentScript) {
      this.sentScript = true;
      if (!this.send(true)) this.failHeld("EVAL was refused by the host");
      return;
    }
    if (kind != ReplyKind.Counted) {
      this.failHeld(kind == ReplyKind.Malformed ? "reply was not the script's {count, ttl}" : "answered an error");
      return;
    }
    const c = this.config!;
    const limit = this.rate!.limit;
    if (r.count > <i64>limit) {
      incrementMetric(root.rejectedMetric, 1);
      sendRejected(c, limit, secondsUntil(nowMs(), this.windowEndMs));
      return;
    }
    incrementMetric(root.allowedMetric, 1);
    if (c.showQuotaHeaders) {
      this.quotaLimit = limit;
      this.quotaRemaining = limit - <u32>r.count;
    }
    continueStream(StreamType.Request);
  }

  onResponseHeaders(_headers: u32, _end_of_stream: bool): FilterHeadersStatusValues {
    if (this.quotaLimit != 0) {
      replaceHeader(MapType.ResponseHeaders, LIMIT_HEADER, String.UTF8.encode(this.quotaLimit.toString()));
      replaceHeader(MapType.ResponseHeaders, REMAINING_HEADER, String.UTF8.encode(this.quotaRemaining.toString()));
    }
    return FilterHeadersStatusValues.Continue;
  }

  onDelete(): void {
    // A reply for a request that is gone must not find it.
    if (this.token != 0) this.plugin.pending.delete(this.token);
  }
}

/** `<prefix><value>:<window index>` — the window index makes each window a key of its own. */
function counterKey(prefix: ArrayBuffer, value: ArrayBuffer | null, window: u64): ArrayBuffer {
  const suffix = String.UTF8.encode((value === null ? "" : ":") + window.toString());
  const v = value === null ? 0 : value.byteLength;
  const out = new ArrayBuffer(prefix.byteLength + v + suffix.byteLength);
  const p = changetype<usize>(out);
  memory.copy(p, changetype<usize>(prefix), prefix.byteLength);
  if (value !== null) memory.copy(p + <usize>prefix.byteLength, changetype<usize>(value), v);
  memory.copy(p + <usize>(prefix.byteLength + v), changetype<usize>(suffix), suffix.byteLength);
  return out;
}
