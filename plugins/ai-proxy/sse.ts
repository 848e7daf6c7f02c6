// Server-sent events, parsed incrementally: chunks may split an event anywhere (even inside a line
// ending) or carry several events. Only the bytes of the event not yet complete are kept between
// chunks. Field names follow the SSE spec: `event`, `data` (several data lines join with "\n"),
// comment lines starting with ':' are skipped.
import { isJson } from "../common/json-valid";
import { JsonWriter, unitCount } from "../common/json-writer";

export class SseEvent {
  /** The `event:` field ("" when absent: a "message" event). */
  event: string = "";
  /**
   * The data lines joined with "\n", as UTF-8: `dataLength` bytes at `dataPtr`. Usually they lie in
   * the chunk the event was read from (one data line); several lines are joined into a copy.
   */
  dataPtr: usize = changetype<usize>(EMPTY);
  dataLength: i32 = 0;
  /** The event's bytes as received: `rawLength` bytes at `rawPtr`. */
  rawPtr: usize = changetype<usize>(EMPTY);
  rawLength: i32 = 0;
  /** What keeps the bytes above alive: the buffer read from, and the joined data when there is one. */
  private source: ArrayBuffer = EMPTY;
  private joined: ArrayBuffer | null = null;

  /** The data as a buffer of its own (a copy unless it already is one). */
  get data(): ArrayBuffer {
    const joined = this.joined;
    if (joined !== null && changetype<usize>(joined) == this.dataPtr && joined.byteLength == this.dataLength) return joined;
    const copy = new ArrayBuffer(this.dataLength);
    memory.copy(changetype<usize>(copy), this.dataPtr, this.dataLength);
    return copy;
  }

  set data(bytes: ArrayBuffer) {
    this.joined = bytes;
    this.dataPtr = changetype<usize>(bytes);
    this.dataLength = bytes.byteLength;
  }

  /** The event's bytes as received, in a buffer of their own (for passing events through unchanged). */
  get raw(): ArrayBuffer {
    const copy = new ArrayBuffer(this.rawLength);
    memory.copy(changetype<usize>(copy), this.rawPtr, this.rawLength);
    return copy;
  }

  /** Starts the event over as the `len` bytes at `ptr`, which `source` holds. */
  readFrom(source: ArrayBuffer, ptr: usize, len: i32): void {
    this.event = "";
    this.source = source;
    this.joined = null;
    this.rawPtr = ptr;
    this.rawLength = len;
    this.dataPtr = changetype<usize>(EMPTY);
    this.dataLength = 0;
  }

  /** Adds a data line (the bytes [ptr, ptr + len) of the source). */
  addData(ptr: usize, len: i32, first: bool): void {
    if (first) {
      this.dataPtr = ptr;
      this.dataLength = len;
      return;
    }
    const joined = new ArrayBuffer(this.dataLength + 1 + len);
    const j = changetype<usize>(joined);
    memory.copy(j, this.dataPtr, this.dataLength);
    store<u8>(j + this.dataLength, 0x0a);
    memory.copy(j + this.dataLength + 1, ptr, len);
    this.data = joined;
  }

  dataEquals(s: string): bool {
    // ASCII markers ("[DONE]") compared without encoding the string.
    const n = this.dataLength;
    const units = changetype<usize>(s);
    if (n != unitCount(units)) return false;
    const p = this.dataPtr;
    for (let i = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>load<u16>(units + (<usize>i << 1))) return false;
    return true;
  }
}

/** What a pass-through scan of a chunk found (see SseParser.scan). */
export class ScanResult {
  /** A `data: [DONE]` event was among the complete events. */
  done: bool = false;
  /** The data of the events that mention `"usage"` (usually none; one at the end of a stream). */
  usageData: ArrayBuffer[] = [];
  /** An event reported an error: OpenAI's `data: {"error":…}`, valid JSON. */
  error: bool = false;

  reset(): void {
    this.done = false;
    this.error = false;
    if (this.usageData.length) this.usageData = [];
  }
}

const DONE_BYTES = String.UTF8.encode("[DONE]");
const USAGE_BYTES = String.UTF8.encode('"usage"');
const ERROR_OPENING = String.UTF8.encode('{"error"');

/**
 * Whether an event's bytes start with a `data:` line opening an object whose first member is "error":
 * the shape of OpenAI's in-stream errors, told from the first bytes so ordinary events cost nothing more.
 */
function opensWithError(ptr: usize, len: i32): bool {
  if (len < 5 || load<u32>(ptr) != 0x61746164 || load<u8>(ptr + 4) != 0x3a) return false; // "data:"
  const at = len > 5 && load<u8>(ptr + 5) == 0x20 ? 6 : 5;
  const n = ERROR_OPENING.byteLength;
  return at + n <= len && memory.compare(ptr + at, changetype<usize>(ERROR_OPENING), n) == 0;
}

