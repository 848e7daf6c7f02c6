// Size probe (bench.ts): what request-block links -- regex full match / search and Aho-Corasick.
import "./abort-trap";
import { compileRegex, buildAhoCorasick, REGEX_CASE_INSENSITIVE } from "../index";
import { sizeProbeBaseline } from "./size-probe-baseline";

export function probe(pattern: string, needle: string, ptr: usize, len: i32): i32 {
  sizeProbeBaseline(pattern);
  const compiled = compileRegex(pattern, REGEX_CASE_INSENSITIVE);
  const regex = compiled.regex;
  if (regex === null) return compiled.error.length;
  const ac = buildAhoCorasick([needle], true).matcher;
  const hits = regex.fullMatchRaw(ptr, len) ? 1 : 0;
  return hits + (regex.searchRaw(ptr, len) ? 2 : 0) + (ac !== null ? ac.findFirstRaw(ptr, len) : 0);
}
