// cluster-key-rate-limit configuration, as Higress's Go plugin takes it: `rule_name`, one of
// `global_threshold` or `rule_items`, `show_limit_quota_header`, `rejected_code`, `rejected_msg`,
// `redis{service_name, service_port, username, password, timeout, database}`; plus
// `failure_mode_deny` (what to do when Redis cannot answer). Each `_rules_` entry is a whole config.
import { Fields } from "../common/config";
import { parseRate, Rate } from "../common/rates";
import { KEY_PREFIX, parseRuleItem, RuleItem } from "./items";

export const KNOWN_FIELDS = [
  "rule_name", "global_threshold", "rule_items", "show_limit_quota_header", "rejected_code", "rejected_msg", "redis",
  "failure_mode_deny",
];

/** Where the counters live: an Envoy cluster, named as Higress names the cluster of a service. */
export class RedisTarget {
  /**
   * What proxy_redis_init and proxy_redis_call name: the cluster `outbound|<port>||<service_name>`,
   * with `?db=<n>` when a database is chosen. Higress's SDKs use this one name for both calls; the
   * host keys the connection (and the database it SELECTed) by it.
   */
  readonly handle: ArrayBuffer;
  readonly user: ArrayBuffer;
  readonly password: ArrayBuffer;
  /** Set once proxy_redis_init succeeded on this VM. */
  ready: bool = false;
  /** Host time (ms) of the last init attempt, to retry at most once a second. */
  lastInitMs: u64 = 0;

  constructor(readonly clusterName: string, database: i64, user: string, password: string, readonly timeoutMs: u32) {
    this.handle = String.UTF8.encode(database != 0 ? clusterName + "?db=" + database.toString() : clusterName);
    this.user = String.UTF8.encode(user);
    this.password = String.UTF8.encode(password);
  }
}

export class ClusterConfig {
  ruleName: string = "";
  /** `global_threshold`: one counter for every request this config applies to. */
  global: Rate | null = null;
  globalKeyPrefix: ArrayBuffer = new ArrayBuffer(0);
  items: RuleItem[] = [];
  showQuotaHeaders: bool = false;
  rejectedCode: u32 = 429;
  rejectedBody: ArrayBuffer = String.UTF8.encode("Too many requests");
  failureModeDeny: bool = false;
  redis: RedisTarget | null = null;
}

function parseRedis(f: Fields): RedisTarget | null {
  const r = f.object("redis");
  if (r === null) {
    if (!f.problems.failed) f.fail("redis", "is required (the Redis service holding the counters: {service_name, ...})");
    return null;
  }
  const service = r.requiredString("service_name");
  if (f.problems.failed) return null;
  // As in Higress, 0 (or absent) means the default: port 80 for `.static` services, else 6379;
  // a timeout of 1000 ms.
  let port = r.integer("service_port", 0, 0, 65535);
  if (port == 0) port = service.endsWith(".static") ? 80 : 6379;
  const user = r.string("username", "");
  const password = r.string("password", "");
  let timeout = r.integer("timeout", 0, 0, 3600 * 1000);
  if (timeout == 0) timeout = 1000;
  const database = r.integer("database", 0, 0, 0x7fffffff);
  if (f.problems.failed || user === null || password === null) return null;
  return new RedisTarget("outbound|" + port.toString() + "||" + service, database, user, password, <u32>timeout);
}

export function parseClusterConfig(f: Fields): ClusterConfig | null {
  const c = new ClusterConfig();
  const redis = parseRedis(f);
  if (redis === null) return null;
  c.redis = redis;
  if (!f.has("rule_name")) {
    f.fail("rule_name", "is required (it names this rule's counters in Redis)");
    return null;
  }
  const ruleName = f.string("rule_name");
  if (ruleName === null) return null;
  c.ruleName = ruleName;

  const hasGlobal = f.has("global_threshold");
  const hasItems = f.has("rule_items");
  if (hasGlobal == hasItems) {
    f.fail(hasGlobal ? "rule_items" : "global_threshold", hasGlobal ? "give either global_threshold or rule_items, not both" : "one of global_threshold or rule_items is required");
    return null;
  }
  if (hasGlobal) {
    const g = f.object("global_threshold");
    if (g === null) return null;
    const keys = g.keys();
    for (let i = 0; i < keys.length; i++) {
      if (!keys[i].startsWith("query_per_")) {
        g.fail(keys[i], "unknown field (global_threshold holds one query_per_* rate)");
        return null;
      }
    }
    const rate = parseRate(g);
    if (rate === null) return null;
    c.global = rate;
    c.globalKeyPrefix = String.UTF8.encode(KEY_PREFIX + ruleName + ":global_threshold:" + rate.windowSeconds.toString() + ":");
  } else {
    const items = f.objects("rule_items");
    if (items === null) return null;
    if (items.length == 0) {
      f.fail("rule_items", "must not be empty");
      return null;
    }
    for (let i = 0; i < items.length; i++) {
      const item = parseRuleItem(items[i], ruleName);
      if (item === null) return null;
      c.items.push(item);
    }
  }
  c.showQuotaHeaders = f.bool("show_limit_quota_header", false);
  c.rejectedCode = <u32>f.integer("rejected_code", 429, 100, 599);
  const msg = f.string("rejected_msg", "Too many requests");
  if (msg !== null) c.rejectedBody = String.UTF8.encode(msg);
  c.failureModeDeny = f.bool("failure_mode_deny", false);
  return f.problems.failed ? null : c;
}