function contains(ptr: usize, len: i32, needle: ArrayBuffer): bool {
  const n = needle.byteLength;
  const q = changetype<usize>(needle);
  const first = load<u8>(q);
  for (let i = 0; i + n <= len; i++) {
    if (load<u8>(ptr + i) == first && memory.compare(ptr + i, q, n) == 0) return true;
  }
  return false;
}

export class SseParser {
  private pending: ArrayBuffer = new ArrayBuffer(0);
  /** Event boundaries found by the last split: start, end (past the blank line) pairs. */
  private bounds: StaticArray<i32> = new StaticArray<i32>(64);
  private boundCount: i32 = 0;
  /** The buffer the last push split (the chunk, or the held-back bytes joined with it). */
  private buf: ArrayBuffer = EMPTY;
  private readonly current: SseEvent = new SseEvent();

  /** Bytes held back because their event is not complete yet. */
  get pendingBytes(): i32 {
    return this.pending.byteLength;
  }

  /** Joins the held-back bytes with the chunk and records where its complete events are. */
  private split(chunk: ArrayBuffer): ArrayBuffer {
    let buf = chunk;
    if (this.pending.byteLength) {
      buf = new ArrayBuffer(this.pending.byteLength + chunk.byteLength);
      memory.copy(changetype<usize>(buf), changetype<usize>(this.pending), this.pending.byteLength);
      memory.copy(changetype<usize>(buf) + this.pending.byteLength, changetype<usize>(chunk), chunk.byteLength);
    }
    this.boundCount = 0;
    const p = changetype<usize>(buf);
    const n = buf.byteLength;
    let eventStart = 0;
    let lineStart = 0;
    let i = 0;
    while (i < n) {
      i = lineBreak(p, i, n);
      if (i == n) break;
      const c = load<u8>(p + i);
      // A CR at the very end might be the first half of CRLF: wait for the next byte.
      if (c == 0x0d && i + 1 >= n) break;
      const lineEnd = i;
      i += c == 0x0d && load<u8>(p + i + 1) == 0x0a ? 2 : 1;
      if (lineEnd == lineStart) {
        // Blank line: the event ends here.
        if (lineStart > eventStart) this.addBound(eventStart, i);
        eventStart = i;
      }
      lineStart = i;
    }
    this.pending = eventStart == n ? EMPTY : eventStart == 0 && buf === chunk ? chunk : buf.slice(eventStart, n);
    return buf;
  }

  private addBound(start: i32, end: i32): void {
    if ((this.boundCount + 1) * 2 > this.bounds.length) {
      const grown = new StaticArray<i32>(this.bounds.length * 2);
      memory.copy(changetype<usize>(grown), changetype<usize>(this.bounds), this.boundCount * 8);
      this.bounds = grown;
    }
    unchecked((this.bounds[this.boundCount * 2] = start));
    unchecked((this.bounds[this.boundCount * 2 + 1] = end));
    this.boundCount++;
  }

  /**
   * Feeds a chunk; returns how many events it completed. Read them, in order, with eventAt() before
   * the next push.
   */
  push(chunk: ArrayBuffer): i32 {
    this.buf = this.split(chunk);
    return this.boundCount;
  }

  /**
   * Event `k` of the last push, read into one object the parser reuses: valid until the next eventAt
   * or push, so keep what you need of it, never the event.
   */
  eventAt(k: i32): SseEvent {
    const start = unchecked(this.bounds[k * 2]);
    const end = unchecked(this.bounds[k * 2 + 1]);
    const buf = this.buf;
    const ev = this.current;
    ev.readFrom(buf, changetype<usize>(buf) + start, end - start);
    parseEvent(ev);
    return ev;
  }

  /**
   * Pass-through mode: the events are not needed, only whether the stream ended (`[DONE]`) and the
   * usage it reported. Events are materialised only when their bytes mention either.
   */
  scan(chunk: ArrayBuffer, out: ScanResult): void {
    out.reset();
    const buf = this.split(chunk);
    const p = changetype<usize>(buf);
    for (let k = 0; k < this.boundCount; k++) {
      const start = unchecked(this.bounds[k * 2]);
      const len = unchecked(this.bounds[k * 2 + 1]) - start;
      const usage = contains(p + start, len, USAGE_BYTES);
      const failure = !usage && opensWithError(p + start, len);
      if (!usage && !failure && !contains(p + start, len, DONE_BYTES)) continue;
      const ev = this.current;
      ev.readFrom(buf, p + start, len);
      parseEvent(ev);
      if (ev.dataEquals(DONE)) out.done = true;
      else if (usage) out.usageData.push(ev.data);
      else if (isJson(ev.dataPtr, ev.dataLength)) out.error = true;
    }
  }
}

