// key-auth configuration, as Higress's key-auth takes it (consumers, keys, in_header, in_query,
// global_auth, and `allow` in rules), plus `hide_credentials`. Parsed once at configure time.
import { fromHex, lowerAscii } from "../common/bytes";
import { Fields } from "../common/config";
import { CredentialDigests, CredentialTable } from "./credentials";

export class Consumer {
  readonly nameBytes: ArrayBuffer;
  /** The consumer's own key names (header lookup uses them lowercased); null: the global keys. */
  keys: KeyName[] | null = null;
  inHeader: bool = true;
  inQuery: bool = true;
  constructor(readonly name: string) {
    this.nameBytes = String.UTF8.encode(name);
  }
}

/** Where some consumer reads a key name (bits of `KeyName.places`). */
export const enum Place {
  Header = 1,
  Query = 2,
  /** A consumer reads the query but not headers, so the query counts even when the header is set. */
  QueryOnly = 4,
}

/** A key name as a header name (lowercase) and as a query parameter name (as written). */
export class KeyName {
  readonly header: ArrayBuffer;
  readonly query: ArrayBuffer;
  /** `Authorization` may carry the key as `Bearer <key>`. */
  readonly isAuthorization: bool;
  /** `Place` bits: where the consumers using this name look for it (nothing is read elsewhere). */
  places: i32 = 0;
  constructor(readonly name: string) {
    const lower = lowerAscii(name);
    this.header = String.UTF8.encode(lower);
    this.query = String.UTF8.encode(name);
    this.isAuthorization = lower == "authorization";
  }
}

export class KeyAuthConfig {
  consumers: Consumer[] = [];
  keys: KeyName[] = [];
  inHeader: bool = true;
  inQuery: bool = true;
  /** Which consumers (by index) may pass here; null means any authenticated consumer. */
  allowed: StaticArray<bool> | null = null;
  hideCredentials: bool = false;
  /** Every key name some consumer reads, once each, with where it is read. */
  lookupKeys: KeyName[] = [];
  readonly credentials: CredentialTable = new CredentialTable();
}

export const KNOWN_FIELDS = ["consumers", "keys", "in_header", "in_query", "global_auth", "allow", "hide_credentials"];

const SHA256_PREFIX = "sha256:";

function keyNames(f: Fields, field: string): KeyName[] | null {
  const names = f.strings(field);
  if (names === null) return null;
  const out = new Array<KeyName>(names.length);
  for (let i = 0; i < names.length; i++) {
    if (names[i].length == 0) {
      f.fail(field + "[" + i.toString() + "]", "must not be empty");
      return null;
    }
    out[i] = new KeyName(names[i]);
  }
  return out;
}

/** Registers a key name a consumer reads, and where it reads it, for the per-request lookup. */
function addLookupKey(config: KeyAuthConfig, key: KeyName, consumer: Consumer): void {
  let entry: KeyName | null = null;
  for (let i = 0; i < config.lookupKeys.length && entry === null; i++) if (config.lookupKeys[i].name == key.name) entry = config.lookupKeys[i];
  if (entry === null) {
    entry = key;
    config.lookupKeys.push(key);
  }
  if (consumer.inHeader) entry.places |= Place.Header;
  if (consumer.inQuery) entry.places |= consumer.inHeader ? Place.Query : Place.Query | Place.QueryOnly;
}

/**
 * Parses one key-auth config (the global one, or a rule merged over it). `inRule` marks a rule,
 * where a missing `allow` means nobody is allowed (Higress's behaviour).
 */
