// Inputs for the correctness part: malformed documents (must be refused without a trap), valid
// edge cases (must survive parse + serialize with the same value), and key-auth configurations
// with one mistake each (the error must name the field).
import { chatRequest } from "./fixtures.ts";

export interface BadInput {
  name: string;
  bytes: Uint8Array;
}

const text = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
const nested = (open: string, close: string, depth: number, middle = "") => open.repeat(depth) + middle + close.repeat(depth);

/** Documents a plugin must refuse (or, for the last group, valid JSON of the wrong shape). */
export function malformedInputs(): BadInput[] {
  const chat = chatRequest(4096);
  const list: [string, string | Uint8Array][] = [
    ["plain text", "hello world"],
    ["empty body", ""],
    ["whitespace only", "  \n "],
    ["truncated string", '{"model":"gpt-4o","messages":[{"role":"user","content":"hi'],
    ["truncated chat request (first half)", chat.slice(0, 2048)],
    ["truncated after ':'", '{"a":'],
    ["trailing garbage", '{"a":1} x'],
    ["two documents", '{"a":1}{"b":2}'],
    ["extra closing brace", '{"a":1}}'],
    ["missing value", '{"a":}'],
    ["missing colon", '{"a" 1}'],
    ["missing comma", '{"a":[1 2]}'],
    ["trailing comma in array", '{"a":[1,2,]}'],
    ["trailing comma in object", '{"a":1,}'],
    ["single quotes", "{'a':1}"],
    ["unquoted key", "{a:1}"],
    ["bad literal", '{"a":tru}'],
    ["leading zero", '{"a":01}'],
    ["bare minus", '{"a":-}'],
    ["dot without digits", '{"a":1.}'],
    ["NaN", '{"a":NaN}'],
    ["bad escape \\x", '{"a":"\\x41"}'],
    ["short \\u escape", '{"a":"\\u12"}'],
    ["raw control char in string", '{"a":"x\u0001y"}'],
    ["raw newline in string", '{"a":"x\ny"}'],
    ["lone '}'", "}"],
    ["deep nesting 10 000 arrays (valid JSON)", '{"a":' + nested("[", "]", 10_000) + "}"],
    ["deep nesting 10 000 objects (valid JSON)", nested('{"a":', "}", 10_000, "1")],
    ["deep nesting 10 000, unclosed", '{"a":' + "[".repeat(10_000)],
    ["invalid UTF-8 in a string", new Uint8Array([...Buffer.from('{"a":"'), 0xff, 0xfe, 0xc3, ...Buffer.from('"}')])],
    ["UTF-8 BOM before the object", "\ufeff{\"a\":1}"],
    ["top-level array (wrong shape)", "[1,2]"],
    ["top-level string (wrong shape)", '"text"'],
    ["top-level number (wrong shape)", "42"],
    ["top-level null (wrong shape)", "null"],
    ["number 1e999 (valid, overflows f64)", '{"max_tokens":1e999}'],
    ["integer beyond i64 (valid)", '{"max_tokens":99999999999999999999999}'],
  ];
  return list.map(([name, value]) => ({ name, bytes: typeof value === "string" ? text(value) : value }));
}

/** Which malformed inputs are valid JSON (the guard must let them through, unless too deep). */
export const VALID_JSON_AMONG_MALFORMED = new Set([
  "top-level array (wrong shape)",
  "top-level string (wrong shape)",
  "top-level number (wrong shape)",
  "top-level null (wrong shape)",
  "number 1e999 (valid, overflows f64)",
  "integer beyond i64 (valid)",
  "invalid UTF-8 in a string",
]);

