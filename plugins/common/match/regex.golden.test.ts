// Golden tests per syntax feature: [pattern, input, full match?, found anywhere?], run against the
// compiled harness .wasm. Expected values follow RE2/Go semantics (ASCII-only case folding).
import { beforeAll, describe, expect, it } from "vitest";
import { CASE_INSENSITIVE, DOT_MATCHES_NEWLINE, MULTILINE, MatchHarness, UNGREEDY } from "./test-harness/host.ts";

let h: MatchHarness;
beforeAll(async () => {
  h = await MatchHarness.load("match-golden");
});

type Row = [pattern: string, input: string | Uint8Array, full: boolean, anywhere: boolean];

function checkRows(rows: Row[], flags = 0): void {
  it.each(rows)("%j on %j: full %s, anywhere %s", (pattern, input, full, anywhere) => {
    const id = h.regex(pattern, flags);
    expect(h.fullMatch(id, input)).toBe(full);
    expect(h.search(id, input)).toBe(anywhere);
    // The string API (UTF-8 encoded into a reused buffer) agrees with the byte API.
    if (typeof input === "string") {
      h.storeString(input);
      expect(h.fullMatchStored(id)).toBe(full);
      expect(h.searchStored(id)).toBe(anywhere);
    }
  });
}

const bytes = (...b: number[]) => new Uint8Array(b);

describe("literals", () => {
  checkRows([
    ["abc", "abc", true, true],
    ["abc", "xabcx", false, true],
    ["abc", "ab", false, false],
    ["", "", true, true],
    ["", "x", false, true],
    ["é€😀", "é€😀", true, true],
    ["é", "e", false, false],
    ["a{,3}", "a{,3}", true, true],
    ["a{", "a{", true, true],
    ["a{1", "xa{1", false, true],
    ["}", "}", true, true],
    // Strings straddling the string API's 4-units-at-a-time ASCII fast path.
    ["abcdefg.h", "abcdefg😀h", true, true],
    ["a{9}é", "aaaaaaaaaé", true, true],
    ["abc", "abcd", false, true],
  ]);
});

describe("escapes", () => {
  checkRows([
    ["a\\.b", "a.b", true, true],
    ["a\\.b", "axb", false, false],
    ["\\\\", "\\", true, true],
    ["\\/api", "/api", true, true],
    ["\\t\\n\\r", "\t\n\r", true, true],
    ["\\f\\v\\a", "\f\v\x07", true, true],
    ["\\0", "\0", true, true],
    ["\\x41\\x62", "Ab", true, true],
    ["\\x{263a}", "☺", true, true],
    ["\\x{1F600}", "😀", true, true],
    ["\\u00e9", "é", true, true],
    ["\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\-", "*+?()[]{}|^$-", true, true],
    ["\\Qa.b*\\E", "a.b*", true, true],
    ["\\Qa.b*\\E", "aab", false, false],
    ["\\Q(unclosed", "(unclosed", true, true],
  ]);
});

describe("dot", () => {
  checkRows([
    [".", "a", true, true],
    [".", "", false, false],
    [".", "\n", false, false],
    [".", "é", true, true],
    [".", "😀", true, true],
    ["..", "é", false, false],
    ["a.c", "a☺c", true, true],
    ["a.*c", "a\nc", false, false],
  ]);
});

describe("character classes", () => {
  checkRows([
    ["[a-z0-9_]+", "abc_09", true, true],
    ["[a-z0-9_]+", "abC", false, true],
    ["[^a-z]", "A", true, true],
    ["[^a-z]", "a", false, false],
    ["[^a-z]", "é", true, true],
    ["[^a-z]", "\n", true, true],
    ["[]a]+", "]a", true, true],
    ["[a-]", "-", true, true],
    ["[-a]", "-", true, true],
    ["[\\]\\\\]+", "]\\", true, true],
    ["[\\d\\s]+", "1 2", true, true],
    ["[\\w-]+", "a-b_c", true, true],
    ["[\\x41-\\x43]", "B", true, true],
    ["[é-ë]", "ê", true, true],
    ["[é-ë]", "e", false, false],
    ["[😀-😂]", "😁", true, true],
    ["[^😀]", "😁", true, true],
    ["[^é]", "é", false, false],
    ["[^é]", "éé", false, false],
    ["[\\x{FFFD}]", "é😀", false, false],
    ["[[:alpha:]]+", "abcXYZ", true, true],
    ["[[:^digit:]]", "5", false, false],
    ["[[:^digit:]]", "x", true, true],
    ["[[:xdigit:]]+", "09afAF", true, true],
    ["[\\D]", "5", false, false],
    ["[^\\d]", "a", true, true],
    ["[.]", "a", false, false],
    ["[.]", ".", true, true],
    ["[^\\x00-\\x{10FFFF}]", "a", false, false],
    ["[[a]+", "[a[", true, true],
    ["[[:x]+", ":x[", true, true],
  ]);
});

