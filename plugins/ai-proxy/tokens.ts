// Provider API tokens: rotation and health shared by every VM of the gateway. Health lives in shared
// data (one entry per provider, updated with compare-and-swap), so a token that fails on one worker is
// skipped by all of them. Per token: consecutive failures, unhealthy flag, health-check successes.
import { getSharedData, Result, setSharedData } from "../common/host";
import * as log from "../common/log";
import { matchesStatus, ProviderConfig } from "./config";

const FAILURES = 0;
const UNHEALTHY = 2;
const SUCCESSES = 3;
const BYTES_PER_TOKEN = 4;
const MAX_CAS_RETRIES = 8;

export class TokenPool {
  private next: u32 = 0;
  private readonly key: ArrayBuffer;

  constructor(readonly config: ProviderConfig) {
    this.key = String.UTF8.encode(config.stateKey + "/tokens");
  }

  get size(): i32 {
    return this.config.apiTokens.length;
  }

  /** The health record of every token (all healthy when none was written yet). */
  private read(): Uint8Array {
    const n = this.size * BYTES_PER_TOKEN;
    const v = getSharedData(this.key);
    if (v === null || v.value.byteLength != n) return new Uint8Array(n);
    return Uint8Array.wrap(v.value);
  }

  isHealthy(index: i32): bool {
    if (!this.config.failover.enabled) return true;
    return this.read()[index * BYTES_PER_TOKEN + UNHEALTHY] == 0;
  }

  /** Index of the token for the next request (round-robin over healthy tokens); -1 when all are out. */
  pick(): i32 {
    const n = this.size;
    if (n == 0) return -1;
    const start = this.next++ % <u32>n;
    if (!this.config.failover.enabled) return <i32>start;
    const health = this.read();
    for (let k: u32 = 0; k < <u32>n; k++) {
      const i = <i32>((start + k) % <u32>n);
      if (health[i * BYTES_PER_TOKEN + UNHEALTHY] == 0) return i;
    }
    return -1;
  }

  /**
   * A token for a retry: a healthy one this request has not tried yet (round-robin), else a healthy one
   * it already tried (a 429 or 5xx may pass the second time); -1 when every token is out of rotation.
   */
  pickRetry(tried: i32[]): i32 {
    const n = this.size;
    if (n == 0) return -1;
    const health = this.config.failover.enabled ? this.read() : null;
    const start = this.next++ % <u32>n;
    let again = -1;
    for (let k: u32 = 0; k < <u32>n; k++) {
      const i = <i32>((start + k) % <u32>n);
      if (health !== null && health[i * BYTES_PER_TOKEN + UNHEALTHY] != 0) continue;
      if (!tried.includes(i)) return i;
      if (again < 0) again = i;
    }
    return again;
  }

  /**
   * Failover accounting for one answer the provider gave with token `index` (status 0: no answer):
   * 2xx resets its failure count, a `failoverOnStatus` match counts a failure. True for a failure.
   */
  recordOutcome(index: i32, status: u32): bool {
    const failover = this.config.failover;
    if (index < 0 || !failover.enabled) return false;
    if (status >= 200 && status < 300) {
      this.recordSuccess(index);
      return false;
    }
    // No answer at all (reset, connect failure) counts as a 503, what Envoy's router would have said.
    if (!matchesStatus(failover.failoverOnStatus, status == 0 ? 503 : status)) return false;
    this.recordFailure(index);
    return true;
  }

  /** Indices of tokens currently out of rotation. */
  unhealthy(): i32[] {
    const out = new Array<i32>();
    const health = this.read();
    for (let i = 0; i < this.size; i++) if (health[i * BYTES_PER_TOKEN + UNHEALTHY] != 0) out.push(i);
    return out;
  }

