// Higress's per-route configuration: global fields plus `_rules_`, each rule matching routes, route
// prefixes, services or domains and carrying its own config. Rules are tried in order and the first
// match wins; with no match the global config applies (if the config has global fields), otherwise
// the plugin leaves the request alone. As in Higress's C++ plugins, a rule uses one kind of match:
// route first, then route prefix, then service, then domain.
import { Context, RootContext } from "@solo-io/proxy-runtime";
import { Fields, JSON, Problems } from "./config";
import { bytesEqual } from "./bytes";
import { EMPTY, getHeader, MapType, peekProperty } from "./host";

export const enum MatchKind {
  Route = 0,
  RoutePrefix = 1,
  Service = 2,
  Domain = 3,
}

const MATCH_KEYS = ["_match_route_", "_match_route_prefix_", "_match_service_", "_match_domain_"];

/**
 * What a request offers rule matching; each part is read from the host once, on first use. Every
 * per-request context extends it (see PluginContext), so the facts cost no allocation of their own.
 */
export class RequestFacts extends Context {
  private route: ArrayBuffer | null = null;
  private cluster: ArrayBuffer | null = null;
  private host: ArrayBuffer | null = null;

  constructor(context_id: u32, root: RootContext) {
    super(context_id, root);
  }

  routeName(): ArrayBuffer {
    let r = this.route;
    if (r === null) {
      // Higress serves `route_name`; current Envoy only `xds.route_name`.
      r = NAMES.property(ROUTE_NAME);
      if (r === null) r = NAMES.property(XDS_ROUTE_NAME);
      if (r === null) r = EMPTY;
      this.route = r;
    }
    return r;
  }

  clusterName(): ArrayBuffer {
    let c = this.cluster;
    if (c === null) {
      c = NAMES.property(CLUSTER_NAME);
      if (c === null) c = NAMES.property(XDS_CLUSTER_NAME);
      if (c === null) c = EMPTY;
      this.cluster = c;
    }
    return c;
  }

  /** :authority without a port. */
  hostName(): ArrayBuffer {
    let h = this.host;
    if (h === null) {
      const authority = getHeader(MapType.RequestHeaders, AUTHORITY);
      h = authority === null ? EMPTY : stripPort(authority);
      this.host = h;
    }
    return h!;
  }
}

/**
 * Route and cluster names, each kept once: a VM serves the same few on every request, so after the
 * first request reading one allocates nothing (it is read on loan and compared with those kept).
 * Bounded: past `capacity` distinct names, the oldest kept gives way.
 */
class NameTable {
  private readonly names: ArrayBuffer[] = [];
  private next: i32 = 0;

  constructor(private readonly capacity: i32) {}

  /** The property's value as a kept name, or null when the host has no such property. */
  property(path: ArrayBuffer): ArrayBuffer | null {
    const value = peekProperty(path);
    return value === null ? null : this.keep(value);
  }

  private keep(value: ArrayBuffer): ArrayBuffer {
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (bytesEqual(unchecked(names[i]), value)) return unchecked(names[i]);
    const kept = value.slice(0);
    if (names.length < this.capacity) names.push(kept);
    else names[this.next] = kept;
    this.next = (this.next + 1) % this.capacity;
    return kept;
  }
}

const NAMES = new NameTable(32);

const ROUTE_NAME = String.UTF8.encode("route_name");
const XDS_ROUTE_NAME = String.UTF8.encode("xds\0route_name");
const CLUSTER_NAME = String.UTF8.encode("cluster_name");
const XDS_CLUSTER_NAME = String.UTF8.encode("xds\0cluster_name");
const AUTHORITY = String.UTF8.encode(":authority");

function stripPort(authority: ArrayBuffer): ArrayBuffer {
  const p = changetype<usize>(authority);
  const n = authority.byteLength;
  if (n > 0 && load<u8>(p) == 0x5b) {
    // [ipv6]:port
    for (let i = 1; i < n; i++) if (load<u8>(p + i) == 0x5d) return authority.slice(0, i + 1);
    return authority;
  }
  for (let i = n - 1; i >= 0; i--) {
    const c = load<u8>(p + i);
    if (c == 0x3a) return authority.slice(0, i);
    if (c < 0x30 || c > 0x39) break;
  }
  return authority;
}

/** How a pattern compares with the text it is matched against. */
const enum Form {
  Exact = 0,
  Suffix = 1,
  Prefix = 2,
  Any = 3,
}

/** One entry of a rule's match list, pre-encoded for byte comparison. */
class Pattern {
  form: Form = Form.Exact;
  bytes: ArrayBuffer;
  /** Service patterns with a port ("fqdn:port"): the port. */
  port: ArrayBuffer | null = null;

  constructor(kind: MatchKind, text: string) {
    if (kind == MatchKind.RoutePrefix) {
      this.form = Form.Prefix;
    } else if (kind == MatchKind.Domain) {
      // "*" any, "*.x.com" suffix ".x.com", "x*" prefix "x", otherwise exact.
      if (text == "*") this.form = Form.Any;
      else if (text.startsWith("*")) { this.form = Form.Suffix; text = text.substring(1); }
      else if (text.endsWith("*")) { this.form = Form.Prefix; text = text.substring(0, text.length - 1); }
    } else if (kind == MatchKind.Service) {
      const colon = text.lastIndexOf(":");
      if (colon > 0) {
        this.port = String.UTF8.encode(text.substring(colon + 1));
        text = text.substring(0, colon);
      }
    }
    this.bytes = String.UTF8.encode(text);
  }