describe("Perl classes (ASCII, as RE2)", () => {
  checkRows([
    ["\\d+", "0123456789", true, true],
    ["\\d", "a", false, false],
    ["\\d", "٣", false, false],
    ["\\D", "a", true, true],
    ["\\D", "5", false, false],
    ["\\w+", "az_AZ09", true, true],
    ["\\w", "-", false, false],
    ["\\w", "é", false, false],
    ["\\W", "é", true, true],
    ["\\s+", " \t\n\r\f", true, true],
    ["\\s", "\v", false, false],
    ["\\S", "x", true, true],
    ["\\S", " ", false, false],
  ]);
});

describe("anchors", () => {
  checkRows([
    ["^abc$", "abc", true, true],
    ["^abc", "xabc", false, false],
    ["abc$", "abcx", false, false],
    ["abc$", "xabc", false, true],
    ["a^b", "ab", false, false],
    ["\\Aab\\z", "ab", true, true],
    ["a$", "a\n", false, false],
    ["^", "", true, true],
    ["$", "x", false, true],
    ["(?m)^b$", "a\nb\nc", false, true],
    ["(?m)a$\\n^b", "a\nb", true, true],
    ["(?m)\\Ab", "a\nb", false, false],
  ]);
  describe("with the multiline flag", () => {
    checkRows([["^b$", "a\nb", false, true]], MULTILINE);
  });
});

describe("word boundaries (ASCII word characters)", () => {
  checkRows([
    ["\\bfoo\\b", "foo", true, true],
    ["\\bfoo\\b", "a foo b", false, true],
    ["\\bfoo\\b", "afoo", false, false],
    ["\\Bfoo", "afoo", false, true],
    ["\\Bfoo", "foo", false, false],
    ["foo\\b", "foo!", false, true],
    ["\\b", "", false, false],
    ["\\B", "", true, true],
    ["\\bé", "é", false, false],
  ]);
});

describe("groups", () => {
  checkRows([
    ["(ab)+", "abab", true, true],
    ["(?:ab)+", "abab", true, true],
    ["(?P<x>ab)c", "abc", true, true],
    ["(?<x>ab)c", "abc", true, true],
    ["()", "", true, true],
    ["(a)(b)(c)", "abc", true, true],
    ["((((a))))", "a", true, true],
  ]);
});

describe("alternation", () => {
  checkRows([
    ["a|b", "b", true, true],
    ["a|b", "c", false, false],
    ["abc|", "", true, true],
    ["|abc", "abc", true, true],
    ["(a|ab)(c|bcd)", "abcd", true, true],
    ["cat|category", "category", true, true],
    ["x(a|b|c)*y", "xabcbay", true, true],
  ]);
});

describe("quantifiers", () => {
  checkRows([
    ["a*", "", true, true],
    ["a*", "aaa", true, true],
    ["a+", "", false, false],
    ["a+", "aa", true, true],
    ["a?", "", true, true],
    ["a?", "aa", false, true],
    ["a{3}", "aaa", true, true],
    ["a{3}", "aa", false, false],
    ["a{2,}", "aaaaa", true, true],
    ["a{2,}", "a", false, false],
    ["a{2,4}", "aaaa", true, true],
    ["a{2,4}", "aaaaa", false, true],
    ["a{0}", "", true, true],
    ["a{0,0}b", "b", true, true],
    ["(ab){2}", "abab", true, true],
    ["x{1000}", "x".repeat(1000), true, true],
    ["x{1000}", "x".repeat(999), false, false],
    ["(é){2}", "éé", true, true],
    ["a*?", "aaa", true, true],
    ["a+?b", "aab", true, true],
    ["a??", "a", true, true],
    ["a{2,3}?", "aaa", true, true],
  ]);
});

