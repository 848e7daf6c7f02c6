// A reference server-sent-events parser in plain TypeScript, written from the SSE specification
// (HTML Living Standard, "Parsing an event stream") to judge plugins/ai-proxy/sse.ts by. It works on the
// whole byte stream at once, so it cannot get chunk boundaries wrong; the plugin's incremental parser
// must produce the same events however the bytes are cut.
//
// Like the plugin's parser it yields every block of lines a blank line ends (also blocks holding only
// comments, which the plugin passes through unchanged) and keeps each block's raw bytes; a block never
// ended by a blank line stays pending. Lines end with CR, LF or CRLF; `data` lines join with "\n";
// `event` takes the last value; one space after the colon is dropped; lines starting with ':' are
// comments; other field names are ignored.

export interface RefEvent {
  event: string;
  data: Buffer;
  raw: Buffer;
}

export interface RefParse {
  events: RefEvent[];
  /** Bytes after the last complete block. */
  pending: Buffer;
}

const CR = 0x0d;
const LF = 0x0a;

/** The lines of `bytes` with their end positions; a final CR is not a line end (CRLF may follow). */
function lines(bytes: Buffer): { start: number; end: number; next: number }[] {
  const out: { start: number; end: number; next: number }[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c !== CR && c !== LF) continue;
    if (c === CR && i + 1 >= bytes.length) break;
    const next = c === CR && bytes[i + 1] === LF ? i + 2 : i + 1;
    out.push({ start, end: i, next });
    start = next;
    i = next - 1;
  }
  return out;
}

export function parseSseReference(bytes: Buffer): RefParse {
  const events: RefEvent[] = [];
  let blockStart = 0;
  let event = "";
  let data: Buffer[] | null = null;
  let fields = 0;
  for (const line of lines(bytes)) {
    if (line.end === line.start) {
      if (fields > 0) events.push({ event, data: data ? joinLines(data) : Buffer.alloc(0), raw: bytes.subarray(blockStart, line.next) });
      blockStart = line.next;
      event = "";
      data = null;
      fields = 0;
      continue;
    }
    fields++;
    const text = bytes.subarray(line.start, line.end);
    if (text[0] === 0x3a) continue; // comment
    const colon = text.indexOf(0x3a);
    const name = (colon < 0 ? text : text.subarray(0, colon)).toString("latin1");
    let value = colon < 0 ? Buffer.alloc(0) : text.subarray(colon + 1);
    if (value[0] === 0x20) value = value.subarray(1);
    if (name === "data") (data ??= []).push(value);
    else if (name === "event") event = value.toString("utf8");
  }
  return { events, pending: bytes.subarray(blockStart) };
}

function joinLines(parts: Buffer[]): Buffer {
  const out: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i) out.push(Buffer.from([LF]));
    out.push(p);
  });
  return Buffer.concat(out);
}
