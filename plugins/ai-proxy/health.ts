// Health checks that bring failed API keys back into rotation. Every worker VM's root context ticks every
// `healthCheckInterval`; for each key out of rotation it sends a one-token chat request with
// `healthCheckModel` and that key (through the provider's own request translation) to the cluster the
// provider's requests use, and reports the result to the token pool: `successThreshold` passes in a row
// put the key back.
//
// Which cluster: the one the route sent the failing requests to. Requests record it (with the upstream
// authority) in shared data when a key fails, as Higress does, so any VM can check a key another VM took
// out of rotation.
//
// One VM per key per interval: a lease in shared data per key (`<provider>/check/<index>`, 8 bytes: the
// time until which the key's check belongs to whoever took it), taken with compare-and-swap. A VM whose
// tick finds the lease expired takes it until now + max(interval, timeout), so checks never overlap and
// run once per interval whichever VMs tick. The first use of a key's lease creates it with an
// unconditional write (proxy-wasm has no "create if absent"); two VMs racing through that very first
// write in the same microseconds could both check once — harmless, and impossible afterwards.
import { getSharedData, nowNanos, Result, setSharedData, setTickPeriod } from "../common/host";
import * as log from "../common/log";
import { RuleSet } from "../common/rules";
import { Api } from "./api";
import { CallHandler, CallResponse, PendingCalls } from "./calls";
import { AiProxyConfig, ProviderConfig } from "./config";
import { chatPath, chatRequest, providerCallHeaders } from "./provider-call";
import { TokenPool, TokenPools } from "./tokens";

const HEALTH_CHECK_PROMPT = "ping";
const LEASE_ATTEMPTS = 4;

/** Where a provider's requests went: its Envoy cluster and upstream authority. */
class Endpoint {
  constructor(readonly cluster: string, readonly authority: string) {}

  encode(): string {
    return this.cluster + "\n" + this.authority;
  }

  static decode(text: string): Endpoint | null {
    const nl = text.indexOf("\n");
    if (nl <= 0) return null;
    return new Endpoint(text.substring(0, nl), text.substring(nl + 1));
  }
}

export class HealthChecker {
  /** Providers with failover enabled, one per shared-state key. */
  private checked: ProviderConfig[] = [];
  /** The endpoint this VM last wrote per provider: a failing request writes only when it changed. */
  private written: Map<string, string> = new Map();
  private missingEndpointLogged: Set<string> = new Set();

  constructor(private readonly pools: TokenPools, private readonly calls: PendingCalls) {}

  /** Finds the providers to check and sets the tick period (the shortest interval; 0 stops ticking). */
  configure(rules: RuleSet<AiProxyConfig>): void {
    this.checked = [];
    const configs = new Array<AiProxyConfig>();
    if (rules.global !== null) configs.push(rules.global!);
    for (let i = 0; i < rules.rules.length; i++) {
      const config = rules.rules[i].config;
      if (config !== null) configs.push(config);
    }
    let period: u32 = 0;
    const seen = new Set<string>();
    for (let c = 0; c < configs.length; c++) {
      const providers = configs[c].providers;
      for (let p = 0; p < providers.length; p++) {
        const pc = providers[p];
        if (!pc.failover.enabled || seen.has(pc.stateKey)) continue;
        seen.add(pc.stateKey);
        this.checked.push(pc);
        const interval = pc.failover.healthCheckInterval;
        if (period == 0 || interval < period) period = interval;
      }
    }
    setTickPeriod(period);
  }

  /** A request with a key of `pc` failed: remember where it went, for the key's health checks. */
  noteEndpoint(pc: ProviderConfig, cluster: string, authority: string): void {
    if (cluster.length == 0) return;
    const value = new Endpoint(cluster, authority).encode();
    const key = pc.stateKey;
    if (this.written.has(key) && this.written.get(key) == value) return;
    setSharedData(String.UTF8.encode(key + "/endpoint"), String.UTF8.encode(value), 0);
    this.written.set(key, value);
  }

  /** One tick: a check for every key out of rotation whose lease this VM gets. */
  tick(): void {
    const now = nowNanos();
    for (let p = 0; p < this.checked.length; p++) {
      const pc = this.checked[p];
      const pool = this.pools.of(pc);
      const unhealthy = pool.unhealthy();
      if (unhealthy.length == 0) continue;
      const endpoint = this.endpointOf(pc);
      if (endpoint === null) continue;
      const f = pc.failover;
      const holdNs = <u64>max(f.healthCheckInterval, f.healthCheckTimeout) * 1_000_000;
      for (let i = 0; i < unhealthy.length; i++) {
        if (takeLease(pc.stateKey + "/check/" + unhealthy[i].toString(), now, holdNs)) this.check(pc, pool, unhealthy[i], endpoint);
      }
    }
  }

  private endpointOf(pc: ProviderConfig): Endpoint | null {
    const stored = getSharedData(String.UTF8.encode(pc.stateKey + "/endpoint"));
    let endpoint: Endpoint | null = null;
    if (stored !== null) endpoint = Endpoint.decode(String.UTF8.decode(stored.value));
    if (endpoint === null && !this.missingEndpointLogged.has(pc.stateKey)) {
      this.missingEndpointLogged.add(pc.stateKey);
      log.warn("ai-proxy: cannot health-check keys of provider '" + pc.label + "': no request has recorded its cluster yet");
    }
    return endpoint;
  }

  private check(pc: ProviderConfig, pool: TokenPool, index: i32, endpoint: Endpoint): void {
    const model = pc.modelMapping.map(pc.failover.healthCheckModel);
    const body = pc.provider.request(Api.ChatCompletions, chatRequest(model, HEALTH_CHECK_PROMPT, 1), false);
    const headers = providerCallHeaders(pc, index, chatPath(pc, model), endpoint.authority);
    if (!this.calls.send(endpoint.cluster, headers, body, pc.failover.healthCheckTimeout, new HealthCheckCall(pool, index))) {
      // Counted as a failed check: the key stays out, and the lease makes the next try wait an interval.
      pool.recordHealthCheck(index, false);
    }
  }
}

/** The answer to one key's health check: a 2xx is a pass, anything else (or no answer) a failure. */
class HealthCheckCall extends CallHandler {
  constructor(private readonly pool: TokenPool, private readonly index: i32) {
    super();
  }

  onResponse(res: CallResponse): void {
    this.pool.recordHealthCheck(this.index, res.ok);
  }
}

/** Takes the check lease `key` until now + holdNs if it has expired; false when another VM holds it. */
function takeLease(key: string, now: u64, holdNs: u64): bool {
  const k = String.UTF8.encode(key);
  for (let attempt = 0; attempt < LEASE_ATTEMPTS; attempt++) {
    const current = getSharedData(k);
    if (current === null) {
      // Create it expired, then take it with compare-and-swap like any other.
      setSharedData(k, new ArrayBuffer(8), 0);
      continue;
    }
    if (current.value.byteLength == 8 && load<u64>(changetype<usize>(current.value)) > now) return false;
    const until = new ArrayBuffer(8);
    store<u64>(changetype<usize>(until), now + holdNs);
    if (setSharedData(k, until, current.cas) == Result.Ok) return true;
  }
  return false;
}