describe("flags", () => {
  checkRows([
    ["(?i)abc", "ABC", true, true],
    ["(?i)ABC", "abc", true, true],
    ["(?i)[a-c]+", "AbC", true, true],
    ["(?i)[^a]", "A", false, false],
    ["a(?i)b", "aB", true, true],
    ["a(?i)b", "AB", false, false],
    ["(?i:a)b", "Ab", true, true],
    ["(?i:a)b", "AB", false, false],
    ["(?i)a(?-i)b", "Ab", true, true],
    ["(?i)a(?-i)b", "AB", false, false],
    ["(x(?i)y)z", "xYz", true, true],
    ["(x(?i)y)z", "xYZ", false, false],
    ["(?i)é", "É", false, false],
    ["(?i)\\x41", "a", true, true],
    ["(?s).", "\n", true, true],
    ["(?s:.)\\n.", "\n\n\n", false, false],
    ["(?U)a+", "aaa", true, true],
    ["(?ims)^A.$", "x\na\n", false, true],
  ]);
  describe("with the case-insensitive option", () => {
    checkRows(
      [
        ["hello", "HeLLo", true, true],
        ["[a-z]+", "ABC", true, true],
        ["(?-i)a", "A", false, false],
      ],
      CASE_INSENSITIVE,
    );
  });
  describe("with the dot-matches-newline option", () => {
    checkRows([["a.b", "a\nb", true, true]], DOT_MATCHES_NEWLINE);
  });
});

describe("invalid UTF-8 input (Go's reading: a bad byte is one U+FFFD)", () => {
  checkRows([
    [".*", bytes(0xff), true, true],
    [".*secret.*", bytes(0x2f, 0xff, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74), true, true],
    [".", bytes(0xc3), true, true],
    [".", bytes(0xe1, 0x80), true, true],
    ["..", bytes(0xc0, 0x80), true, true],
    [".", bytes(0xed, 0xa0, 0x80), false, true],
    ["...", bytes(0xed, 0xa0, 0x80), true, true],
    ["....", bytes(0xf4, 0x90, 0x80, 0x80), true, true],
    ["[^a]", bytes(0xff), true, true],
    ["[a-z]", bytes(0xff), false, false],
    ["[^é]", bytes(0xc3, 0xa9), false, false],
    ["[^é]", bytes(0xc3, 0xa8), true, true],
    ["[^é]", bytes(0xc3), true, true],
    ["\\xff", bytes(0xc3, 0xbf), true, true],
    ["\\xff", bytes(0xff), false, false],
    ["\\W", bytes(0x80), true, true],
  ]);
});

