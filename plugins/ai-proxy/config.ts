// ai-proxy configuration, as Higress's ai-proxy takes it: `provider`, or `providers` with
// `activeProviderId`; per provider `type`, `apiTokens`, `modelMapping`, `protocol`, `timeout`,
// `failover`, `retryOnFailure`, `providerDomain`, `providerBasePath` and the type's own fields.
// `_rules_` entries are laid over the global config (so a route can pick another active provider).
import { Fields } from "../common/config";
import { compileRegex, Regex } from "../common/match/index";
import { ModelMapping } from "./model-map";
import { parsePromptParam, PromptParam } from "./prompt-param";
import { Provider } from "./providers/provider";
import { createProvider, PROVIDER_TYPES } from "./providers/registry";

// `promptParam`/`promptModel` go beyond Higress's ai-proxy: the seed's chatgpt-proxy mode (prompt-param.ts).
export const KNOWN_FIELDS = ["provider", "providers", "activeProviderId", "promptParam", "promptModel"];

export class Failover {
  enabled: bool = false;
  failureThreshold: i32 = 3;
  successThreshold: i32 = 1;
  healthCheckInterval: u32 = 5000;
  healthCheckTimeout: u32 = 5000;
  healthCheckModel: string = "";
  failoverOnStatus: Regex[] = [];
}

export class RetryOnFailure {
  enabled: bool = false;
  maxRetries: i32 = 1;
  retryTimeout: u32 = 30000;
  retryOnStatus: Regex[] = [];
}

export class ProviderConfig {
  id: string = "";
  type: string = "";
  apiTokens: string[] = [];
  modelMapping: ModelMapping = new ModelMapping();
  /** `original`: the client speaks the provider's own API; only host, path prefix and credentials change. */
  original: bool = false;
  timeout: u32 = 120000;
  failover: Failover = new Failover();
  retry: RetryOnFailure = new RetryOnFailure();
  /** Removed from the start of the request path before the API is detected. */
  subPath: string = "";
  provider: Provider;

  /** The token pool serving this provider (set on first use by TokenPools; typed loosely to avoid an import cycle). */
  pool: Object | null = null;

  constructor(provider: Provider) {
    this.provider = provider;
  }

  /** The provider's name in logs and errors: its id, else its type. */
  get label(): string {
    return this.id.length ? this.id : this.type;
  }

  /** A stable key for shared state (token health) across VMs and rules. */
  get stateKey(): string {
    return "ai-proxy/" + this.label;
  }
}

/** Whether an HTTP status matches one of `failoverOnStatus` / `retryOnStatus` (full match, as Higress). */
export function matchesStatus(patterns: Regex[], status: u32): bool {
  const code = status.toString();
  for (let i = 0; i < patterns.length; i++) if (patterns[i].fullMatch(code)) return true;
  return false;
}

function statusPatterns(f: Fields, field: string): Regex[] {
  const out = new Array<Regex>();
  const list = f.has(field) ? f.strings(field) : ["4.*", "5.*"];
  if (list === null) return out;
  for (let i = 0; i < list.length; i++) {
    const r = compileRegex(list[i]);
    if (!r.ok) {
      f.fail(field + "[" + i.toString() + "]", "invalid regular expression: " + r.error);
      return out;
    }
    out.push(r.regex!);
  }
  return out;
}

