// Counters for keys nobody listed (`default_limit`): any client can invent new key values, so each
// value cannot get a shared-data entry of its own — Envoy's shared data has no delete, and entries
// would pile up forever. Instead a configuration owns a fixed table of `max_tracked_keys` slots. A key
// hashes (64-bit FNV-1a) to a slot and probes up to SLOT_PROBES neighbours; a slot belongs to one key
// for one window (the counter's `owner` is the hash) and is free again once its window has passed.
// If every probed slot is taken by other keys in this window the key is not tracked and the request
// passes (counted in `key_rate_limit.fail_open.untracked`): size the table above the number of
// distinct keys expected per window.
import { Take, WindowCounter } from "./window-counter";
import { Rate } from "../common/rates";

export const SLOT_PROBES: u32 = 8;
const HEX = "0123456789abcdef";

/** 64-bit FNV-1a of the bytes; never 0 (0 marks entries that are not slots). */
export function keyHash64(ptr: usize, len: i32): u64 {
  let h: u64 = 0xcbf29ce484222325;
  for (let i = 0; i < len; i++) {
    h ^= <u64>load<u8>(ptr + i);
    h *= 0x100000001b3;
  }
  return h == 0 ? 1 : h;
}

export class SlotTable {
  private readonly prefix: ArrayBuffer;

  /** `prefix`: the configuration's state prefix; slots are named `<prefix>d\0<slot in hex>`. */
  constructor(prefix: string, readonly slots: u32, readonly rate: Rate) {
    this.prefix = String.UTF8.encode(prefix + "d\0");
  }

  private slotKey(slot: u32): ArrayBuffer {
    const n = this.prefix.byteLength;
    const key = new ArrayBuffer(n + 8);
    const p = changetype<usize>(key);
    memory.copy(p, changetype<usize>(this.prefix), n);
    for (let i = 0; i < 8; i++) store<u8>(p + n + i, <u8>HEX.charCodeAt((slot >> (28 - 4 * i)) & 15));
    return key;
  }

  /** Counts one request of the key `value` (Occupied: no free slot for it in this window). */
  take(counter: WindowCounter, value: ArrayBuffer, nowMs: u64): Take {
    const owner = keyHash64(changetype<usize>(value), value.byteLength);
    const slots = this.slots;
    const first = <u32>(owner % <u64>slots);
    const probes = slots < SLOT_PROBES ? slots : SLOT_PROBES;
    for (let i: u32 = 0; i < probes; i++) {
      let slot = first + i;
      if (slot >= slots) slot -= slots;
      const r = counter.take(this.slotKey(slot), owner, this.rate.limit, this.rate.windowMs, nowMs);
      if (r != Take.Occupied) return r;
    }
    return Take.Occupied;
  }
}
