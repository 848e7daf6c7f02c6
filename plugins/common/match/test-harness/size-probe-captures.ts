// Size probe (bench.ts): everything, including captures and replacement (ai-proxy modelMapping).
import "../../testing/abort-trap";
import { compileRegex, compileLiteralSet, REGEX_CASE_INSENSITIVE } from "../index";
import { sizeProbeBaseline } from "./size-probe-baseline";

export function probe(pattern: string, needle: string, ptr: usize, len: i32): string {
  sizeProbeBaseline(pattern);
  const regex = compileRegex(pattern).regex;
  if (regex === null) return "";
  const substrings = compileLiteralSet([needle], REGEX_CASE_INSENSITIVE).regex;
  let hits = regex.fullMatchRaw(ptr, len) ? 1 : 0;
  if (regex.capturesRaw(ptr, len)) hits += regex.groupStart(1);
  if (substrings !== null && substrings.searchRaw(ptr, len)) hits += 4;
  return regex.replaceAll(pattern, needle) + hits.toString();
}