/** Valid documents whose value must survive parse -> serialize unchanged. */
export function roundTripCases(): { name: string; json: string }[] {
  return [
    { name: "simple escapes", json: String.raw`{"s":"quote \" backslash \\ slash \/ b \b f \f n \n r \r t \t"}` },
    { name: "escaped slashes (PHP's default)", json: String.raw`{"url":"https:\/\/example.com\/a"}` },
    { name: "\\u escapes (BMP)", json: String.raw`{"s":"\u00e9\u4e2d\u20ac"}` },
    { name: "escaped NUL", json: String.raw`{"s":"a\u0000b"}` },
    { name: "surrogate pair as escapes", json: String.raw`{"s":"\ud83d\ude00!"}` },
    { name: "raw 4-byte UTF-8", json: '{"s":"😀 and 中文"}' },
    { name: "lone surrogate escape", json: String.raw`{"s":"\ud800x"}` },
    {
      // json-as serializes strings 4 code units at a time; a pair split across two blocks is the hard case.
      name: "emoji at every offset 0-23",
      json: JSON.stringify(Array.from({ length: 24 }, (_, k) => "a".repeat(k) + "😀" + "b".repeat(k % 3))),
    },
    { name: "emoji next to escapes", json: JSON.stringify(["\n😀", '"😀"', "😀\t😀", "abc😀\u0001", "中文😀😀😀"]) },
    { name: "control characters", json: String.raw`{"s":"\u0001\u001f\u007f"}` },
    { name: "newline in content (chat)", json: '{"role":"user","content":"line 1\\nline 2"}' },
    { name: "escaped key", json: String.raw`{"a\"b\\c\nd":1}` },
    { name: "unicode keys", json: '{"ключ":"значение","鍵":"値"}' },
    { name: "integers", json: "[0,1,-1,1024,2147483647,-2147483648,4294967296,9007199254740991]" },
    { name: "negative zero", json: "[-0]" },
    { name: "integers beyond 2^53", json: "[9007199254740993,12345678901234567890,-9223372036854775808]" },
    { name: "fractions", json: "[0.5,-0.5,0.1,0.7,3.141592653589793,123.456]" },
    { name: "exponents", json: "[1e3,1E3,1e-7,2.5e+10,-1.25E-5,1e21,1e-300]" },
    { name: "extreme floats", json: "[1.7976931348623157e308,5e-324,2.2250738585072014e-308]" },
    { name: "empty containers", json: '{"a":{},"b":[],"c":[{}],"d":[[]],"e":""}' },
    { name: "literals", json: '[true,false,null,{"x":null}]' },
    { name: "whitespace everywhere", json: ' \t\n{ "a" : [ 1 , 2 ] ,\r\n "b" : { } }\r\n ' },
    { name: "duplicate keys", json: '{"a":1,"a":2}' },
    { name: "arrays nested 128 deep (the guard's limit)", json: "[".repeat(128) + "1" + "]".repeat(128) },
    { name: "objects nested 128 deep (the guard's limit)", json: '{"a":'.repeat(128) + "1" + "}".repeat(128) },
  ];
}

/** key-auth configurations with one mistake each, and the exact message a good reader gives. */
export function configErrorCases(): { name: string; json: string; expected: string }[] {
  return [
    {
      name: "credential is a number",
      json: '{"consumers":[{"name":"a","credential":"k1"},{"name":"b","credential":7}]}',
      expected: "error: consumers[1].credential: expected a string, got a number",
    },
    { name: "consumers is an object", json: '{"consumers":{"name":"a"}}', expected: "error: consumers: expected an array, got an object" },
    { name: "in_query is a string", json: '{"in_query":"yes"}', expected: "error: in_query: expected a boolean, got a string" },
    { name: "empty key name", json: '{"keys":["x-api-key",""]}', expected: "error: keys[1]: must not be empty" },
    { name: "credential missing", json: '{"consumers":[{"name":"a"}]}', expected: "error: consumers[0].credential: is required" },
    {
      name: "duplicate credential",
      json: '{"consumers":[{"name":"a","credential":"k"},{"name":"b","credential":"k"}]}',
      expected: "error: consumers[1].credential: duplicates another consumer's",
    },
    { name: "rule without a match", json: '{"_rules_":[{"allow":["a"]}]}', expected: "error: _rules_[0]: needs _match_route_ or _match_domain_" },
    {
      name: "_match_route_ is a string",
      json: '{"_rules_":[{"_match_route_":"r1","allow":[]}]}',
      expected: "error: _rules_[0]._match_route_: expected an array of strings, got a string",
    },
    {
      name: "unknown fields are ignored",
      json: '{"unknown":1,"consumers":[{"name":"a","credential":"k","extra":{"deep":[1,2]}}]}',
      expected: "consumers=1 chars=2 last=a keys=x-api-key in_query=true in_header=true global_auth=-1 rules=0 matches=0 allow=0",
    },
  ];
}

/** Streamed events that are valid JSON but not the expected shape: a provider bug, a proxy in
 *  between, a new API version. Reading usage must not trap on any of them. */
export function oddlyShapedEvents(): { name: string; json: string }[] {
  return [
    { name: "usage details nested (newer OpenAI)", json: '{"model":"m","usage":{"prompt_tokens":5,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":0}}}' },
    { name: "usage: null", json: '{"model":"m","usage":null}' },
    { name: "token count as a string", json: '{"model":"m","usage":{"prompt_tokens":"12","completion_tokens":3}}' },
    { name: "token count null", json: '{"model":"m","usage":{"prompt_tokens":null,"completion_tokens":3}}' },
    { name: "token count 1.5", json: '{"model":"m","usage":{"prompt_tokens":1.5,"completion_tokens":3}}' },
    { name: "usage is an array", json: '{"model":"m","usage":[]}' },
    { name: "usage is a string", json: '{"model":"m","usage":"none"}' },
    { name: "model is a number", json: '{"model":7,"usage":{"prompt_tokens":1,"completion_tokens":2}}' },
    { name: "model is null", json: '{"model":null}' },
  ];
}
