// The JSON-free baseline for module sizes: the same exports, byte exchange, guard, key-auth model
// and UTF-8 decode/encode as the library harnesses, without any JSON library. A library's size is
// its harness minus this module.
import { inputText, setOutput } from "./host-io";
import { rejectedByGuard, REJECTED } from "./guarded-input";
import { KeyAuthConfig, describeKeyAuth } from "./keyauth-model";

export { input, output_ptr, output_len } from "./host-io";
export { set_guard, guard_only } from "./guarded-input";

/** Decodes and re-encodes the input: the string traffic every workload has around its JSON work. */
function echo(iterations: i32): i32 {
  let body = new ArrayBuffer(0);
  for (let i = 0; i < iterations; i++) {
    if (rejectedByGuard()) return REJECTED;
    body = String.UTF8.encode(inputText());
  }
  setOutput(String.UTF8.decode(body));
  return body.byteLength;
}

export function parse_only(iterations: i32): i32 {
  return echo(iterations);
}
export function walk(iterations: i32): i32 {
  return echo(iterations);
}
export function roundtrip(iterations: i32): i32 {
  return echo(iterations);
}
export function chat_read(iterations: i32): i32 {
  return echo(iterations);
}
export function chat_rewrite(iterations: i32): i32 {
  return echo(iterations);
}
export function chat_to_anthropic(iterations: i32): i32 {
  return echo(iterations);
}
export function sse_usage(iterations: i32): i32 {
  return echo(iterations);
}
export function config_read(iterations: i32): i32 {
  const described = describeKeyAuth(new KeyAuthConfig());
  return echo(iterations) + described.length;
}
