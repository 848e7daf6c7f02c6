// A fixed-window request counter kept in Envoy's shared data, which every VM of the gateway (one per
// worker thread) reads and writes. Each counter is one shared-data entry:
//
//   u64 window start (ms since the epoch) | u32 count | u32 unused | u64 owner     (24 bytes, LE)
//
// Counting reads the entry, and writes it back with the compare-and-swap value it was read with; a
// CasMismatch means another VM counted in between, so the read is repeated. Once a window is full the
// counter is only read, never written, so contention ends when the limit is reached. A counter whose
// window has passed is simply overwritten by the next request: entries never accumulate per window.
//
// `owner` serves the slot table of unlisted keys (see slot-table.ts): a slot holds the counter of
// one key per window, identified by a 64-bit hash; listed keys have an entry of their own, owner 0.
import { getSharedData, peekSharedData, Result, setSharedData } from "../common/host";
import { windowStart } from "../common/rates";

const STATE_SIZE = 24;

/**
 * How many times one request re-reads a counter another VM changed under it. Each mismatch means
 * some other request was counted, so the gateway as a whole always progresses; running out takes
 * that many successful writes by others during one request's attempts.
 */
export const MAX_CAS_ATTEMPTS = 32;

export const enum Take {
  /** Counted; `count` is its number in the window. */
  Admitted = 0,
  /** The window is full; `count` is what it holds. */
  Rejected = 1,
  /** (slot tables) The entry holds another key's counter for this window. */
  Occupied = 2,
  /** Every attempt lost the compare-and-swap race. */
  CasExhausted = 3,
  /** The host refused the write (neither Ok nor CasMismatch). */
  StoreError = 4,
}

export class WindowCounter {
  /** After take(): the request's number in the window (Admitted), or the window's count (Rejected). */
  count: u32 = 0;
  /** After take(): when the current window ends (ms since the epoch). */
  windowEndMs: u64 = 0;
  private readonly scratch: ArrayBuffer = new ArrayBuffer(STATE_SIZE);

  /** Counts one request against the entry `key`, allowing `limit` per window of `windowMs`. */
  take(key: ArrayBuffer, owner: u64, limit: u32, windowMs: u64, nowMs: u64): Take {
    const start = windowStart(nowMs, windowMs);
    this.windowEndMs = start + windowMs;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      // On loan: decoded at once, and nothing else is read before the write.
      const current = peekSharedData(key);
      let count: u32 = 0;
      let cas: u32 = 0;
      if (current !== null) {
        cas = current.cas;
        const v = current.value;
        // Anything not in this layout (another version's state) is treated as an empty counter.
        if (v.byteLength == STATE_SIZE) {
          const p = changetype<usize>(v);
          if (load<u64>(p) == start) {
            if (load<u64>(p, 16) != owner) return Take.Occupied;
            count = load<u32>(p, 8);
          }
        }
      }
      // cas 0 (entry absent) writes unconditionally: see the README on the first write of a counter.
      if (count >= limit) {
        this.count = count;
        return Take.Rejected;
      }
      const s = changetype<usize>(this.scratch);
      store<u64>(s, start);
      store<u32>(s, count + 1, 8);
      store<u32>(s, 0, 12);
      store<u64>(s, owner, 16);
      const r = setSharedData(key, this.scratch, cas);
      if (r == Result.Ok) {
        this.count = count + 1;
        return Take.Admitted;
      }
      if (r != Result.CasMismatch) return Take.StoreError;
    }
    return Take.CasExhausted;
  }

  /** Creates the entry (empty) when it does not exist yet, so later counting always uses CAS. */
  static ensure(key: ArrayBuffer): void {
    if (getSharedData(key) === null) setSharedData(key, new ArrayBuffer(STATE_SIZE), 0);
  }
}
