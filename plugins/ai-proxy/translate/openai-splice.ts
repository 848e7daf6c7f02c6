// The hot path of ai-proxy: an OpenAI request going to an OpenAI-speaking provider only needs its
// top-level `model` replaced and, for streams, `stream_options.include_usage` set. This edits the
// bytes in place (one scan over the top level, no tree, no re-serialization: every other byte is the
// client's own) instead of parsing the whole body. Anything unusual — escaped or repeated keys, a
// non-string model — answers null, and the caller takes the general path.
import { JsonWriter } from "../../common/json-writer";
import { hasBackslash, keyIs, skipWs, stringEnd, valueEnd } from "./json-path";

/** The byte span [start, end) of a value. */
class Span {
  constructor(public start: i32 = -1, public end: i32 = -1) {}
  get found(): bool {
    return this.start >= 0;
  }
}

/** Top-level facts of a JSON object needed for the edit. */
export class RequestScan {
  model: string = "";
  readonly modelSpan: Span = new Span();
  stream: bool = false;
  readonly streamOptions: Span = new Span();
  /** Position of the object's closing brace. */
  closeAt: i32 = -1;
  /** True when the object has at least one member. */
  hasMembers: bool = false;
}

/** Scans the top level of a valid JSON object; null when the fast path does not apply. */
export function scanRequest(body: ArrayBuffer): RequestScan | null {
  const p = changetype<usize>(body);
  const n = body.byteLength;
  let i = skipWs(p, 0, n);
  if (i >= n || load<u8>(p + i) != 0x7b) return null;
  const scan = new RequestScan();
  let sawModel = false, sawStream = false, sawOptions = false;
  i = skipWs(p, i + 1, n);
  if (i < n && load<u8>(p + i) == 0x7d) {
    scan.closeAt = i;
    return null; // no model at all: the general path reports it
  }
  for (;;) {
    const keyStart = i;
    const keyEnd = stringEnd(p, i, n);
    if (hasBackslash(p, keyStart, keyEnd)) return null; // an escaped key could spell "model"
    i = skipWs(p, keyEnd, n) + 1; // past ':'
    i = skipWs(p, i, n);
    const vStart = i;
    const vEnd = valueEnd(p, i, n);
    scan.hasMembers = true;
    if (keyIs(p, keyStart, keyEnd, "model")) {
      if (sawModel || load<u8>(p + vStart) != 0x22 || hasBackslash(p, vStart, vEnd)) return null;
      sawModel = true;
      scan.modelSpan.start = vStart;
      scan.modelSpan.end = vEnd;
      scan.model = String.UTF8.decodeUnsafe(p + vStart + 1, vEnd - vStart - 2);
    } else if (keyIs(p, keyStart, keyEnd, "stream")) {
      if (sawStream) return null;
      sawStream = true;
      scan.stream = vEnd - vStart == 4 && load<u32>(p + vStart) == 0x65757274; // "true"
    } else if (keyIs(p, keyStart, keyEnd, "stream_options")) {
      if (sawOptions || load<u8>(p + vStart) != 0x7b) return null;
      sawOptions = true;
      scan.streamOptions.start = vStart;
      scan.streamOptions.end = vEnd;
    }
    i = skipWs(p, vEnd, n);
    if (i >= n) return null;
    const c = load<u8>(p + i);
    if (c == 0x7d) {
      scan.closeAt = i;
      break;
    }
    if (c != 0x2c) return null;
    i = skipWs(p, i + 1, n);
  }
  return sawModel && scan.model.length ? scan : null;
}

/** `stream_options` with include_usage set, written from its original bytes. */
function optionsWithUsage(w: JsonWriter, p: usize, span: Span): void {
  // Drop a previous include_usage member by rebuilding the object's members around it.
  let i = skipWs(p, span.start + 1, span.end);
  w.ascii('{"include_usage":true');
  while (i < span.end - 1) {
    const keyStart = i;
    const keyEnd = stringEnd(p, i, span.end);
    let j = skipWs(p, keyEnd, span.end) + 1;
    j = skipWs(p, j, span.end);
    const vEnd = valueEnd(p, j, span.end);
    if (!keyIs(p, keyStart, keyEnd, "include_usage")) {
      w.byte(0x2c);
      w.raw(p + keyStart, vEnd - keyStart);
    }
    i = skipWs(p, vEnd, span.end);
    if (i < span.end && load<u8>(p + i) == 0x2c) i = skipWs(p, i + 1, span.end);
    else break;
  }
  w.byte(0x7d);
}

/** The request with `model` replaced and, for streams, usage requested; built from the original bytes. */
export function spliceRequest(body: ArrayBuffer, scan: RequestScan, model: string, requestUsage: bool): ArrayBuffer {
  const p = changetype<usize>(body);
  const w = new JsonWriter(body.byteLength + 48);
  const opts = scan.streamOptions;
  const usage = requestUsage && scan.stream;
  // Copy the bytes between edits.
  let at = 0;
  const modelFirst = !opts.found || scan.modelSpan.start < opts.start;
  for (let pass = 0; pass < 2; pass++) {
    const doModel = (pass == 0) == modelFirst;
    if (doModel) {
      w.raw(p + at, scan.modelSpan.start - at);
      w.string(model);
      at = scan.modelSpan.end;
    } else if (opts.found && usage) {
      w.raw(p + at, opts.start - at);
      optionsWithUsage(w, p, opts);
      at = opts.end;
    }
  }
  if (usage && !opts.found) {
    w.raw(p + at, scan.closeAt - at);
    w.ascii(scan.hasMembers ? ',"stream_options":{"include_usage":true}' : '"stream_options":{"include_usage":true}');
    at = scan.closeAt;
  }
  w.raw(p + at, body.byteLength - at);
  return w.toBuffer();
}
