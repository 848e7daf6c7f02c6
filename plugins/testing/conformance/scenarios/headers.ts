// Header and trailer maps: proxy_{get,add,replace,remove}_header_map_value,
// proxy_{get,set}_header_map_pairs, proxy_get_header_map_size, including every error result.
import { BAD_PTR, MapType } from "../abi";
import * as abi from "../abi";
import { addHeader, getHeader, getPairs, headerMapSize, removeHeader, replaceHeader, setPairs } from "../calls";
import { enc, firstPairKey, len, pairCount, pairs, ptr } from "../mem";
import { Report } from "../report";

/** `headers`, in on_request_headers: reads and edits the request headers, probes every error. */
export function headerCalls(): void {
  const r = new Report("headers");
  r.text("get.path", getHeader(MapType.RequestHeaders, ":path"));
  r.text("get.upper_key", getHeader(MapType.RequestHeaders, "X-Scenario"));
  r.text("get.multi", getHeader(MapType.RequestHeaders, "x-multi"));
  r.text("get.missing", getHeader(MapType.RequestHeaders, "x-missing"));
  r.text("get.map_out_of_range", getHeader(MapType.OutOfRange, ":path"));
  r.text("get.response_map_now", getHeader(MapType.ResponseHeaders, ":status"));
  r.text("get.http_call_map_now", getHeader(MapType.HttpCallResponseHeaders, ":status"));
  r.code("get.bad_key_ptr", abi.proxy_get_header_map_value(MapType.RequestHeaders, BAD_PTR, 4, BAD_PTR, BAD_PTR));

  r.code("add", addHeader(MapType.RequestHeaders, "X-Added", "v1"));
  r.code("add.response_map_now", addHeader(MapType.ResponseHeaders, "x-nope", "1"));
  r.code("add.map_out_of_range", addHeader(MapType.OutOfRange, "x-nope", "1"));
  const key = enc("x-nope");
  r.code("add.bad_value_ptr", abi.proxy_add_header_map_value(MapType.RequestHeaders, ptr(key), len(key), BAD_PTR, 8));

  r.code("replace.multi", replaceHeader(MapType.RequestHeaders, "x-multi", "c"));
  r.code("replace.absent", replaceHeader(MapType.RequestHeaders, "x-replaced-new", "n"));
  r.code("replace.map_out_of_range", replaceHeader(MapType.OutOfRange, "x-multi", "c"));

  r.code("remove.present", removeHeader(MapType.RequestHeaders, "x-remove-me"));
  r.code("remove.absent", removeHeader(MapType.RequestHeaders, "x-absent"));
  r.code("remove.map_out_of_range", removeHeader(MapType.OutOfRange, "x-absent"));
  r.code("remove.bad_key_ptr", abi.proxy_remove_header_map_value(MapType.RequestHeaders, BAD_PTR, 4));

  const all = getPairs(MapType.RequestHeaders);
  r.code("pairs", all.result);
  r.set("pairs.count", pairCount(all.bytes).toString());
  r.set("pairs.first_key", firstPairKey(all.bytes));
  const none = getPairs(MapType.ResponseHeaders);
  r.code("pairs.response_map_now", none.result);
  r.set("pairs.response_map_now.ptr", none.num.toString());
  r.set("pairs.response_map_now.size", none.bytes.byteLength.toString());
  r.code("pairs.map_out_of_range", getPairs(MapType.OutOfRange).result);

  r.code("set_pairs.map_out_of_range", setPairs(MapType.OutOfRange, pairs([], [])));
  r.code("set_pairs.response_map_now", setPairs(MapType.ResponseHeaders, pairs([], [])));
  r.code("set_pairs.bad_ptr", abi.proxy_set_header_map_pairs(MapType.RequestHeaders, BAD_PTR, 16));

  r.number("size.response_map_now", headerMapSize(MapType.ResponseHeaders));
  r.number("size.map_out_of_range", headerMapSize(MapType.OutOfRange));
  // Last, so the upstream sees exactly the map this size describes.
  r.number("size", headerMapSize(MapType.RequestHeaders));
  r.log();
}

