// Reads and validates a key-auth configuration from an assemblyscript-json tree into KeyAuthConfig,
// naming the offending field on error. Shared by the benchmark harness and the plugin-sized module.
import { JSON } from "assemblyscript-json/assembly";
import { ConfigError, Consumer, KeyAuthConfig, Rule } from "./keyauth-model";

function typeName(value: JSON.Value): string {
  if (value.isString) return "a string";
  if (value.isInteger || value.isFloat) return "a number";
  if (value.isBool) return "a boolean";
  if (value.isNull) return "null";
  if (value.isArr) return "an array";
  return "an object";
}

function expected(path: string, what: string, value: JSON.Value): ConfigError {
  return new ConfigError(path, "expected " + what + ", got " + typeName(value));
}

/** Optional array of non-empty strings at `key`; leaves `into` alone when the key is absent. */
function readStringList(obj: JSON.Obj, key: string, path: string, into: string[]): ConfigError | null {
  const value = obj.get(key);
  if (value === null) return null;
  if (!value.isArr) return expected(path, "an array of strings", value);
  const items = (<JSON.Arr>value).valueOf();
  into.length = 0;
  for (let i = 0; i < items.length; i++) {
    const itemPath = path + "[" + i.toString() + "]";
    if (!items[i].isString) return expected(itemPath, "a string", items[i]);
    const text = (<JSON.Str>items[i]).valueOf();
    if (text.length == 0) return new ConfigError(itemPath, "must not be empty");
    into.push(text);
  }
  return null;
}

export function readKeyAuth(root: JSON.Obj, config: KeyAuthConfig): ConfigError | null {
  const consumers = root.get("consumers");
  if (consumers !== null) {
    if (!consumers.isArr) return expected("consumers", "an array", consumers);
    const items = (<JSON.Arr>consumers).valueOf();
    for (let i = 0; i < items.length; i++) {
      const path = "consumers[" + i.toString() + "]";
      if (!items[i].isObj) return expected(path, "an object", items[i]);
      const entry = <JSON.Obj>items[i];
      const name = entry.get("name");
      if (name === null) return new ConfigError(path + ".name", "is required");
      if (!name.isString) return expected(path + ".name", "a string", name);
      const credential = entry.get("credential");
      if (credential === null) return new ConfigError(path + ".credential", "is required");
      if (!credential.isString) return expected(path + ".credential", "a string", credential);
      const key = (<JSON.Str>credential).valueOf();
      if (config.byCredential.has(key)) return new ConfigError(path + ".credential", "duplicates another consumer's");
      const consumer = new Consumer((<JSON.Str>name).valueOf(), key);
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
    if (!value.isBool) return expected(flags[f], "a boolean", value);
    const on = (<JSON.Bool>value).valueOf();
    if (f == 0) config.inQuery = on;
    else if (f == 1) config.inHeader = on;
    else config.globalAuth = on ? 1 : 0;
  }
  const rules = root.get("_rules_");
  if (rules !== null) {
    if (!rules.isArr) return expected("_rules_", "an array", rules);
    const items = (<JSON.Arr>rules).valueOf();
    for (let i = 0; i < items.length; i++) {
      const path = "_rules_[" + i.toString() + "]";
      if (!items[i].isObj) return expected(path, "an object", items[i]);
      const entry = <JSON.Obj>items[i];
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
