// key-rate-limit per request: read the one key the configuration names (a header, a query parameter
// or the consumer key-auth identified), count the request against that key's fixed window in shared
// data, and pass it on or answer 429. Keys that are not listed (and no `default_limit`) and requests
// without the key are never limited, as in Higress.
import { FilterHeadersStatusValues, RootContext } from "@solo-io/proxy-runtime";
import { Fields } from "../common/config";
import { defineMetric, getProperty, incrementMetric, MapType, MetricType, nowNanos, peekHeader, replaceHeader } from "../common/host";
import { PluginContext, PluginRoot } from "../common/plugin";
import { secondsUntil } from "../common/rates";
import { CONSUMER_HEADER } from "../common/reply";
import { hasGlobalFields, parseRules, RuleSet } from "../common/rules";
import { queryParam } from "../common/url";
import { KeySource, KNOWN_FIELDS, parseRateLimit, RateLimitConfig } from "./config";
import { sendRejected } from "./replies";
import { Take, WindowCounter } from "./window-counter";

const PATH = String.UTF8.encode(":path");
const PLUGIN_NAME = String.UTF8.encode("plugin_name");
const LIMIT_HEADER = String.UTF8.encode("x-ratelimit-limit");
const REMAINING_HEADER = String.UTF8.encode("x-ratelimit-remaining");
const RESET_HEADER = String.UTF8.encode("x-ratelimit-reset");

/** Counter ids (0 when the host refused a metric: incrementing it is then a no-op). */
class Metrics {
  allowed: u32 = 0;
  rejected: u32 = 0;
  casExhausted: u32 = 0;
  storeError: u32 = 0;
  untracked: u32 = 0;

  define(): void {
    this.allowed = defineMetric(MetricType.Counter, "key_rate_limit.allowed");
    this.rejected = defineMetric(MetricType.Counter, "key_rate_limit.rejected");
    this.casExhausted = defineMetric(MetricType.Counter, "key_rate_limit.fail_open.cas_exhausted");
    this.storeError = defineMetric(MetricType.Counter, "key_rate_limit.fail_open.store_error");
    this.untracked = defineMetric(MetricType.Counter, "key_rate_limit.fail_open.untracked");
  }
}

export class KeyRateLimitRoot extends PluginRoot<RateLimitConfig> {
  readonly counter: WindowCounter = new WindowCounter();
  readonly metrics: Metrics = new Metrics();

  constructor(context_id: u32) {
    super(context_id, "key-rate-limit");
  }

  knownFields(): string[] {
    return KNOWN_FIELDS;
  }

  parse(root: Fields): RuleSet<RateLimitConfig> | null {
    const global = hasGlobalFields(root.obj) ? parseRateLimit(root, statePrefix(root)) : null;
    if (root.problems.failed) return null;
    const rules = parseRules<RateLimitConfig>(root, false, (f: Fields): RateLimitConfig | null => parseRateLimit(f, statePrefix(f)));
    if (root.problems.failed) return null;
    return new RuleSet<RateLimitConfig>(global, rules);
  }

  onConfigure(configuration_size: u32): bool {
    if (!super.onConfigure(configuration_size)) return false;
    this.metrics.define();
    // Listed keys' counters are created now, before traffic, so requests only ever update them with
    // compare-and-swap (see window-counter.ts and the README on the first write of a counter).
    const rules = this.rules!;
    const global = rules.global;
    if (global !== null) createCounters(global);
    for (let i = 0; i < rules.rules.length; i++) {
      const config = rules.rules[i].config;
      if (config !== null) createCounters(config);
    }
    return true;
  }

  createContext(context_id: u32): KeyRateLimitContext {
    return new KeyRateLimitContext(context_id, this);
  }
}

/**
 * Where a configuration's counters live in shared data: `key-rate-limit\0<plugin name>\0<rule>\0`.
 * The plugin name keeps two instances of the plugin apart (shared data is per VM id, which plugins
 * usually leave empty); the rule (`_rules_[i]`, or `global`) keeps rules apart, as Higress does.
 */
