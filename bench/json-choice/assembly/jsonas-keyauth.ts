// Reads and validates a key-auth configuration from a json-as (dynamic API) tree into KeyAuthConfig,
// naming the offending field on error. Shared by the benchmark harness and the plugin-sized module.
import { JSON } from "json-as";
import { ConfigError, Consumer, KeyAuthConfig, Rule } from "./keyauth-model";

function typeName(value: JSON.Value): string {
  const type = value.type;
  if (type == JSON.Types.String) return "a string";
  if (type == JSON.Types.Bool) return "a boolean";
  if (type == JSON.Types.Null) return "null";
  if (type == JSON.Types.Array) return "an array";
  if (type == JSON.Types.Object) return "an object";
  return "a number";
}

function expected(path: string, what: string, value: JSON.Value): ConfigError {
  return new ConfigError(path, "expected " + what + ", got " + typeName(value));
}

/** Optional array of non-empty strings at `key`; leaves `into` alone when the key is absent. */
function readStringList(obj: JSON.Obj, key: string, path: string, into: string[]): ConfigError | null {
  const value = obj.get(key);
  if (value === null) return null;
  if (value.type != JSON.Types.Array) return expected(path, "an array of strings", value);
  const items = value.get<JSON.Arr>();
  into.length = 0;
  for (let i = 0; i < items.length; i++) {
    const itemPath = path + "[" + i.toString() + "]";
    const item = items.at(i);
    if (item.type != JSON.Types.String) return expected(itemPath, "a string", item);
    const text = item.get<string>();
    if (text.length == 0) return new ConfigError(itemPath, "must not be empty");
    into.push(text);
  }
  return null;
}

export function readKeyAuth(root: JSON.Obj, config: KeyAuthConfig): ConfigError | null {
  const consumers = root.get("consumers");
  if (consumers !== null) {
    if (consumers.type != JSON.Types.Array) return expected("consumers", "an array", consumers);
    const items = consumers.get<JSON.Arr>();
    for (let i = 0; i < items.length; i++) {
      const path = "consumers[" + i.toString() + "]";
      const item = items.at(i);
      if (item.type != JSON.Types.Object) return expected(path, "an object", item);
      const entry = item.get<JSON.Obj>();
      const name = entry.get("name");
      if (name === null) return new ConfigError(path + ".name", "is required");
      if (name.type != JSON.Types.String) return expected(path + ".name", "a string", name);
      const credential = entry.get("credential");
      if (credential === null) return new ConfigError(path + ".credential", "is required");
      if (credential.type != JSON.Types.String) return expected(path + ".credential", "a string", credential);
      const key = credential.get<string>();
      if (config.byCredential.has(key)) return new ConfigError(path + ".credential", "duplicates another consumer's");
      const consumer = new Consumer(name.get<string>(), key);
      config.byCredential.set(key, consumer.name);
      config.consumers.push(consumer);
    }
  }
  const keysError = readStringList(root, "keys", "keys", config.keys);
  if (keysError !== null) return keysError;
  const flags = ["in_query", "in_header", "global_auth"];
  for (let f = 0; f < flags.length; f++) {
    const value = root.get(flags[f]);
    if (value === null) continue;
    if (value.type != JSON.Types.Bool) return expected(flags[f], "a boolean", value);
    const on = value.get<bool>();
    if (f == 0) config.inQuery = on;
    else if (f == 1) config.inHeader = on;
    else config.globalAuth = on ? 1 : 0;
  }
  const rules = root.get("_rules_");
  if (rules !== null) {
    if (rules.type != JSON.Types.Array) return expected("_rules_", "an array", rules);
    const items = rules.get<JSON.Arr>();
    for (let i = 0; i < items.length; i++) {
      const path = "_rules_[" + i.toString() + "]";
      const item = items.at(i);
      if (item.type != JSON.Types.Object) return expected(path, "an object", item);
      const entry = item.get<JSON.Obj>();
      const rule = new Rule();
      let error = readStringList(entry, "_match_route_", path + "._match_route_", rule.matchRoute);
      if (error === null) error = readStringList(entry, "_match_domain_", path + "._match_domain_", rule.matchDomain);
      if (error === null) error = readStringList(entry, "allow", path + ".allow", rule.allow);
      if (error !== null) return error;
      if (rule.matchRoute.length == 0 && rule.matchDomain.length == 0) {
        return new ConfigError(path, "needs _match_route_ or _match_domain_");
      }
      config.rules.push(rule);
    }
  }
  return null;
}