/** `set-pairs`, in on_request_headers: replaces the whole request header map. */
export function setPairsCall(): void {
  const r = new Report("set-pairs");
  r.code("set_pairs", setPairs(MapType.RequestHeaders, pairs(
    [":method", ":path", ":authority", ":scheme", "X-Only"],
    ["GET", "/rewritten", "rewritten.example", "http", "1"],
  )));
  r.log();
}

/** `stale-map`: a map is only writable in the callback that received it, until it returned Continue. */
export function staleMapInRequestBody(): void {
  const r = new Report("stale-map.request-body");
  r.code("add.request_headers", addHeader(MapType.RequestHeaders, "x-late", "1"));
  r.text("get.request_headers", getHeader(MapType.RequestHeaders, ":path"));
  r.number("size.request_headers", headerMapSize(MapType.RequestHeaders));
  const p = getPairs(MapType.RequestHeaders);
  r.code("pairs.request_headers", p.result);
  r.set("pairs.request_headers.count", pairCount(p.bytes).toString());
  r.log();
}

export function staleMapInResponseHeaders(): void {
  const r = new Report("stale-map.response-headers");
  r.code("add.response_headers", addHeader(MapType.ResponseHeaders, "x-resp", "1"));
  r.code("add.request_headers", addHeader(MapType.RequestHeaders, "x-late", "1"));
  r.log();
}

export function staleMapInResponseBody(): void {
  const r = new Report("stale-map.response-body");
  r.code("add.response_headers", addHeader(MapType.ResponseHeaders, "x-late", "1"));
  r.text("get.response_headers", getHeader(MapType.ResponseHeaders, ":status"));
  r.log();
}

/** `log-maps`, in on_log: the final maps are readable, nothing is writable, absent maps are NotFound. */
export function mapsInLog(): void {
  const r = new Report("log-maps");
  r.text("get.request_path", getHeader(MapType.RequestHeaders, ":path"));
  r.text("get.response_status", getHeader(MapType.ResponseHeaders, ":status"));
  r.text("get.request_trailers", getHeader(MapType.RequestTrailers, "x-t"));
  r.text("get.missing", getHeader(MapType.RequestHeaders, "x-missing"));
  r.code("add.request_headers", addHeader(MapType.RequestHeaders, "x-late", "1"));
  r.code("add.response_headers", addHeader(MapType.ResponseHeaders, "x-late", "1"));
  const p = getPairs(MapType.ResponseHeaders);
  r.code("pairs.response_headers", p.result);
  r.set("pairs.response_headers.count", pairCount(p.bytes).toString());
  r.log();
}

/** `trailers`: request trailers in on_request_trailers, response trailers in on_response_trailers. */
export function requestTrailers(): void {
  const r = new Report("trailers.request");
  r.text("get", getHeader(MapType.RequestTrailers, "x-t"));
  r.code("add", addHeader(MapType.RequestTrailers, "x-t-added", "2"));
  r.code("add.response_trailers_now", addHeader(MapType.ResponseTrailers, "x-nope", "1"));
  r.log();
}

export function responseTrailers(): void {
  const r = new Report("trailers.response");
  r.text("get", getHeader(MapType.ResponseTrailers, "x-rt"));
  r.code("replace", replaceHeader(MapType.ResponseTrailers, "x-rt", "changed"));
  r.code("add.request_trailers_now", addHeader(MapType.RequestTrailers, "x-nope", "1"));
  r.log();
}

/** `malformed-trailers`: a malformed pairs buffer is an empty map, not an error (cpp-host toPairs). */
export function malformedTrailers(): void {
  // Claims 5 pairs but holds none.
  const garbage = new ArrayBuffer(12);
  store<u32>(changetype<usize>(garbage), 5);
  const r = new Report("malformed-trailers");
  r.code("set_pairs", setPairs(MapType.RequestTrailers, garbage));
  r.log();
}