function statePrefix(f: Fields): string {
  const name = getProperty(PLUGIN_NAME);
  const plugin = name === null ? "" : String.UTF8.decode(name);
  return "key-rate-limit\0" + plugin + "\0" + (f.path.length ? f.path : "global") + "\0";
}

function createCounters(c: RateLimitConfig): void {
  const keys = c.keyList;
  for (let i = 0; i < keys.length; i++) WindowCounter.ensure(keys[i].stateKey);
}

export class KeyRateLimitContext extends PluginContext<KeyRateLimitRoot> {
  /** Set when the response should carry X-RateLimit-* headers (show_limit_quota_header). */
  private quotaLimit: u32 = 0;
  private quotaRemaining: u32 = 0;
  private quotaReset: u64 = 0;

  constructor(context_id: u32, root: RootContext) {
    super(context_id, root);
  }

  onRequestHeaders(_headers: u32, _end_of_stream: bool): FilterHeadersStatusValues {
    const c = this.plugin.rules!.select(this);
    if (c === null) return FilterHeadersStatusValues.Continue;
    const value = keyOf(c);
    if (value === null || value.byteLength == 0) return FilterHeadersStatusValues.Continue;

    const root = this.plugin;
    const counter = root.counter;
    const nowMs = nowNanos() / 1_000_000;
    let limit: u32;
    let result: Take;
    const listed = c.lookup(value);
    if (listed !== null) {
      const rate = listed.rate;
      limit = rate.limit;
      result = counter.take(listed.stateKey, 0, limit, rate.windowMs, nowMs);
    } else {
      const table = c.unlisted;
      if (table === null) return FilterHeadersStatusValues.Continue;
      limit = table.rate.limit;
      result = table.take(counter, value, nowMs);
    }

    const metrics = root.metrics;
    if (result == Take.Admitted) {
      incrementMetric(metrics.allowed, 1);
      if (c.showQuotaHeaders) {
        this.quotaLimit = limit;
        this.quotaRemaining = limit - counter.count;
        this.quotaReset = secondsUntil(nowMs, counter.windowEndMs);
      }
      return FilterHeadersStatusValues.Continue;
    }
    if (result == Take.Rejected) {
      incrementMetric(metrics.rejected, 1);
      sendRejected(c, limit, secondsUntil(nowMs, counter.windowEndMs));
      return FilterHeadersStatusValues.StopIteration;
    }
    // The counter could not be updated: the request passes (fail open), counted by reason.
    incrementMetric(result == Take.CasExhausted ? metrics.casExhausted : result == Take.Occupied ? metrics.untracked : metrics.storeError, 1);
    return FilterHeadersStatusValues.Continue;
  }

  onResponseHeaders(_headers: u32, _end_of_stream: bool): FilterHeadersStatusValues {
    if (this.quotaLimit != 0) {
      replaceHeader(MapType.ResponseHeaders, LIMIT_HEADER, String.UTF8.encode(this.quotaLimit.toString()));
      replaceHeader(MapType.ResponseHeaders, REMAINING_HEADER, String.UTF8.encode(this.quotaRemaining.toString()));
      replaceHeader(MapType.ResponseHeaders, RESET_HEADER, String.UTF8.encode(this.quotaReset.toString()));
    }
    return FilterHeadersStatusValues.Continue;
  }
}

/**
 * The request's key: the configured header, query parameter (percent-decoded) or consumer. Read on
 * loan: it is only looked up and hashed, never kept, and both happen before the counter is read (on
 * loan too).
 */
function keyOf(c: RateLimitConfig): ArrayBuffer | null {
  if (c.source == KeySource.Header) return peekHeader(MapType.RequestHeaders, c.sourceName);
  if (c.source == KeySource.Consumer) return peekHeader(MapType.RequestHeaders, CONSUMER_HEADER);
  const path = peekHeader(MapType.RequestHeaders, PATH);
  return path === null ? null : queryParam(path, c.sourceName);
}