describe("rejected patterns", () => {
  const rows: Array<[string, string]> = [
    ["a(?=b)", "lookahead (?= is not supported at offset 1"],
    ["(?!a)", "lookahead (?! is not supported at offset 0"],
    ["(?<=a)b", "lookbehind (?<= is not supported at offset 0"],
    ["(?<!a)b", "lookbehind (?<! is not supported at offset 0"],
    ["(a)\\1", "backreferences are not supported at offset 3"],
    ["\\k<n>", "backreferences are not supported at offset 0"],
    ["(?P<n>a)(?P=n)", "backreferences and recursion ((?P=) are not supported at offset 8"],
    ["(?>a)", "atomic groups (?> are not supported at offset 0"],
    ["(abc", "missing closing ) at offset 0"],
    ["x(a(b)", "missing closing ) at offset 1"],
    ["abc)", "unmatched ) at offset 3"],
    ["[abc", "missing closing ] at offset 0"],
    ["[]", "missing closing ] at offset 0"],
    ["[z-a]", "invalid character class range z-a at offset 1"],
    ["[a-\\d]", "invalid character class range a-\\d at offset 1"],
    ["[[:foo:]]", "invalid character class [:foo:] at offset 1"],
    ["a**", "bad repetition operator ** at offset 1"],
    ["a*+", "bad repetition operator *+ at offset 1"],
    ["a{2}{3}", "bad repetition operator {2}{3} at offset 1"],
    ["a*??", "bad repetition operator *?? at offset 1"],
    ["*a", "missing argument to repetition operator * at offset 0"],
    ["a|+", "missing argument to repetition operator + at offset 2"],
    ["(?i)*", "missing argument to repetition operator * at offset 4"],
    ["{2}", "missing argument to repetition operator at offset 0"],
    ["a{1001}", "repeat count larger than 1000 at offset 1"],
    ["a{3,2}", "invalid repeat count {3,2} at offset 1"],
    ["\\", "trailing backslash at offset 0"],
    ["ab\\", "trailing backslash at offset 2"],
    ["\\q", "invalid escape sequence \\q at offset 0"],
    ["\\C", "invalid escape sequence \\C at offset 0"],
    ["\\Z", "invalid escape sequence \\Z at offset 0"],
    ["\\pL", "Unicode classes \\p and \\P are not supported at offset 0"],
    ["\\08", "octal escapes are not supported at offset 0"],
    ["\\xZZ", "invalid escape sequence \\xZ at offset 0"],
    ["\\x{}", "invalid escape sequence \\x{} at offset 0"],
    ["(?z)", "invalid or unsupported group syntax (?z at offset 0"],
    ["(?i-)", "invalid or unsupported group syntax (?i-) at offset 0"],
    ["(?)", "invalid or unsupported group syntax (?) at offset 0"],
    ["(?P<>a)", "invalid named capture group at offset 0"],
    ["(?P<n>a)(?P<n>b)", "duplicate capture group name n at offset 8"],
    ["(".repeat(201) + ")".repeat(201), "groups nested deeper than 200 at offset 200"],
    [".{1000}", "pattern too large: it compiles to more than 10000 instructions"],
    ["((a{100}){100}){100}", "pattern too large: it compiles to more than 10000 instructions"],
    ["(a)".repeat(500), "too many capture groups for a pattern this large; use (?:...) where no capture is needed"],
    ["a".repeat(65537), "pattern longer than 65536 characters at offset 0"],
  ];
  it.each(rows)("%j is rejected with %j", (pattern, message) => {
    expect(h.compile(pattern)).toBe(message);
  });

  it("reports the offset separately", () => {
    expect(h.errorOffset("ab(?=c)")).toBe(2);
    expect(h.errorOffset("abc")).toBe(-1);
  });

  it("rejects unknown flag bits", () => {
    expect(h.compile("a", 16)).toBe("unknown flag bits 16");
  });

  it("accepts deep nesting up to the limit", () => {
    const id = h.regex("(".repeat(200) + "a" + ")*".repeat(200));
    expect(h.fullMatch(id, "aaa")).toBe(true);
  });

  it("accepts a large but bounded program", () => {
    const id = h.regex("[a-z]{0,1000}x");
    expect(h.fullMatch(id, "q".repeat(1000) + "x")).toBe(true);
    expect(h.fullMatch(id, "q".repeat(1001) + "x")).toBe(false);
  });
});

