// key-auth per request: find the presented key (each configured key name: a non-empty header first,
// else the query parameter), map it to a consumer, check the route's allow list, and pass the request
// on with `x-mse-consumer` naming the consumer — or answer 401/403.
import { FilterHeadersStatusValues, RootContext } from "@solo-io/proxy-runtime";
import { Fields } from "../common/config";
import { getHeader, MapType, peekHeader, removeHeader, replaceHeader } from "../common/host";
import { PluginContext, PluginRoot } from "../common/plugin";
import { CONSUMER_HEADER } from "../common/reply";
import { parseRules, RuleSet } from "../common/rules";
import { queryParam } from "../common/url";
import { KeyAuthConfig, KeyName, KNOWN_FIELDS, parseKeyAuth, Place } from "./config";
import { withoutQueryParam } from "./query";
import { MISSING_KEY, NOT_ALLOWED, UNKNOWN_KEY } from "./replies";

const PATH = String.UTF8.encode(":path");

/** `global_auth` unset, false, true. */
const enum GlobalAuth {
  Unset = -1,
  Off = 0,
  On = 1,
}

export class KeyAuthRoot extends PluginRoot<KeyAuthConfig> {
  globalAuth: GlobalAuth = GlobalAuth.Unset;

  constructor(context_id: u32) {
    super(context_id, "key-auth");
  }

  knownFields(): string[] {
    return KNOWN_FIELDS;
  }

  parse(root: Fields): RuleSet<KeyAuthConfig> | null {
    if (root.has("global_auth")) this.globalAuth = root.bool("global_auth", false) ? GlobalAuth.On : GlobalAuth.Off;
    // The global part exists when the config has more than `_rules_` (and global_auth) in it.
    const hasConsumers = root.has("consumers") || root.has("credentials");
    const global = hasConsumers ? parseKeyAuth(root, false) : null;
    if (root.problems.failed) return null;
    const rules = parseRules<KeyAuthConfig>(root, true, (f: Fields): KeyAuthConfig | null => parseKeyAuth(f, true));
    if (root.problems.failed) return null;
    // Like Higress, refuse a config that would authenticate nothing (`{}`, or only global_auth):
    // accepting it would let every request through while the operator believes keys are checked.
    if (global === null && !root.has("_rules_")) {
      root.fail("consumers", "is required (a list of {name, credential})");
      return null;
    }
    return new RuleSet<KeyAuthConfig>(global, rules);
  }

  /** The config to authenticate this request with, or null when key-auth does not apply to it. */
  configFor(ctx: KeyAuthContext): KeyAuthConfig | null {
    const rules = this.rules!;
    if (rules.rules.length == 0) {
      // Without rules, global_auth defaults to on.
      return this.globalAuth == GlobalAuth.Off ? null : rules.global;
    }
    const i = rules.matchIndex(ctx);
    if (i >= 0) return rules.rules[i].config;
    // With rules, global_auth defaults to off: unmatched requests are not checked.
    return this.globalAuth == GlobalAuth.On ? rules.global : null;
  }

  createContext(context_id: u32): KeyAuthContext {
    return new KeyAuthContext(context_id, this);
  }
}

export class KeyAuthContext extends PluginContext<KeyAuthRoot> {
  private path: ArrayBuffer | null = null;

  constructor(context_id: u32, root: RootContext) {
    super(context_id, root);
  }

