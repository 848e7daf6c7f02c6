// Server-sent events, parsed incrementally: chunks may split an event anywhere (even inside a line
// ending) or carry several events. Only the bytes of the event not yet complete are kept between
// chunks. Field names follow the SSE spec: `event`, `data` (several data lines join with "\n"),
// comment lines starting with ':' are skipped.
import { JsonWriter } from "../common/json-writer";

export class SseEvent {
  /** The `event:` field ("" when absent: a "message" event). */
  event: string = "";
  /** The data lines joined with "\n", as UTF-8. */
  data: ArrayBuffer = EMPTY;
  /** Where the event's bytes lie in the buffer it was read from (copied only when asked for). */
  private source: ArrayBuffer = EMPTY;
  private start: i32 = 0;
  private end: i32 = 0;

  /** The event's bytes as received (for passing events through unchanged). */
  get raw(): ArrayBuffer {
    return this.source.slice(this.start, this.end);
  }

  /** Records the bytes [start, end) of `source` as the event's own. */
  readFrom(source: ArrayBuffer, start: i32, end: i32): void {
    this.source = source;
    this.start = start;
    this.end = end;
  }

  dataEquals(s: string): bool {
    // ASCII markers ("[DONE]") compared without encoding the string.
    const n = this.data.byteLength;
    if (n != s.length) return false;
    const p = changetype<usize>(this.data);
    for (let i = 0; i < n; i++) if (<i32>load<u8>(p + i) != s.charCodeAt(i)) return false;
    return true;
  }

  dataString(): string {
    return String.UTF8.decode(this.data);
  }
}

/** What a pass-through scan of a chunk found (see SseParser.scan). */
export class ScanResult {
  /** A `data: [DONE]` event was among the complete events. */
  done: bool = false;
  /** The data of the events that mention `"usage"` (usually none; one at the end of a stream). */
  usageData: ArrayBuffer[] = [];

  reset(): void {
    this.done = false;
    if (this.usageData.length) this.usageData = [];
  }
}

const DONE_BYTES = String.UTF8.encode("[DONE]");
const USAGE_BYTES = String.UTF8.encode('"usage"');

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
      const c = load<u8>(p + i);
      if (c != 0x0a && c != 0x0d) {
        i++;
        continue;
      }
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

  /** Feeds a chunk; returns the events it completed, in order. */
  feed(chunk: ArrayBuffer): SseEvent[] {
    const buf = this.split(chunk);
    const p = changetype<usize>(buf);
    const events = new Array<SseEvent>(this.boundCount);
    for (let k = 0; k < this.boundCount; k++) {
      const start = unchecked(this.bounds[k * 2]);
      const end = unchecked(this.bounds[k * 2 + 1]);
      const ev = parseEvent(p + start, end - start);
      ev.readFrom(buf, start, end);
      events[k] = ev;
    }
    return events;
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
      if (!usage && !contains(p + start, len, DONE_BYTES)) continue;
      const ev = parseEvent(p + start, len);
      if (ev.dataEquals(DONE)) out.done = true;
      else if (usage) out.usageData.push(ev.data);
    }
  }

  /** What is left unparsed at the end of the stream (an event without its closing blank line). */
  takeRemainder(): ArrayBuffer {
    const r = this.pending;
    this.pending = EMPTY;
    return r;
  }
}

const EMPTY = new ArrayBuffer(0);
const DONE = "[DONE]";

/** The event names streams repeat on every event: one shared string each instead of a new one per event. */
const KNOWN_NAMES: string[] = [
  "content_block_delta", "content_block_start", "content_block_stop", "message_start", "message_delta", "message_stop", "ping", "error",
];

function eventName(ptr: usize, len: i32): string {
  for (let k = 0; k < KNOWN_NAMES.length; k++) {
    const name = unchecked(KNOWN_NAMES[k]);
    if (name.length != len) continue;
    let same = true;
    for (let i = 0; i < len; i++) {
      if (<i32>load<u8>(ptr + i) != name.charCodeAt(i)) {
        same = false;
        break;
      }
    }
    if (same) return name;
  }
  return String.UTF8.decodeUnsafe(ptr, len);
}

/** Parses the lines of one event (`len` bytes, each line ended by CR, LF or CRLF). */
function parseEvent(ptr: usize, len: i32): SseEvent {
  const ev = new SseEvent();
  let data: ArrayBuffer | null = null;
  let start = 0;
  while (start < len) {
    let end = start;
    while (end < len && load<u8>(ptr + end) != 0x0a && load<u8>(ptr + end) != 0x0d) end++;
    const next = end < len && load<u8>(ptr + end) == 0x0d && end + 1 < len && load<u8>(ptr + end + 1) == 0x0a ? end + 2 : end + 1;
    if (end > start && load<u8>(ptr + start) != 0x3a) {
      let colon = start;
      while (colon < end && load<u8>(ptr + colon) != 0x3a) colon++;
      let valueStart = colon < end ? colon + 1 : end;
      if (valueStart < end && load<u8>(ptr + valueStart) == 0x20) valueStart++;
      const nameLen = colon - start;
      if (nameLen == 4 && load<u32>(ptr + start) == 0x61746164) {
        // "data"
        const valueLen = end - valueStart;
        if (data === null) {
          data = new ArrayBuffer(valueLen);
          memory.copy(changetype<usize>(data), ptr + valueStart, valueLen);
        } else {
          const joined = new ArrayBuffer(data.byteLength + 1 + valueLen);
          memory.copy(changetype<usize>(joined), changetype<usize>(data), data.byteLength);
          store<u8>(changetype<usize>(joined) + data.byteLength, 0x0a);
          memory.copy(changetype<usize>(joined) + data.byteLength + 1, ptr + valueStart, valueLen);
          data = joined;
        }
      } else if (nameLen == 5 && load<u32>(ptr + start) == 0x6e657665 && load<u8>(ptr + start + 4) == 0x74) {
        // "event"
        ev.event = eventName(ptr + valueStart, end - valueStart);
      }
    }
    start = next;
  }
  if (data !== null) ev.data = data;
  return ev;
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

  /** One event: optional `event:` line and one `data:` line (data must not contain newlines). */
  event(name: string, data: ArrayBuffer): void {
    this.open(name).rawBuffer(data);
    this.close();
  }

  /** Starts an event (`event: name`, when named, then `data: `); write its one-line data, then close(). */
  open(name: string): JsonWriter {
    const w = this.out;
    if (name.length) {
      w.ascii("event: ");
      if (isAscii(name)) w.ascii(name);
      else w.rawBuffer(String.UTF8.encode(name));
      w.byte(0x0a);
    }
    return w.ascii("data: ");
  }

  close(): void {
    this.out.byte(0x0a).byte(0x0a);
  }

  get isEmpty(): bool {
    return this.out.length == 0;
  }

  toBuffer(): ArrayBuffer {
    return this.out.toBuffer();
  }

  clear(): void {
    this.out.reset();
  }
}

function isAscii(s: string): bool {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}
