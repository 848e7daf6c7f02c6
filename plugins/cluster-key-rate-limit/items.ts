// `rule_items`: where a request's key comes from (a header, a query parameter, the consumer, a cookie,
// or the client IP) and which `limit_keys` entry applies to it. Items are tried in order; the first
// item whose key is present and matches one of its entries decides the request's counter.
//
// `limit_by_<source>` items list exact values; `limit_by_per_<source>` items list `*` (any value) or
// `regexp:<pattern>` (searched, unanchored, like Go's MatchString) and count each value separately;
// `limit_by_per_ip` lists addresses or CIDR blocks and counts each client address separately.
import { lowerAscii } from "../common/bytes";
import { alternatives, Fields, JSON } from "../common/config";
import { getHeader, getProperty, MapType } from "../common/host";
import { compileRegex, Regex } from "../common/match/index";
import { isRateField, limitKeyText, parseRate, Rate } from "../common/rates";
import { CONSUMER_HEADER } from "../common/reply";
import { queryParam } from "../common/url";
import { clientIp, IP_SIZE, ipText, IpBlock, parseIpBlock } from "./ip";

export const enum Source {
  Header = 0,
  Param = 1,
  Consumer = 2,
  Cookie = 3,
  PerHeader = 4,
  PerParam = 5,
  PerConsumer = 6,
  PerCookie = 7,
  PerIp = 8,
}

const SOURCE_FIELDS = [
  "limit_by_header", "limit_by_param", "limit_by_consumer", "limit_by_cookie",
  "limit_by_per_header", "limit_by_per_param", "limit_by_per_consumer", "limit_by_per_cookie", "limit_by_per_ip",
];

/** Prefix of every counter key in Redis. */
export const KEY_PREFIX = "cluster-key-rate-limit:";

const enum Match {
  Exact = 0,
  Any = 1,
  Regexp = 2,
  Block = 3,
}

export class LimitKey {
  value: ArrayBuffer = new ArrayBuffer(0);
  regex: Regex | null = null;
  block: IpBlock | null = null;
  /** `cluster-key-rate-limit:<rule_name>:<source>:<window s>:<name>:` — the value and window follow. */
  keyPrefix: ArrayBuffer = new ArrayBuffer(0);
  constructor(readonly match: Match, readonly rate: Rate) {}

  matches(value: ArrayBuffer): bool {
    if (this.match == Match.Any) return true;
    if (this.match == Match.Regexp) return this.regex!.searchRaw(changetype<usize>(value), value.byteLength);
    const v = this.value;
    return v.byteLength == value.byteLength && memory.compare(changetype<usize>(v), changetype<usize>(value), v.byteLength) == 0;
  }
}

export class RuleItem {
  /** Header name (lowercase), parameter or cookie name; for per-IP from a header, the header. */
  name: ArrayBuffer = new ArrayBuffer(0);
  /** limit_by_per_ip: read the address from `name` (from-header-…) rather than the connection. */
  ipFromHeader: bool = false;
  keys: LimitKey[] = [];
  constructor(readonly source: Source) {}
}

/** What a request matched: the entry, and the value its counter is kept for. */
export class Hit {
  key: LimitKey | null = null;
  value: ArrayBuffer = new ArrayBuffer(0);
}

const COOKIE = String.UTF8.encode("cookie");
const PATH = String.UTF8.encode(":path");
const SOURCE_ADDRESS = String.UTF8.encode("source\0address");
const FROM_HEADER = "from-header-";
const FROM_REMOTE = "from-remote-addr";

function chooseSource(f: Fields): i32 {
  let chosen = -1;
  for (let i = 0; i < SOURCE_FIELDS.length; i++) {
    const name = SOURCE_FIELDS[i];
    const v = f.obj.get(name);
    if (v === null || v.isNull) continue;
    // Consumer sources name nothing (Higress writes `limit_by_consumer: ''`); the others need a name.
    const consumer = i == Source.Consumer || i == Source.PerConsumer;
    if (!consumer) {
      if (!v.isString) {
        f.fail(name, "must be a string");
        return -1;
      }
      if ((<JSON.Str>v).valueOf().length == 0) {
        f.fail(name, "must not be empty");
        return -1;
      }
    }
    if (chosen >= 0) {
      f.fail(name, "give only one of " + alternatives(SOURCE_FIELDS) + " (" + SOURCE_FIELDS[chosen] + " is already set)");
      return -1;
    }
    chosen = i;
  }
  if (chosen < 0) f.problems.fail(f.path, "needs one of " + alternatives(SOURCE_FIELDS));
  return chosen;
}

function parseLimitKey(item: Fields, source: Source): LimitKey | null {
  const keys = item.keys();
  for (let k = 0; k < keys.length; k++) {
    if (keys[k] != "key" && !isRateField(keys[k])) {
      item.fail(keys[k], "unknown field (an item has `key` and one query_per_* rate)");
      return null;
    }
  }
  const text = limitKeyText(item);
  if (text === null) return null;
  const rate = parseRate(item);
  if (rate === null) return null;
  if (source == Source.PerIp) {
    const block = parseIpBlock(text);
    if (block === null) {
      item.fail("key", "must be an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)");
      return null;
    }
    const k = new LimitKey(Match.Block, rate);
    k.block = block;
    return k;
  }
  if (source >= Source.PerHeader) {
    if (text == "*") return new LimitKey(Match.Any, rate);
    if (!text.startsWith("regexp:")) {
      item.fail("key", "must be `*` or start with `regexp:` for " + SOURCE_FIELDS[source]);
      return null;
    }
    const compiled = compileRegex(text.substring(7), 0);
    if (!compiled.ok) {
      item.fail("key", "invalid regular expression: " + compiled.error);
      return null;
    }
    const k = new LimitKey(Match.Regexp, rate);
    k.regex = compiled.regex;
    return k;
  }
  const k = new LimitKey(Match.Exact, rate);
  k.value = String.UTF8.encode(text);
  return k;
}

