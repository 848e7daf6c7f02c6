// Request rates as Higress's rate-limit plugins write them: an object holding exactly one of
// `query_per_second`, `query_per_minute`, `query_per_hour` or `query_per_day` (a positive integer).
// A rate is counted in fixed windows aligned to the epoch (UTC), so every VM and every gateway that
// reads the same clock agrees on where a window starts without talking to the others.
import { alternatives, Fields, JSON } from "./config";

export const RATE_FIELDS: string[] = ["query_per_second", "query_per_minute", "query_per_hour", "query_per_day"];
const WINDOW_MS: u64[] = [1000, 60 * 1000, 60 * 60 * 1000, 24 * 60 * 60 * 1000];
const RATE_PREFIX = "query_per_";

export class Rate {
  /** The window length in whole seconds (what Higress's keys and headers use). */
  readonly windowSeconds: u64;
  constructor(readonly limit: u32, readonly windowMs: u64) {
    this.windowSeconds = windowMs / 1000;
  }
}

/** Start of the window holding `nowMs`. */
@inline export function windowStart(nowMs: u64, windowMs: u64): u64 {
  return nowMs - nowMs % windowMs;
}

/** Whole seconds from `nowMs` to `endMs`, rounded up and at least 1 (for Retry-After). */
export function secondsUntil(nowMs: u64, endMs: u64): u64 {
  if (endMs <= nowMs) return 1;
  const s = (endMs - nowMs + 999) / 1000;
  return s == 0 ? 1 : s;
}

/** True when `key` looks like a rate field (`query_per_*`), known or not. */
export function isRateField(key: string): bool {
  return key.startsWith(RATE_PREFIX);
}

/**
 * Reads the rate of `f` (a `limit_keys` item or a `global_threshold` object). Exactly one known rate
 * field must be present; a `query_per_<unknown>` field, a second rate field, or a value that is not a
 * positive integer is a configuration error naming the field.
 */
export function parseRate(f: Fields): Rate | null {
  const keys = f.keys();
  let found = -1;
  let foundName = "";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (!isRateField(k)) continue;
    const index = RATE_FIELDS.indexOf(k);
    if (index < 0) {
      f.fail(k, "unknown rate unit; use " + alternatives(RATE_FIELDS));
      return null;
    }
    if (found >= 0) {
      f.fail(k, "give only one rate (" + foundName + " is already set)");
      return null;
    }
    found = index;
    foundName = k;
  }
  if (found < 0) {
    f.problems.fail(f.path, "needs a rate: one of " + alternatives(RATE_FIELDS));
    return null;
  }
  const n = f.integer(foundName, 0, I64.MIN_VALUE, I64.MAX_VALUE);
  if (f.problems.failed) return null;
  if (n <= 0) {
    f.fail(foundName, "must be a positive integer, not " + n.toString());
    return null;
  }
  if (n > <i64>U32.MAX_VALUE) {
    f.fail(foundName, "must be at most " + U32.MAX_VALUE.toString());
    return null;
  }
  return new Rate(<u32>n, WINDOW_MS[found]);
}

/**
 * The `key` of a `limit_keys` / `rule_items` entry as text. Higress configs often write numeric keys
 * unquoted (`key: 102234`), so an integer is taken as its decimal text.
 */
export function limitKeyText(item: Fields): string | null {
  const v = item.obj.get("key");
  if (v === null || v.isNull) {
    item.fail("key", "is required");
    return null;
  }
  if (v.isInteger) return (<JSON.Integer>v).valueOf().toString();
  const s = item.string("key");
  if (s === null) return null;
  if (s.length == 0) {
    item.fail("key", "must not be empty");
    return null;
  }
  return s;
}
