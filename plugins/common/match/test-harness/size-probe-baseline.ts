// Size probe (bench.ts): the runtime and string/array basics every plugin already links, so the
// difference to the other probes is what the match library adds.
import "../../testing/abort-trap";
export function sizeProbeBaseline(text: string): i32 {
  const parts = new Array<string>();
  parts.push(text);
  const map = new Map<string, i32>();
  map.set(text, parts.length);
  return String.UTF8.encode(parts.join(",") + map.get(text).toString()).byteLength;
}

export function probe(pattern: string, needle: string, ptr: usize, len: i32): i32 {
  return sizeProbeBaseline(pattern + needle) + <i32>ptr + len;
}