  /**
   * Applies `change` to the shared record with compare-and-swap. True when this write moved token
   * `index` in or out of rotation (so exactly one VM reports each move).
   */
  private update(change: (record: Uint8Array, index: i32, threshold: i32) => bool, index: i32, threshold: i32): bool {
    const n = this.size * BYTES_PER_TOKEN;
    const flag = index * BYTES_PER_TOKEN + UNHEALTHY;
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const current = getSharedData(this.key);
      const record = new Uint8Array(n);
      let cas: u32 = 0;
      if (current !== null && current.value.byteLength == n) {
        memory.copy(record.dataStart, changetype<usize>(current.value), n);
        cas = current.cas;
      }
      const before = record[flag];
      if (!change(record, index, threshold)) return false; // nothing to write
      if (setSharedData(this.key, record.buffer, cas) == Result.Ok) return record[flag] != before;
    }
    return false; // kept losing races: the others' updates won
  }

  /** A request with this token failed with a failover status; out of rotation at the threshold. */
  recordFailure(index: i32): void {
    const moved = this.update((r: Uint8Array, i: i32, threshold: i32): bool => {
      const at = i * BYTES_PER_TOKEN;
      if (r[at + UNHEALTHY] != 0) return false;
      const failures = <i32>r[at + FAILURES] + 1;
      r[at + FAILURES] = <u8>min(failures, 255);
      if (failures >= threshold) {
        r[at + UNHEALTHY] = 1;
        r[at + SUCCESSES] = 0;
      }
      return true;
    }, index, this.config.failover.failureThreshold);
    // A rare event worth a log line; the key itself never goes into a log.
    if (moved) log.warn(this.describe(index) + " is out of rotation after " + this.config.failover.failureThreshold.toString() + " failure(s) in a row");
  }

  private describe(index: i32): string {
    return "ai-proxy: API key #" + index.toString() + " of provider '" + this.config.label + "'";
  }

  /** A request with this token succeeded: its consecutive-failure count starts over. */
  recordSuccess(index: i32): void {
    if (this.read()[index * BYTES_PER_TOKEN + FAILURES] == 0) return; // the common case: no write
    this.update((r: Uint8Array, i: i32, _t: i32): bool => {
      const at = i * BYTES_PER_TOKEN;
      if (r[at + FAILURES] == 0 || r[at + UNHEALTHY] != 0) return false;
      r[at + FAILURES] = 0;
      return true;
    }, index, 0);
  }

  /** A health check of an unhealthy token passed or failed; back in rotation after successThreshold passes. */
  recordHealthCheck(index: i32, passed: bool): void {
    // The closure may not capture `passed`: a failed check is signalled by a threshold of 0.
    const moved = this.update((r: Uint8Array, i: i32, threshold: i32): bool => {
      const at = i * BYTES_PER_TOKEN;
      if (r[at + UNHEALTHY] == 0) return false;
      if (threshold == 0) {
        if (r[at + SUCCESSES] == 0) return false;
        r[at + SUCCESSES] = 0;
        return true;
      }
      const successes = <i32>r[at + SUCCESSES] + 1;
      if (successes >= threshold) {
        r[at + UNHEALTHY] = 0;
        r[at + FAILURES] = 0;
        r[at + SUCCESSES] = 0;
      } else {
        r[at + SUCCESSES] = <u8>successes;
      }
      return true;
    }, index, passed ? this.config.failover.successThreshold : 0);
    if (moved) log.info(this.describe(index) + " is back in rotation after passing health checks");
  }
}

/** The token pool of each provider, keyed by its shared-state key (rules naming one provider share it). */
export class TokenPools {
  private pools: Map<string, TokenPool> = new Map();

  of(pc: ProviderConfig): TokenPool {
    // Cached on the config: this runs several times per request.
    const cached = pc.pool;
    if (cached !== null) return changetype<TokenPool>(cached);
    const key = pc.stateKey;
    if (!this.pools.has(key)) this.pools.set(key, new TokenPool(pc));
    const pool = this.pools.get(key);
    pc.pool = pool;
    return pool;
  }
}
