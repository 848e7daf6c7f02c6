// The parsed key-auth configuration, as plain AssemblyScript data that no JSON library owns.
// Each harness fills it from its own tree, so all of them do the same validation work and their
// summaries can be compared with each other by the runner.

export class Consumer {
  constructor(public name: string, public credential: string) {}
}

export class Rule {
  matchRoute: string[] = [];
  matchDomain: string[] = [];
  allow: string[] = [];
}

export class KeyAuthConfig {
  consumers: Consumer[] = [];
  keys: string[] = ["x-api-key"];
  inQuery: bool = true;
  inHeader: bool = true;
  /** -1 unset, 0 false, 1 true (unset means "true when there are no rules"). */
  globalAuth: i32 = -1;
  rules: Rule[] = [];
  /** credential -> consumer name; built while parsing so duplicates are a config error. */
  byCredential: Map<string, string> = new Map();
}

/** A config error that names the offending field, e.g. `consumers[3].credential: expected a string`. */
export class ConfigError {
  constructor(public path: string, public message: string) {}
  toString(): string {
    return this.path + ": " + this.message;
  }
}

/** One line the runner compares across libraries: the same document must give the same line. */
export function describeKeyAuth(config: KeyAuthConfig): string {
  let credentialBytes = 0;
  for (let i = 0; i < config.consumers.length; i++) {
    credentialBytes += config.consumers[i].credential.length + config.consumers[i].name.length;
  }
  let allow = 0;
  let routes = 0;
  for (let i = 0; i < config.rules.length; i++) {
    allow += config.rules[i].allow.length;
    routes += config.rules[i].matchRoute.length + config.rules[i].matchDomain.length;
  }
  const last = config.consumers.length > 0 ? config.consumers[config.consumers.length - 1].name : "";
  return (
    "consumers=" + config.consumers.length.toString() +
    " chars=" + credentialBytes.toString() +
    " last=" + last +
    " keys=" + config.keys.join(",") +
    " in_query=" + (config.inQuery ? "true" : "false") +
    " in_header=" + (config.inHeader ? "true" : "false") +
    " global_auth=" + config.globalAuth.toString() +
    " rules=" + config.rules.length.toString() +
    " matches=" + routes.toString() +
    " allow=" + allow.toString()
  );
}