export function parseKeyAuth(f: Fields, inRule: bool): KeyAuthConfig | null {
  const config = new KeyAuthConfig();
  if (f.has("credentials") && !f.has("consumers")) {
    f.fail("credentials", "the legacy top-level `credentials` form is not supported; list `consumers` with `name` and `credential`");
    return null;
  }
  const globalKeys = f.has("keys") ? keyNames(f, "keys") : new Array<KeyName>();
  if (globalKeys === null) return null;
  config.keys = globalKeys;
  config.inHeader = f.bool("in_header", true);
  config.inQuery = f.bool("in_query", true);
  config.hideCredentials = f.bool("hide_credentials", false);

  const consumers = f.objects("consumers");
  if (consumers === null) {
    if (!f.problems.failed) f.fail("consumers", "is required (a list of {name, credential})");
    return null;
  }
  // Only needed while parsing: the table that serves requests keeps no digests of plain keys.
  const digests = new CredentialDigests();
  for (let i = 0; i < consumers.length; i++) {
    const c = consumers[i];
    const consumer = new Consumer(c.requiredString("name"));
    if (c.has("credential") && c.has("credentials")) {
      c.fail("credentials", "give either `credential` or `credentials`, not both");
      return null;
    }
    let secrets: string[] | null = null;
    if (c.has("credentials")) secrets = c.strings("credentials");
    else if (c.has("credential")) {
      const one = c.string("credential");
      if (one !== null) secrets = [one];
    } else {
      c.fail("credential", "is required");
      return null;
    }
    if (secrets === null || f.problems.failed) return null;
    if (secrets.length == 0) {
      c.fail("credentials", "must not be empty");
      return null;
    }
    for (let s = 0; s < secrets.length; s++) {
      const field = c.has("credentials") ? "credentials[" + s.toString() + "]" : "credential";
      if (!addCredential(config, digests, c, field, secrets[s], i)) return null;
    }
    if (c.has("keys")) {
      const own = keyNames(c, "keys");
      if (own === null) return null;
      consumer.keys = own;
    } else if (globalKeys.length == 0) {
      c.fail("keys", "is required: neither this consumer nor the configuration names the keys to read");
      return null;
    }
    consumer.inHeader = c.bool("in_header", config.inHeader);
    consumer.inQuery = c.bool("in_query", config.inQuery);
    if (!consumer.inHeader && !consumer.inQuery) {
      // Name the field the consumer got both values from: its own, or the global ones.
      if (c.has("in_header") || c.has("in_query")) c.fail("in_query", "in_header and in_query cannot both be false: this consumer's key could never be read");
      else f.fail("in_query", "in_header and in_query cannot both be false: no key could ever be read");
      return null;
    }
    const names = consumer.keys !== null ? consumer.keys! : globalKeys;
    for (let k = 0; k < names.length; k++) addLookupKey(config, names[k], consumer);
    config.consumers.push(consumer);
  }

  if (f.has("allow") || inRule) {
    // A rule without `allow` admits nobody, as in Higress.
    const allow = f.has("allow") ? f.strings("allow") : new Array<string>();
    if (allow === null) return null;
    const allowed = new StaticArray<bool>(config.consumers.length);
    for (let i = 0; i < config.consumers.length; i++) allowed[i] = allow.includes(config.consumers[i].name);
    config.allowed = allowed;
  }
  return f.problems.failed ? null : config;
}

function addCredential(config: KeyAuthConfig, digests: CredentialDigests, c: Fields, field: string, secret: string, consumer: i32): bool {
  if (secret.length == 0) {
    c.fail(field, "must not be empty (an empty key would match requests that send none)");
    return false;
  }
  let bytes: ArrayBuffer;
  let hashed = false;
  if (secret.startsWith(SHA256_PREFIX)) {
    const digest = fromHex(secret.substring(SHA256_PREFIX.length));
    if (digest === null || digest.byteLength != 32) {
      c.fail(field, "a `sha256:` credential needs 64 hex digits");
      return false;
    }
    bytes = digest;
    hashed = true;
  } else {
    bytes = String.UTF8.encode(secret);
  }
  if (!digests.addUnique(bytes, hashed)) {
    // Never echo the credential: configurations are logged by field, not by value.
    c.fail(field, "duplicates an earlier credential");
    return false;
  }
  config.credentials.add(bytes, hashed, consumer);
  return true;
}
