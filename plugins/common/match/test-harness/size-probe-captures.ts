// Size probe (bench.ts): everything, including captures and replacement (ai-proxy modelMapping).
import "./abort-trap";
import { compileRegex, buildAhoCorasick } from "../index";
import { sizeProbeBaseline } from "./size-probe-baseline";

export function probe(pattern: string, needle: string, ptr: usize, len: i32): string {
  sizeProbeBaseline(pattern);
  const regex = compileRegex(pattern).regex;
  if (regex === null) return "";
  const ac = buildAhoCorasick([needle], true).matcher;
  let hits = regex.fullMatchRaw(ptr, len) ? 1 : 0;
  if (regex.capturesRaw(ptr, len)) hits += regex.groupStart(1);
  if (ac !== null) hits += ac.findFirstRaw(ptr, len);
  return regex.replaceAll(pattern, needle) + hits.toString();
}
