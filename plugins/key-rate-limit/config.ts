// key-rate-limit configuration: Higress's fields (`limit_by_header` | `limit_by_param`, `limit_keys`
// with `query_per_second|minute|hour|day`) plus `limit_by_consumer`, `default_limit` (a rate for
// every key not listed), `max_tracked_keys`, `show_limit_quota_header`, `rejected_code` and
// `rejected_msg`. Parsed once at configure time; each `_rules_` entry is a whole configuration.
import { fnv1a, lowerAscii } from "../common/bytes";
import { Fields } from "../common/config";
import { isRateField, limitKeyText, parseRate, Rate } from "../common/rates";
import { SlotTable } from "./slot-table";

export const KNOWN_FIELDS = [
  "limit_by_header", "limit_by_param", "limit_by_consumer", "limit_keys", "default_limit", "max_tracked_keys",
  "show_limit_quota_header", "rejected_code", "rejected_msg",
];

export const enum KeySource {
  Header = 0,
  Param = 1,
  Consumer = 2,
}

/** One listed key with its own counter in shared data. */
export class LimitKey {
  constructor(readonly value: ArrayBuffer, readonly rate: Rate, readonly stateKey: ArrayBuffer) {}
}

export class RateLimitConfig {
  source: KeySource = KeySource.Header;
  /** Header name (lowercase) or query parameter name, as bytes. */
  sourceName: ArrayBuffer = new ArrayBuffer(0);
  /** Listed keys bucketed by the FNV-1a hash of their bytes. */
  readonly keys: Map<u32, LimitKey[]> = new Map();
  /** The same keys in configuration order. */
  readonly keyList: LimitKey[] = [];
  keyCount: i32 = 0;
  /** The rate every unlisted key gets, each its own counter; null: unlisted keys are never limited. */
  defaultRate: Rate | null = null;
  /** The counters of unlisted keys (when defaultRate is set): a fixed number of shared-data slots. */
  unlisted: SlotTable | null = null;
  /** Prefix of this config's state keys in shared data: `key-rate-limit\0<plugin>\0<rule>\0`. */
  statePrefix: string = "";
  showQuotaHeaders: bool = false;
  rejectedCode: u32 = 429;
  rejectedBody: ArrayBuffer = String.UTF8.encode("rate_limited");

  /** The listed key equal to `value`, or null. */
  lookup(value: ArrayBuffer): LimitKey | null {
    if (this.keyCount == 0) return null;
    const h = fnv1a(changetype<usize>(value), value.byteLength);
    if (!this.keys.has(h)) return null;
    const bucket = this.keys.get(h);
    for (let i = 0; i < bucket.length; i++) {
      const k = bucket[i].value;
      if (k.byteLength == value.byteLength && memory.compare(changetype<usize>(k), changetype<usize>(value), k.byteLength) == 0) return bucket[i];
    }
    return null;
  }

}

const SOURCES = ["limit_by_header", "limit_by_param", "limit_by_consumer"];
const SOURCE_LIST = "limit_by_header, limit_by_param or limit_by_consumer";

/** Whether `limit_by_consumer` is switched on: Higress writes it as `''`; `true` reads better. */
function consumerFlag(f: Fields): bool {
  const v = f.obj.get("limit_by_consumer");
  if (v === null || v.isNull) return false;
  if (v.isString) return true;
  return f.bool("limit_by_consumer", false);
}

function parseSource(f: Fields, c: RateLimitConfig): bool {
  let chosen = -1;
  for (let i = 0; i < SOURCES.length; i++) {
    const name = SOURCES[i];
    const on = i == 2 ? consumerFlag(f) : f.has(name);
    if (f.problems.failed) return false;
    if (!on) continue;
    if (chosen >= 0) {
      f.fail(name, "give only one of " + SOURCE_LIST + " (" + SOURCES[chosen] + " is already set)");
      return false;
    }
    chosen = i;
  }
  if (chosen < 0) {
    f.fail("limit_by_header", "one of " + SOURCE_LIST + " is required");
    return false;
  }
  c.source = <KeySource>chosen;
  if (c.source == KeySource.Consumer) return true;
  const name = f.string(SOURCES[chosen]);
  if (name === null) return false;
  if (name.length == 0) {
    f.fail(SOURCES[chosen], "must not be empty");
    return false;
  }
  // Header names are matched lowercased (Envoy keeps them so); query parameter names as written.
  c.sourceName = String.UTF8.encode(c.source == KeySource.Header ? lowerAscii(name) : name);
  return true;
}

function parseKeys(f: Fields, c: RateLimitConfig): bool {
  const items = f.objects("limit_keys");
  if (items === null) {
    if (f.problems.failed) return false;
    if (c.defaultRate === null) {
      f.fail("limit_keys", "is required (a list of {key, query_per_*}) unless default_limit is set");
      return false;
    }
    return true;
  }
  if (items.length == 0 && c.defaultRate === null) {
    f.fail("limit_keys", "must not be empty unless default_limit is set");
    return false;
  }
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const keys = item.keys();
    for (let k = 0; k < keys.length; k++) {
      if (keys[k] != "key" && !isRateField(keys[k])) {
        item.fail(keys[k], "unknown field (an item has `key` and one query_per_* rate)");
        return false;
      }
    }
    const text = limitKeyText(item);
    if (text === null) return false;
    const rate = parseRate(item);
    if (rate === null) return false;
    const value = String.UTF8.encode(text);
    if (c.lookup(value) !== null) {
      item.fail("key", "duplicates an earlier key in limit_keys");
      return false;
    }
    const stateKey = String.UTF8.encode(c.statePrefix + "k\0" + text);
    const h = fnv1a(changetype<usize>(value), value.byteLength);
    if (!c.keys.has(h)) c.keys.set(h, []);
    const limitKey = new LimitKey(value, rate, stateKey);
    c.keys.get(h).push(limitKey);
    c.keyList.push(limitKey);
    c.keyCount++;
  }
  return true;
}

/**
 * Parses one configuration (the global one or one rule). `statePrefix` names this configuration's
 * counters in shared data, so that rules and plugin instances never share a counter by accident.
 */
export function parseRateLimit(f: Fields, statePrefix: string): RateLimitConfig | null {
  const c = new RateLimitConfig();
  c.statePrefix = statePrefix;
  if (!parseSource(f, c)) return null;
  const defaults = f.object("default_limit");
  if (defaults !== null) {
    const keys = defaults.keys();
    for (let k = 0; k < keys.length; k++) {
      if (!isRateField(keys[k])) {
        defaults.fail(keys[k], "unknown field (default_limit holds one query_per_* rate)");
        return null;
      }
    }
    c.defaultRate = parseRate(defaults);
    if (c.defaultRate === null) return null;
  }
  if (f.problems.failed) return null;
  const tracked = <u32>f.integer("max_tracked_keys", 4096, 1, 1 << 20);
  const defaultRate = c.defaultRate;
  if (defaultRate !== null) c.unlisted = new SlotTable(statePrefix, tracked, defaultRate);
  if (!parseKeys(f, c)) return null;
  c.showQuotaHeaders = f.bool("show_limit_quota_header", false);
  c.rejectedCode = <u32>f.integer("rejected_code", 429, 100, 599);
  const msg = f.string("rejected_msg", "rate_limited");
  if (msg !== null) c.rejectedBody = String.UTF8.encode(msg);
  return f.problems.failed ? null : c;
}