export function parseRuleItem(f: Fields, ruleName: string): RuleItem | null {
  const chosen = chooseSource(f);
  if (chosen < 0) return null;
  const source = <Source>chosen;
  const item = new RuleItem(source);
  const field = SOURCE_FIELDS[chosen];
  // The name part of the counter key: the header/param/cookie name, x-mse-consumer, or the IP source.
  let keyName = "x-mse-consumer";
  if (source == Source.PerIp) {
    const spec = f.string(field)!;
    keyName = spec;
    if (spec.startsWith(FROM_HEADER) && spec.length > FROM_HEADER.length) {
      item.ipFromHeader = true;
      item.name = String.UTF8.encode(lowerAscii(spec.substring(FROM_HEADER.length)));
    } else if (spec != FROM_REMOTE) {
      f.fail(field, "must be `from-remote-addr` or `from-header-<header name>`");
      return null;
    }
  } else if (source != Source.Consumer && source != Source.PerConsumer) {
    keyName = f.string(field)!;
    const headerLike = source == Source.Header || source == Source.PerHeader;
    item.name = String.UTF8.encode(headerLike ? lowerAscii(keyName) : keyName);
  }
  const entries = f.objects("limit_keys");
  if (entries === null) {
    if (!f.problems.failed) f.fail("limit_keys", "is required (a list of {key, query_per_*})");
    return null;
  }
  if (entries.length == 0) {
    f.fail("limit_keys", "must not be empty");
    return null;
  }
  for (let i = 0; i < entries.length; i++) {
    const k = parseLimitKey(entries[i], source);
    if (k === null) return null;
    k.keyPrefix = String.UTF8.encode(KEY_PREFIX + ruleName + ":" + field + ":" + k.rate.windowSeconds.toString() + ":" + keyName + ":");
    item.keys.push(k);
  }
  return item;
}

/** The request's value for this item's source, or null when the request has none. */
function valueOf(item: RuleItem, path: ArrayBuffer | null): ArrayBuffer | null {
  const s = item.source;
  if (s == Source.Header || s == Source.PerHeader) return getHeader(MapType.RequestHeaders, item.name);
  if (s == Source.Consumer || s == Source.PerConsumer) return getHeader(MapType.RequestHeaders, CONSUMER_HEADER);
  if (s == Source.Param || s == Source.PerParam) return path === null ? null : queryParam(path, item.name);
  const cookies = getHeader(MapType.RequestHeaders, COOKIE);
  return cookies === null ? null : cookieValue(cookies, item.name);
}

/** Finds the first item and entry that apply to this request (false: none does). */
export function findHit(items: RuleItem[], hit: Hit): bool {
  let path: ArrayBuffer | null = null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.source == Source.PerIp) {
      if (ipHit(item, hit)) return true;
      continue;
    }
    if ((item.source == Source.Param || item.source == Source.PerParam) && path === null) path = getHeader(MapType.RequestHeaders, PATH);
    const value = valueOf(item, path);
    if (value === null || value.byteLength == 0) continue;
    const keys = item.keys;
    for (let k = 0; k < keys.length; k++) {
      if (keys[k].matches(value)) {
        hit.key = keys[k];
        hit.value = value;
        return true;
      }
    }
  }
  return false;
}

function ipHit(item: RuleItem, hit: Hit): bool {
  const raw = item.ipFromHeader ? getHeader(MapType.RequestHeaders, item.name) : getProperty(SOURCE_ADDRESS);
  if (raw === null) return false;
  const ip = new ArrayBuffer(IP_SIZE);
  const p = changetype<usize>(ip);
  if (!clientIp(raw, p)) return false;
  const keys = item.keys;
  for (let k = 0; k < keys.length; k++) {
    if (keys[k].block!.contains(p)) {
      hit.key = keys[k];
      hit.value = String.UTF8.encode(ipText(p));
      return true;
    }
  }
  return false;
}

/** The value of cookie `name` in a Cookie header (`a=1; b=2`), or null. */
export function cookieValue(header: ArrayBuffer, name: ArrayBuffer): ArrayBuffer | null {
  const base = changetype<usize>(header);
  const n = header.byteLength;
  let start = 0;
  while (start < n) {
    let end = start;
    while (end < n && load<u8>(base + <usize>end) != 0x3b) end++;
    let s = start;
    while (s < end && load<u8>(base + <usize>s) == 0x20) s++;
    let eq = s;
    while (eq < end && load<u8>(base + <usize>eq) != 0x3d) eq++;
    if (eq < end && eq - s == name.byteLength && memory.compare(base + <usize>s, changetype<usize>(name), eq - s) == 0) {
      let e = end;
      while (e > eq + 1 && load<u8>(base + <usize>(e - 1)) == 0x20) e--;
      return header.slice(eq + 1, e);
    }
    start = end + 1;
  }
  return null;
}
