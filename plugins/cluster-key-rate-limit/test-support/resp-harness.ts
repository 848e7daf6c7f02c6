// Test-only module: the RESP writer and the script-reply reader on their own, so tests can feed the
// reader arbitrary bytes (a reply the network mangled, or a hostile Redis) and check it never traps.
import { CountReply, writeCountCommand } from "../script";
import { RespWriter } from "../resp";
import "../../common/testing/abort-trap";

let input = new ArrayBuffer(0);
const reply = new CountReply();
const writer = new RespWriter();

/** A buffer of at least `size` bytes for the caller to fill. */
export function scratch(size: i32): usize {
  if (size > input.byteLength) input = new ArrayBuffer(size);
  return changetype<usize>(input);
}

/** Reads a script reply from the scratch buffer: the ReplyKind. */
export function readReply(len: i32): i32 {
  return reply.read(changetype<usize>(input), len);
}

export function replyCount(): i64 {
  return reply.count;
}

export function replyTtl(): i64 {
  return reply.ttlMs;
}

/** Writes the counting command for the key in the scratch buffer; returns its length. */
export function writeCommand(keyLen: i32, expiryMs: u64, withScript: bool): i32 {
  writeCountCommand(writer, input.slice(0, keyLen), expiryMs, withScript);
  return writer.length;
}

export function commandPtr(): usize {
  return writer.ptr;
}