  /** Whether the `len` bytes at `ptr` match. */
  matches(ptr: usize, len: i32): bool {
    return bytesMatch(this.form, this.bytes, ptr, len);
  }
}

function bytesMatch(form: Form, bytes: ArrayBuffer, ptr: usize, len: i32): bool {
  const want = bytes.byteLength;
  if (form == Form.Any) return true;
  if (form == Form.Exact ? len != want : len < want) return false;
  const at = form == Form.Suffix ? ptr + <usize>(len - want) : ptr;
  return memory.compare(at, changetype<usize>(bytes), <usize>want) == 0;
}

export class Rule<C> {
  /** null for a rule with `_disable_: true`: the plugin leaves matching requests alone. */
  constructor(readonly kind: MatchKind, readonly patterns: Pattern[], readonly config: C | null) {}

  matches(facts: RequestFacts): bool {
    const ps = this.patterns;
    if (this.kind == MatchKind.Service) return matchService(facts.clusterName(), ps);
    const subject = this.kind == MatchKind.Domain ? facts.hostName() : facts.routeName();
    for (let i = 0; i < ps.length; i++) if (ps[i].matches(changetype<usize>(subject), subject.byteLength)) return true;
    return false;
  }
}

/** Cluster names look like `outbound|<port>|<subset>|<fqdn>`; rules name `fqdn` or `fqdn:port`. */
function matchService(cluster: ArrayBuffer, ps: Pattern[]): bool {
  const p = changetype<usize>(cluster);
  const n = cluster.byteLength;
  let bars = 0;
  let portStart = -1, portEnd = -1, fqdnStart = -1;
  for (let i = 0; i < n; i++) {
    if (load<u8>(p + i) != 0x7c) continue;
    bars++;
    if (bars == 1) portStart = i + 1;
    else if (bars == 2) portEnd = i;
    else if (bars == 3) fqdnStart = i + 1;
  }
  if (bars != 3) return false;
  for (let i = 0; i < ps.length; i++) {
    const port = ps[i].port;
    if (ps[i].matches(p + fqdnStart, n - fqdnStart) && (port === null || bytesMatch(Form.Exact, port, p + portStart, portEnd - portStart))) return true;
  }
  return false;
}

/** The global config (null when the configuration has only `_rules_`) and the rules. */
export class RuleSet<C> {
  constructor(readonly global: C | null, readonly rules: Rule<C>[]) {}

  /** Index of the first matching rule, or -1. */
  matchIndex(facts: RequestFacts): i32 {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) if (rules[i].matches(facts)) return i;
    return -1;
  }

  /** The config for this request: the first matching rule's, else the global one (may be null). */
  select(facts: RequestFacts): C | null {
    if (this.rules.length == 0) return this.global;
    const i = this.matchIndex(facts);
    return i >= 0 ? this.rules[i].config : this.global;
  }
}

/** True when the configuration has fields besides `_rules_` (Higress then applies it globally). */
export function hasGlobalFields(root: JSON.Obj): bool {
  const keys = root.keys;
  for (let i = 0; i < keys.length; i++) if (keys[i] != "_rules_") return true;
  return false;
}

/** The rule's own fields laid over the global ones (for plugins that merge, like key-auth). */
export function mergeOver(global: JSON.Obj, rule: JSON.Obj): JSON.Obj {
  const merged = new JSON.Obj();
  const gk = global.keys;
  for (let i = 0; i < gk.length; i++) if (gk[i] != "_rules_") merged.set<JSON.Value>(gk[i], global.get(gk[i])!);
  const rk = rule.keys;
  for (let i = 0; i < rk.length; i++) if (!MATCH_KEYS.includes(rk[i])) merged.set<JSON.Value>(rk[i], rule.get(rk[i])!);
  return merged;
}

/** Parses `_rules_`; each rule's config comes from `parse` applied to the rule (merged or whole). */
export function parseRules<C>(root: Fields, merge: bool, parse: (f: Fields) => C | null): Rule<C>[] {
  const out = new Array<Rule<C>>();
  const rules = root.objects("_rules_");
  if (rules === null) return out;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    let kind: i32 = -1;
    let list: string[] | null = null;
    for (let k = 0; k < MATCH_KEYS.length && kind < 0; k++) {
      if (!r.has(MATCH_KEYS[k])) continue;
      list = r.strings(MATCH_KEYS[k]);
      if (list === null) return out; // wrong type: recorded
      kind = k;
    }
    if (kind < 0 || list === null || list.length == 0) {
      r.problems.fail(r.path, "needs a non-empty _match_route_, _match_route_prefix_, _match_service_ or _match_domain_");
      return out;
    }
    const patterns = new Array<Pattern>(list.length);
    for (let j = 0; j < list.length; j++) patterns[j] = new Pattern(<MatchKind>kind, list[j]);
    if (r.bool("_disable_", false)) {
      // Higress: the plugin leaves requests matching this rule alone, whatever the global config says.
      out.push(new Rule<C>(<MatchKind>kind, patterns, null));
      continue;
    }
    const fields = merge ? new Fields(mergeOver(root.obj, r.obj), r.path, r.problems) : r;
    const config = parse(fields);
    if (config === null || r.problems.failed) return out;
    out.push(new Rule<C>(<MatchKind>kind, patterns, config));
  }
  return out;
}

export { Problems };