describe("captures", () => {
  type CaptureRow = [pattern: string, input: string, whole: boolean, groups: Array<[number, number] | null> | null];
  const rows: CaptureRow[] = [
    ["(a+)(b+)?", "aab", false, [[0, 3], [0, 2], [2, 3]]],
    ["(a)|(b)", "b", false, [[0, 1], null, [0, 1]]],
    ["(a+)(a*)", "aaa", true, [[0, 3], [0, 3], [3, 3]]],
    ["(a+?)(a*)", "aaa", true, [[0, 3], [0, 1], [1, 3]]],
    ["a|ab", "ab", false, [[0, 1]]],
    ["a|ab", "ab", true, [[0, 2]]],
    ["(é+)", "xééy", false, [[1, 5], [1, 5]]],
    ["x*", "abc", false, [[0, 0]]],
    ["\\bfoo", "afoo foo", false, [[5, 8]]],
    ["(\\d+)-(\\d+)", "a 12-345 b", false, [[2, 8], [2, 4], [5, 8]]],
    ["(\\d+)-(\\d+)", "a 12-345 b", true, null],
    ["gpt-(.*)", "gpt-4o-mini", true, [[0, 11], [4, 11]]],
    ["(a|b)*c", "abac", false, [[0, 4], [2, 3]]],
    ["(?U)(a+)", "aaa", false, [[0, 1], [0, 1]]],
  ];
  it.each(rows)("%j on %j (whole: %s) captures %j", (pattern, input, whole, groups) => {
    const id = h.regex(pattern);
    expect(h.captures(id, input, whole)).toEqual(groups);
    h.storeString(input);
    expect(h.capturesStored(id, whole)).toEqual(groups);
  });

  it("names groups and decodes their text", () => {
    const id = h.regex("(?P<year>\\d{4})-(?P<month>\\d{2})|(?<other>x)");
    expect(h.captures(id, "on 2024-05-01")).toEqual([[3, 10], [3, 7], [8, 10], null]);
    expect(h.groupIndex(id, "month")).toBe(2);
    expect(h.groupIndex(id, "other")).toBe(3);
    expect(h.groupIndex(id, "nope")).toBe(-1);
    h.storeString("é 1999-12");
    h.capturesStored(id);
    expect(h.groupText(id, 1)).toBe("1999");
    expect(h.groupText(id, 3)).toBeNull();
  });

  it("reports no groups after a failed match", () => {
    const id = h.regex("(a)");
    expect(h.captures(id, "a")).not.toBeNull();
    expect(h.captures(id, "b")).toBeNull();
    expect(h.groupText(id, 1)).toBeNull();
  });
});

describe("replaceAll (Go ReplaceAllString semantics)", () => {
  const rows: Array<[string, string, string, string]> = [
    ["gpt-(\\d+)", "gpt-4", "qwen-$1", "qwen-4"],
    ["^gpt-3\\.5-(.*)$", "gpt-3.5-turbo", "qwen-${1}-x", "qwen-turbo-x"],
    ["a(x*)b", "-ab-axxb-", "${1}W", "-W-xxW-"],
    ["a(x*)b", "-ab-axxb-", "$1W", "---"],
    ["a(x*)b", "-ab-axxb-", "T", "-T-T-"],
    ["a(?P<x>x*)b", "-ab-axxb-", "$x", "--xx-"],
    ["a(?P<x>x*)b", "-ab-axxb-", "${x}!", "-!-xx!-"],
    ["a*", "baaac", "x", "xbxcx"],
    ["", "abc", "-", "-a-b-c-"],
    ["a", "cat", "$$", "c$t"],
    ["a", "a", "$", "$"],
    ["a", "a", "${1", "${1"],
    ["(b)", "abc", "$0-$1-$2", "ab-b-c"],
    ["(b)", "abc", "$01", "ac"],
    ["é", "éaé", "e", "eae"],
    ["x*", "é", "-", "-é-"],
    ["nomatch", "keep me", "zzz", "keep me"],
  ];
  it.each(rows)("%j on %j with %j gives %j", (pattern, input, template, expected) => {
    expect(h.replaceAll(h.regex(pattern), input, template)).toBe(expected);
  });
});

describe("DFA cache bounds", () => {
  it("gives the same answers when the cache is flushed constantly", () => {
    const pattern = "(a|b)*a(a|b){10}";
    const id = h.regex(pattern);
    h.limitCache(id, 1);
    const js = new RegExp(`^(?:${pattern})$`);
    const jsAnywhere = new RegExp(pattern);
    let seed = 7;
    for (let i = 0; i < 50; i++) {
      let s = "";
      for (let k = 0; k < 40; k++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        s += seed & 1024 ? "a" : "b";
      }
      expect(h.fullMatch(id, s)).toBe(js.test(s));
      expect(h.search(id, s)).toBe(jsAnywhere.test(s));
    }
    expect(h.flushes(id)).toBeGreaterThan(0);
  });
});