const EMPTY = new ArrayBuffer(0);
const DONE = "[DONE]";

/** The event names streams repeat on every event: one shared string each instead of a new one per event. */
const KNOWN_NAMES: string[] = [
  "content_block_delta", "content_block_start", "content_block_stop", "message_start", "message_delta", "message_stop", "ping", "error",
];

function eventName(ptr: usize, len: i32): string {
  const count = KNOWN_NAMES.length;
  for (let k = 0; k < count; k++) {
    const name = unchecked(KNOWN_NAMES[k]);
    const units = changetype<usize>(name);
    if (unitCount(units) != len) continue;
    let i = 0;
    while (i < len && <u32>load<u8>(ptr + i) == <u32>load<u16>(units + (<usize>i << 1))) i++;
    if (i == len) return name;
  }
  return String.UTF8.decodeUnsafe(ptr, len);
}

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/** Whether one of the 8 bytes of `x` is zero (the classic bit trick: exact, no false positives). */
// @ts-ignore: decorator
@inline function hasZeroByte(x: u64): bool {
  return ((x - ONES) & ~x & HIGHS) != 0;
}

/** The offset of the first CR or LF at or after `i` (`n` when none): 8 bytes at a time over long lines. */
function lineBreak(p: usize, i: i32, n: i32): i32 {
  while (i + 8 <= n) {
    const x = load<u64>(p + i);
    if (hasZeroByte(x ^ (ONES * 0x0a)) || hasZeroByte(x ^ (ONES * 0x0d))) break;
    i += 8;
  }
  while (i < n) {
    const c = load<u8>(p + i);
    if (c == 0x0a || c == 0x0d) return i;
    i++;
  }
  return n;
}

/** Reads the fields of the event whose bytes `ev` was just given (lines ended by CR, LF or CRLF). */
function parseEvent(ev: SseEvent): void {
  const ptr = ev.rawPtr;
  const len = ev.rawLength;
  let dataLines = 0;
  let start = 0;
  while (start < len) {
    const end = lineBreak(ptr, start, len);
    const next = end < len && load<u8>(ptr + end) == 0x0d && end + 1 < len && load<u8>(ptr + end + 1) == 0x0a ? end + 2 : end + 1;
    if (end > start && load<u8>(ptr + start) != 0x3a) {
      let colon = start;
      while (colon < end && load<u8>(ptr + colon) != 0x3a) colon++;
      let valueStart = colon < end ? colon + 1 : end;
      if (valueStart < end && load<u8>(ptr + valueStart) == 0x20) valueStart++;
      const nameLen = colon - start;
      if (nameLen == 4 && load<u32>(ptr + start) == 0x61746164) {
        // "data"
        ev.addData(ptr + valueStart, end - valueStart, dataLines++ == 0);
      } else if (nameLen == 5 && load<u32>(ptr + start) == 0x6e657665 && load<u8>(ptr + start + 4) == 0x74) {
        // "event"
        ev.event = eventName(ptr + valueStart, end - valueStart);
      }
    }
    start = next;
  }
}

/**
 * Builds SSE output in one growing buffer. An event is either given whole (event()) or written in
 * place: open() writes its head and hands back the writer for its data, close() ends it.
 */
export class SseWriter {
  private readonly out: JsonWriter = new JsonWriter(512);

  raw(b: ArrayBuffer): void {
    this.out.rawBuffer(b);
  }

  /** An event as it was received. */
  copy(ev: SseEvent): void {
    this.out.raw(ev.rawPtr, ev.rawLength);
  }

  /** One event: optional `event:` line and one `data:` line (data must not contain newlines). */
  event(name: string, data: ArrayBuffer): void {
    this.open(name).rawBuffer(data);
    this.close();
  }

  /**
   * Starts an event (`event: name`, when named, then `data: `); write its one-line data, then close().
   * `name` must be ASCII: it is written unit by unit, as the translators' event names (constants) are.
   */
  open(name: string): JsonWriter {
    const w = this.out;
    if (unitCount(changetype<usize>(name))) {
      w.ascii("event: ");
      w.ascii(name).byte(0x0a);
    }
    return w.ascii("data: ");
  }

  close(): void {
    this.out.byte(0x0a).byte(0x0a);
  }

  /** The bytes written so far: `length` of them from `dataStart` (which moves when the buffer grows). */
  get dataStart(): usize {
    return this.out.dataStart;
  }

  get length(): i32 {
    return this.out.length;
  }

  toBuffer(): ArrayBuffer {
    return this.out.toBuffer();
  }

  clear(): void {
    this.out.reset();
  }
}