function parseProvider(f: Fields): ProviderConfig | null {
  const type = f.requiredString("type");
  if (f.problems.failed) return null;
  const provider = createProvider(type);
  if (provider === null) {
    f.fail("type", "unknown provider type \"" + type + "\"; supported: " + PROVIDER_TYPES.join(", "));
    return null;
  }
  const pc = new ProviderConfig(provider);
  pc.type = type;
  pc.id = f.string("id", "")!;
  const tokens = f.strings("apiTokens");
  if (tokens !== null) {
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i].length == 0) {
        f.fail("apiTokens[" + i.toString() + "]", "must not be empty");
        return null;
      }
    }
    pc.apiTokens = tokens;
  }
  pc.modelMapping = ModelMapping.parse(f, "modelMapping");
  const protocol = f.string("protocol", "openai");
  if (protocol == "original") pc.original = true;
  else if (protocol != "openai" && protocol !== null) f.fail("protocol", "must be \"openai\" or \"original\"");
  pc.timeout = <u32>f.integer("timeout", 120000, 1, 3600000);
  pc.subPath = f.string("subPath", "")!;
  provider.settings.domain = f.string("providerDomain", "")!;
  provider.settings.basePath = f.string("providerBasePath", "")!;
  if (provider.settings.basePath.length && !provider.settings.basePath.startsWith("/")) {
    f.fail("providerBasePath", "must start with /");
  }

  const fo = f.object("failover");
  if (fo !== null) {
    pc.failover.enabled = fo.bool("enabled", false);
    pc.failover.failureThreshold = <i32>fo.integer("failureThreshold", 3, 1, 1000);
    pc.failover.successThreshold = <i32>fo.integer("successThreshold", 1, 1, 1000);
    pc.failover.healthCheckInterval = <u32>fo.integer("healthCheckInterval", 5000, 100, 3600000);
    pc.failover.healthCheckTimeout = <u32>fo.integer("healthCheckTimeout", 5000, 100, 3600000);
    pc.failover.healthCheckModel = fo.string("healthCheckModel", "")!;
    pc.failover.failoverOnStatus = statusPatterns(fo, "failoverOnStatus");
    if (pc.failover.enabled && pc.failover.healthCheckModel.length == 0) {
      fo.fail("healthCheckModel", "is required when failover is enabled");
    }
  }
  const ro = f.object("retryOnFailure");
  if (ro !== null) {
    pc.retry.enabled = ro.bool("enabled", false);
    pc.retry.maxRetries = <i32>ro.integer("maxRetries", 1, 1, 10);
    pc.retry.retryTimeout = <u32>ro.integer("retryTimeout", 30000, 100, 3600000);
    pc.retry.retryOnStatus = statusPatterns(ro, "retryOnStatus");
  }
  provider.parse(f);
  return f.problems.failed ? null : pc;
}

export class AiProxyConfig {
  providers: ProviderConfig[] = [];
  active: ProviderConfig | null = null;
  /** The chatgpt-proxy mode (`promptParam`), or null. */
  prompt: PromptParam | null = null;
}

export function parseAiProxy(f: Fields): AiProxyConfig | null {
  const c = new AiProxyConfig();
  if (f.has("providers") && f.has("provider")) {
    // Also a rule's `provider` laid over a global `providers`: one of the two would be ignored silently.
    f.fail("provider", "give either `provider` or `providers` with `activeProviderId`, not both (a rule picks another provider by naming its id in activeProviderId)");
    return null;
  }
  if (f.has("providers")) {
    const list = f.objects("providers");
    if (list === null) return null;
    for (let i = 0; i < list.length; i++) {
      const pc = parseProvider(list[i]);
      if (pc === null) return null;
      if (pc.id.length == 0) {
        list[i].fail("id", "is required when several providers are listed");
        return null;
      }
      c.providers.push(pc);
    }
    const active = f.string("activeProviderId", "");
    for (let i = 0; i < c.providers.length; i++) if (c.providers[i].id == active) c.active = c.providers[i];
    if (c.active === null && c.providers.length) {
      f.fail("activeProviderId", active!.length ? "names no provider in `providers`" : "is required with `providers`");
      return null;
    }
  } else if (f.has("provider")) {
    const one = f.object("provider");
    if (one === null) return null;
    const pc = parseProvider(one);
    if (pc === null) return null;
    c.providers.push(pc);
    c.active = pc;
  } else {
    f.fail("provider", "is required (or `providers` with `activeProviderId`)");
    return null;
  }
  c.prompt = parsePromptParam(f);
  return f.problems.failed ? null : c;
}
