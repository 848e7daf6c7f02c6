// Linear-time pattern matching for plugins: RE2-style regular expressions (lazy DFA for match /
// no match, Pike VM for captures and replacement) and literal sets (many substrings, one DFA pass).
// See README.md for the syntax, semantics and limits.
export {
  compileRegex,
  compileLiteralSet,
  Regex,
  RegexCompileResult,
  DEFAULT_DFA_CACHE_BYTES,
  MAX_LITERAL_SET_SIZE,
  LITERAL_SET_DFA_CACHE_BYTES,
} from "./regex";
export {
  REGEX_CASE_INSENSITIVE,
  REGEX_MULTILINE,
  REGEX_DOT_MATCHES_NEWLINE,
  REGEX_UNGREEDY,
  MAX_PATTERN_LENGTH,
  MAX_PROGRAM_SIZE,
  MAX_REPEAT_COUNT,
  MAX_NESTING_DEPTH,
} from "./regex-flags";
