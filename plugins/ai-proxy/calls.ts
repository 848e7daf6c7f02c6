// HTTP calls the plugin makes itself (retries, health checks, prompt requests). proxy_http_call answers
// arrive on the root context with nothing but the call's token, so the root keeps which handler waits
// for which token. A call is made on the root context whichever context starts it (as in Envoy); a
// handler that answers a client must select that client's stream with proxy_set_effective_context.
import {
  BufferType, getBufferBytes, getHeader, getHeaderPairs, getHeaderString, httpCall, MapType, Pairs,
} from "../common/host";

const H_STATUS = String.UTF8.encode(":status");
// Not replayed into a local reply, which sets its own type, length and framing.
const NOT_REPLAYED = ["content-length", "content-type", "transfer-encoding", "connection", "keep-alive", "content-encoding"];

/** One answer to an HTTP call. Headers and body are host data: read them only inside onResponse. */
export class CallResponse {
  constructor(
    /** The HTTP status; 0 when the call failed without an answer (reset). */
    readonly status: u32,
    readonly body: ArrayBuffer,
  ) {}

  get answered(): bool {
    return this.status != 0;
  }

  get ok(): bool {
    return this.status >= 200 && this.status < 300;
  }

  header(name: ArrayBuffer): ArrayBuffer | null {
    return this.answered ? getHeader(MapType.HttpCallResponseHeaders, name) : null;
  }

  /** The headers worth passing on in a local reply (name, value, ...): no pseudo, type or framing headers. */
  replayableHeaders(): string[] {
    const out = new Array<string>();
    if (!this.answered) return out;
    const it = new Pairs(getHeaderPairs(MapType.HttpCallResponseHeaders));
    while (it.next()) {
      const name = it.key();
      if (name.startsWith(":") || NOT_REPLAYED.includes(name)) continue;
      out.push(name);
      out.push(it.value());
    }
    return out;
  }
}

export abstract class CallHandler {
  abstract onResponse(res: CallResponse): void;
}

export class PendingCalls {
  private waiting: Map<u32, CallHandler> = new Map();

  /** Starts a call; false when the host refused it (unknown cluster, missing pseudo-headers). */
  send(cluster: string, headers: string[], body: ArrayBuffer, timeoutMs: u32, handler: CallHandler): bool {
    const token = httpCall(cluster, headers, body, timeoutMs);
    if (token == 0) return false;
    this.waiting.set(token, handler);
    return true;
  }

  get size(): i32 {
    return this.waiting.size;
  }

  /** proxy_on_http_call_response: hands the answer to whoever sent the call. */
  deliver(token: u32, headerCount: u32, bodySize: u32): void {
    if (!this.waiting.has(token)) return;
    const handler = this.waiting.get(token);
    this.waiting.delete(token);
    let status: u32 = 0;
    if (headerCount > 0) {
      const s = getHeaderString(MapType.HttpCallResponseHeaders, H_STATUS);
      if (s !== null) status = <u32>I32.parseInt(s);
    }
    const body = bodySize > 0 ? getBufferBytes(BufferType.HttpCallResponseBody, 0, bodySize) : new ArrayBuffer(0);
    handler.onResponse(new CallResponse(status, body));
  }
}
