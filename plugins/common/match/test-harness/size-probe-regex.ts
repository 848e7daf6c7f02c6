// Size probe (bench.ts): what request-block links -- regex full match / search and literal sets.
import "../../testing/abort-trap";
import { compileRegex, compileLiteralSet, REGEX_CASE_INSENSITIVE } from "../index";
import { sizeProbeBaseline } from "./size-probe-baseline";

export function probe(pattern: string, needle: string, ptr: usize, len: i32): i32 {
  sizeProbeBaseline(pattern);
  const compiled = compileRegex(pattern, REGEX_CASE_INSENSITIVE);
  const regex = compiled.regex;
  if (regex === null) return compiled.error.length;
  const substrings = compileLiteralSet([needle], REGEX_CASE_INSENSITIVE).regex;
  const hits = regex.fullMatchRaw(ptr, len) ? 1 : 0;
  return hits + (regex.searchRaw(ptr, len) ? 2 : 0) + (substrings !== null && substrings.searchRaw(ptr, len) ? 4 : 0);
}
