// request-block configuration, as Higress's request-block takes it, plus body-inspection limits.
// Each `_rules_` entry is a whole configuration of its own (nothing is inherited from the global part).
import { Fields } from "../common/config";
import { compileLiteralSet, compileRegex, Regex, REGEX_CASE_INSENSITIVE } from "../common/match/index";
import { BlockedReplies } from "./replies";

export const KNOWN_FIELDS = [
  "block_urls", "block_exact_urls", "block_regexp_urls", "block_headers", "block_bodies", "block_bodys",
  "blocked_code", "blocked_message", "case_sensitive", "max_body_bytes", "oversize_body",
];

export const NOTHING_TO_BLOCK = "nothing to block: give at least one of block_urls, block_exact_urls, block_regexp_urls, block_headers, block_bodies";

export const enum Oversize {
  Allow = 0,
  Block = 1,
}

export class BlockConfig {
  /** block_exact_urls as a literal set (full match); the other lists are searched for. */
  exact: Regex | null = null;
  regexes: Regex[] = [];
  urlNeedles: Regex | null = null;
  headerNeedles: Regex | null = null;
  bodyNeedles: Regex | null = null;
  maxBodyBytes: u32 = 1024 * 1024;
  oversize: Oversize = Oversize.Allow;

  /** `replies` answers for blocked_code with blocked_message. */
  constructor(readonly replies: BlockedReplies) {}
}

/** One list as a literal set: `search` finds a needle in the text, `fullMatch` tells the text is one. */
function needles(f: Fields, field: string, list: string[] | null, caseInsensitive: bool): Regex | null {
  if (list === null || list.length == 0) return null;
  const built = compileLiteralSet(list, caseInsensitive ? REGEX_CASE_INSENSITIVE : 0);
  if (!built.ok) f.fail(field, built.error);
  return built.regex;
}

export function parseBlock(f: Fields): BlockConfig | null {
  const caseSensitive = f.bool("case_sensitive", true);
  const code = <u32>f.integer("blocked_code", 403, 100, 599);
  const message = f.string("blocked_message", "");
  const c = new BlockConfig(new BlockedReplies(code, message !== null ? message : ""));
  c.maxBodyBytes = <u32>f.integer("max_body_bytes", 1024 * 1024, 1, 0x7fffffff);
  const oversize = f.string("oversize_body", "allow");
  if (oversize == "block") c.oversize = Oversize.Block;
  else if (oversize != "allow" && oversize !== null) f.fail("oversize_body", "must be \"allow\" or \"block\"");
  const insensitive = !caseSensitive;

  c.exact = needles(f, "block_exact_urls", f.strings("block_exact_urls"), insensitive);
  const patterns = f.strings("block_regexp_urls");
  if (patterns !== null) {
    for (let i = 0; i < patterns.length; i++) {
      // Case-insensitivity is a regex flag here; Higress lowercases the pattern, which breaks \D, \S, \W.
      const r = compileRegex(patterns[i], insensitive ? REGEX_CASE_INSENSITIVE : 0);
      if (!r.ok) {
        f.fail("block_regexp_urls[" + i.toString() + "]", "invalid regular expression: " + r.error);
        return null;
      }
      c.regexes.push(r.regex!);
    }
  }
  c.urlNeedles = needles(f, "block_urls", f.strings("block_urls"), insensitive);
  c.headerNeedles = needles(f, "block_headers", headerNeedleList(f), insensitive);
  c.bodyNeedles = needles(f, "block_bodies", bodyNeedleList(f), insensitive);
  if (f.problems.failed) return null;
  if (c.exact === null && c.regexes.length == 0 && c.urlNeedles === null && c.headerNeedles === null && c.bodyNeedles === null) {
    f.fail("block_urls", NOTHING_TO_BLOCK);
    return null;
  }
  return c;
}

/**
 * block_headers, refusing entries with a NUL: header names and values never hold one, and the
 * header block is searched with NUL between names and values, so such an entry could only match
 * across "name: value" (Higress's C++ plugin has that hole).
 */
function headerNeedleList(f: Fields): string[] | null {
  const list = f.strings("block_headers");
  if (list === null) return null;
  for (let i = 0; i < list.length; i++) {
    if (hasNul(list[i])) {
      f.fail("block_headers[" + i.toString() + "]", "must not contain a NUL character (header names and values cannot hold one)");
      return null;
    }
  }
  return list;
}

function hasNul(s: string): bool {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) == 0) return true;
  return false;
}

/** block_bodys and block_bodies together: Higress reads both spellings and blocks on either list. */
function bodyNeedleList(f: Fields): string[] | null {
  const old = f.strings("block_bodys");
  const current = f.strings("block_bodies");
  if (old === null) return current;
  if (current !== null) for (let i = 0; i < current.length; i++) old.push(current[i]);
  return old;
}
