// Provider API tokens: rotation and health shared by every VM of the gateway. Health lives in shared
// data (one entry per provider, updated with compare-and-swap), so a token that fails on one worker is
// skipped by all of them. Per token: consecutive failures, unhealthy flag, health-check successes.
import { getSharedData, Result, setSharedData } from "../common/host";
import { ProviderConfig } from "./config";

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

  /** Indices of tokens currently out of rotation. */
  unhealthy(): i32[] {
    const out = new Array<i32>();
    const health = this.read();
    for (let i = 0; i < this.size; i++) if (health[i * BYTES_PER_TOKEN + UNHEALTHY] != 0) out.push(i);
    return out;
  }

  /** Applies `change` to the shared record with compare-and-swap; false if it kept losing races. */
  private update(change: (record: Uint8Array, index: i32, threshold: i32) => bool, index: i32, threshold: i32): bool {
    const n = this.size * BYTES_PER_TOKEN;
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const current = getSharedData(this.key);
      const record = new Uint8Array(n);
      let cas: u32 = 0;
      if (current !== null && current.value.byteLength == n) {
        memory.copy(record.dataStart, changetype<usize>(current.value), n);
        cas = current.cas;
      }
      if (!change(record, index, threshold)) return true; // nothing to write
      if (setSharedData(this.key, record.buffer, cas) == Result.Ok) return true;
    }
    return false;
  }

  /** A request with this token failed with a failover status; out of rotation at the threshold. */
  recordFailure(index: i32): void {
    this.update((r: Uint8Array, i: i32, threshold: i32): bool => {
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
    this.update((r: Uint8Array, i: i32, threshold: i32): bool => {
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
  }
}
