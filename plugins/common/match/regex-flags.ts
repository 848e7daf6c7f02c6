// Compile options for compileRegex(); the same switches can be set inside a pattern with (?imsU).

/** (?i): ASCII letters match both cases. Non-ASCII letters are not folded (RE2 folds them). */
export const REGEX_CASE_INSENSITIVE: u32 = 1;
/** (?m): ^ and $ also match at line starts and ends (\n). */
export const REGEX_MULTILINE: u32 = 2;
/** (?s): . also matches \n. */
export const REGEX_DOT_MATCHES_NEWLINE: u32 = 4;
/** (?U): quantifiers are lazy by default and lazy forms (`*?`) are greedy. */
export const REGEX_UNGREEDY: u32 = 8;

export const REGEX_ALL_FLAGS: u32 = 15;

/** Longest pattern accepted, in UTF-16 code units. */
export const MAX_PATTERN_LENGTH: i32 = 65536;
/** Largest compiled program, in instructions (a `.` costs ~35, a literal byte 1). */
export const MAX_PROGRAM_SIZE: i32 = 10000;
/** Largest count in {n}, {n,}, {n,m} (as RE2). */
export const MAX_REPEAT_COUNT: i32 = 1000;
/** Deepest group nesting accepted; bounds the recursion of the parser and compiler. */
export const MAX_NESTING_DEPTH: i32 = 200;
