// The one Redis script every request runs: count the request in its window's key and make sure the
// key expires. INCR, PTTL and PEXPIRE run atomically inside the script, so concurrent gateways can
// neither lose a count nor leave a key without an expiry. The window is chosen by the gateway (the
// key names the window index, computed from the gateway's clock); the expiry only cleans up.
//
//   KEYS[1] = the counter key, ARGV[1] = expiry in ms   ->   {count after this request, TTL in ms}
//
// Requests send EVALSHA with the script's SHA-1 (40 bytes instead of the script); a Redis that has not
// seen the script (new, restarted, SCRIPT FLUSH) answers NOSCRIPT, and the request is sent once more as
// EVAL, which also loads the script for the next ones.
import { RespReader, RespType, RespWriter } from "./resp";

export const SCRIPT =
  "local n = redis.call('INCR', KEYS[1])\n" +
  "local t = redis.call('PTTL', KEYS[1])\n" +
  "if t < 0 then\n" +
  "  redis.call('PEXPIRE', KEYS[1], ARGV[1])\n" +
  "  t = tonumber(ARGV[1])\n" +
  "end\n" +
  "return {n, t}\n";

/** SHA-1 of SCRIPT (hex); a test checks it against the script text. */
export const SCRIPT_SHA1 = "d402c3b182b804d45e9693df5e74407af0672486";

const EVALSHA = String.UTF8.encode("EVALSHA");
const EVAL = String.UTF8.encode("EVAL");
const SHA1 = String.UTF8.encode(SCRIPT_SHA1);
const SCRIPT_BYTES = String.UTF8.encode(SCRIPT);
const ONE_KEY = String.UTF8.encode("1");

/** Writes `EVALSHA <sha> 1 <key> <expiryMs>` (or `EVAL <script> ...` when `withScript`). */
export function writeCountCommand(w: RespWriter, key: ArrayBuffer, expiryMs: u64, withScript: bool): void {
  w.reset();
  w.array(5);
  w.bulk(withScript ? EVAL : EVALSHA);
  w.bulk(withScript ? SCRIPT_BYTES : SHA1);
  w.bulk(ONE_KEY);
  w.bulk(key);
  w.bulkInteger(expiryMs);
}

export const enum ReplyKind {
  /** `count` and `ttlMs` hold the script's answer. */
  Counted = 0,
  /** Redis does not know the script (yet): send it with EVAL. */
  NoScript = 1,
  /** Redis answered an error. */
  Error = 2,
  /** Not the reply the script gives. */
  Malformed = 3,
}

export class CountReply {
  kind: ReplyKind = ReplyKind.Malformed;
  count: i64 = 0;
  ttlMs: i64 = 0;

  /** Reads the raw RESP reply in [ptr, ptr + len). */
  read(ptr: usize, len: i32): ReplyKind {
    const r = new RespReader(ptr, len);
    const t = r.next();
    if (t == RespType.Error) return (this.kind = r.textStartsWith("NOSCRIPT") ? ReplyKind.NoScript : ReplyKind.Error);
    if (t != RespType.Array || r.integer < 2) return (this.kind = ReplyKind.Malformed);
    r.next();
    if (!r.asInteger() || r.integer < 1) return (this.kind = ReplyKind.Malformed);
    this.count = r.integer;
    r.next();
    if (!r.asInteger()) return (this.kind = ReplyKind.Malformed);
    this.ttlMs = r.integer;
    return (this.kind = ReplyKind.Counted);
  }
}