  onRequestHeaders(_headers: u32, _end_of_stream: bool): FilterHeadersStatusValues {
    // Only key-auth names the consumer: a client cannot claim an identity by sending the header. It is
    // removed here, overwritten below on success, and irrelevant on a local reply.
    const config = this.plugin.configFor(this);
    if (config === null) {
      removeHeader(MapType.RequestHeaders, CONSUMER_HEADER);
      return FilterHeadersStatusValues.Continue;
    }

    // Higress reads a key, per consumer, from a non-empty header when that consumer reads headers,
    // else from the query when it reads the query. Each name's header and query value are looked up
    // once; a value found belongs to at most one consumer, and the first consumer in config order wins.
    let sawKey = false;
    let best = -1;
    let bestKey: KeyName | null = null;
    let bestFromQuery = false;
    const keys = config.lookupKeys;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      let header: ArrayBuffer | null = null;
      if (key.places & Place.Header) {
        // On loan: only compared here, and the next name's read replaces it.
        header = peekHeader(MapType.RequestHeaders, key.header);
        if (header !== null && header.byteLength == 0) header = null;
      }
      if (header !== null) {
        sawKey = true;
        let consumer = config.credentials.lookup(header);
        if (consumer < 0 && key.isAuthorization) {
          const token = bearerToken(header);
          if (token !== null) consumer = config.credentials.lookup(token);
        }
        if (consumer >= 0 && (best < 0 || consumer < best) && accepts(config, consumer, key, false, true)) {
          best = consumer;
          bestKey = key;
          bestFromQuery = false;
        }
      }
      // With a header present, the query only counts for consumers that do not read headers.
      if (!(key.places & (header === null ? Place.Query : Place.QueryOnly))) continue;
      const query = this.queryValue(key);
      if (query === null) continue;
      sawKey = true;
      const consumer = config.credentials.lookup(query);
      if (consumer >= 0 && (best < 0 || consumer < best) && accepts(config, consumer, key, true, header !== null)) {
        best = consumer;
        bestKey = key;
        bestFromQuery = true;
      }
    }

    if (best < 0) {
      (sawKey ? UNKNOWN_KEY : MISSING_KEY).send();
      return FilterHeadersStatusValues.StopIteration;
    }
    const allowed = config.allowed;
    if (allowed !== null && !unchecked(allowed[best])) {
      NOT_ALLOWED.send();
      return FilterHeadersStatusValues.StopIteration;
    }
    // Envoy's replace sets the one value whether or not the client sent the header.
    replaceHeader(MapType.RequestHeaders, CONSUMER_HEADER, config.consumers[best].nameBytes);
    if (config.hideCredentials) this.hide(bestKey!, bestFromQuery);
    return FilterHeadersStatusValues.Continue;
  }

  private queryValue(key: KeyName): ArrayBuffer | null {
    let path = this.path;
    if (path === null) {
      path = getHeader(MapType.RequestHeaders, PATH);
      if (path === null) path = new ArrayBuffer(0);
      this.path = path;
    }
    return queryParam(path, key.query);
  }

  /** Removes the key from what goes upstream (Kong's hide_credentials). */
  private hide(key: KeyName, fromQuery: bool): void {
    if (!fromQuery) {
      removeHeader(MapType.RequestHeaders, key.header);
      return;
    }
    const path = this.path;
    if (path === null) return;
    replaceHeader(MapType.RequestHeaders, PATH, withoutQueryParam(path, key.query));
  }
}

/**
 * Whether consumer `index` reads its key under this name from this place: from a header when it reads
 * headers, from the query when it reads the query and (Higress's order) no header value took precedence.
 */
function accepts(config: KeyAuthConfig, index: i32, key: KeyName, fromQuery: bool, headerSet: bool): bool {
  const consumer = config.consumers[index];
  if (fromQuery ? !consumer.inQuery || (headerSet && consumer.inHeader) : !consumer.inHeader) return false;
  const names = consumer.keys !== null ? consumer.keys! : config.keys;
  for (let i = 0; i < names.length; i++) {
    const name = unchecked(names[i]);
    if (name === key || name.name == key.name) return true; // the same object in the common case
  }
  return false;
}

/** The token of an `Authorization: Bearer <token>` value (scheme case-insensitive), or null. */
function bearerToken(value: ArrayBuffer): ArrayBuffer | null {
  const p = changetype<usize>(value);
  if (value.byteLength <= 7) return null;
  // "bearer " compared case-insensitively (ASCII).
  const expected = "bearer ";
  for (let i = 0; i < 7; i++) if ((load<u8>(p + i) | (i == 6 ? 0 : 0x20)) != <u8>expected.charCodeAt(i)) return null;
  let start = 7;
  while (start < value.byteLength && load<u8>(p + start) == 0x20) start++;
  return start < value.byteLength ? value.slice(start) : null;
}
