// One HTTP stream through a chain of plugins, as Envoy's HTTP connection manager drives it: request
// events from the client go through the decoder side to the upstream; response events from the
// upstream go through the encoder side to the client; local replies, resets, trap handling
// (fail-closed 503 `wasm_fail_stream`, or fail-open) and the end-of-stream callbacks
// (on_log, then on_done and on_delete) happen as in Envoy.
import { FilterDataStatus, FilterHeadersStatus, FilterTrailersStatus } from "../abi/constants.ts";
import { BodyBuffer } from "../vm/body-buffer.ts";
import { HeaderMap } from "../vm/header-map.ts";
import type { BytePair } from "../vm/pairs.ts";
import type { FilterRuntime } from "../plugin.ts";
import { Data, DirState, FilterIterator, Iter } from "./filter-iteration.ts";
import { StreamContext } from "./stream-context.ts";
import type { StreamInfo } from "./stream-info.ts";

/** Where a stream's output goes: the upstream (request side) and the client (response side). */
export interface StreamSink {
  upstreamHeaders(headers: HeaderMap, endStream: boolean): void;
  upstreamData(data: Buffer, endStream: boolean): void;
  upstreamTrailers(trailers: HeaderMap): void;
  downstreamHeaders(headers: HeaderMap, endStream: boolean): void;
  downstreamData(data: Buffer, endStream: boolean): void;
  downstreamTrailers(trailers: HeaderMap): void;
  /** The stream was reset (closed without a complete response). */
  reset(reason: string): void;
  /** The stream is over and every plugin has seen on_log/on_done/on_delete. */
  finished?(): void;
}

export class FilterSlot {
  ctx: StreamContext | null = null;
  created = false;
  failureReplySent = false;
  streamFailed = false;
  readonly dec = new DirState();
  readonly enc = new DirState();
  constructor(readonly index: number, readonly runtime: FilterRuntime | null) {}
}

function headersStatus(raw: number, stopped: boolean, allowStopIteration: boolean): Iter {
  if (stopped || raw > FilterHeadersStatus.StopAllIterationAndWatermark) return Iter.StopAllWatermark;
  switch (raw) {
    case FilterHeadersStatus.StopIteration: return allowStopIteration ? Iter.StopSingle : Iter.StopAllWatermark;
    case FilterHeadersStatus.StopAllIterationAndBuffer: return Iter.StopAllBuffer;
    case FilterHeadersStatus.StopAllIterationAndWatermark: return Iter.StopAllWatermark;
    default: return Iter.Continue; // 0, and 2 (ContinueAndEndStream), which Envoy treats as Continue
  }
}

function dataStatus(raw: number, stopped: boolean): Data {
  if (stopped || raw > FilterDataStatus.StopIterationNoBuffer) return Data.StopNoBuffer;
  return raw as Data;
}

const trailersStatus = (raw: number, stopped: boolean): Iter =>
  stopped || raw !== FilterTrailersStatus.Continue ? Iter.StopSingle : Iter.Continue;

class DecoderSide extends FilterIterator<FilterSlot> {
  constructor(private readonly s: HttpStream, limit: number) {
    super(s.slots, limit);
  }
  protected state(slot: FilterSlot) { return slot.dec; }
  protected canIterate() { return !this.s.localComplete && !this.s.isFinished; }

  protected callHeaders(slot: FilterSlot, endStream: boolean): Iter {
    const rt = slot.runtime;
    if (!rt) return Iter.Continue;
    if (rt.vm.failed) return this.s.failClosed(slot) ? Iter.StopAllWatermark : Iter.Continue;
    const ctx = this.s.ensureCreated(slot);
    ctx.reqHeaders = this.headers;
    const raw = rt.vm.invoke(ctx, rt.vm.onRequestHeaders, ctx.id, this.headers!.size, endStream ? 1 : 0);
    if (rt.vm.failed) return this.s.failClosed(slot) ? Iter.StopAllWatermark : Iter.Continue;
    const status = headersStatus(raw, rt.vm.lastCallStopped, rt.allowOnHeadersStopIteration);
    if (status === Iter.Continue) ctx.reqHeaders = null;
    return status;
  }

  protected callData(slot: FilterSlot, data: BodyBuffer, endStream: boolean): Data {
    const rt = slot.runtime;
    if (!rt || !slot.created) return Data.Continue;
    if (rt.vm.failed) return this.s.failClosed(slot) ? Data.StopNoBuffer : Data.Continue;
    const ctx = slot.ctx!;
    if (ctx.bufferingRequestBody) {
      this.buffer(data);
      if (this.s.localComplete) return Data.StopAndBuffer;
    }
    ctx.reqBody = ctx.bufferingRequestBody ? this.buffered : data;
    const raw = rt.vm.invoke(ctx, rt.vm.onRequestBody, ctx.id, ctx.reqBody!.size, endStream ? 1 : 0);
    if (rt.vm.failed) return this.s.failClosed(slot) ? Data.StopNoBuffer : Data.Continue;
    const status = dataStatus(raw, rt.vm.lastCallStopped);
    ctx.bufferingRequestBody = status === Data.StopAndBuffer;
    if (status === Data.Continue) ctx.reqBody = null;
    return status;
  }

  protected callTrailers(slot: FilterSlot): Iter {
    const rt = slot.runtime;
    if (!rt || !slot.created) return Iter.Continue;
    if (rt.vm.failed) return this.s.failClosed(slot) ? Iter.StopSingle : Iter.Continue;
    const ctx = slot.ctx!;
    ctx.reqTrailers = this.trailers;
    const raw = rt.vm.invoke(ctx, rt.vm.onRequestTrailers, ctx.id, this.trailers!.size);
    if (rt.vm.failed) return this.s.failClosed(slot) ? Iter.StopSingle : Iter.Continue;
    const status = trailersStatus(raw, rt.vm.lastCallStopped);
    if (status === Iter.Continue) ctx.reqTrailers = null;
    return status;
  }

  protected emitHeaders(headers: HeaderMap, endStream: boolean) {
    this.s.info.requestHeaders = headers;
    this.s.sink.upstreamHeaders(headers, endStream);
  }
  protected emitData(data: BodyBuffer, endStream: boolean) {
    this.s.info.requestBodyBytes += data.size;
    this.s.sink.upstreamData(data.bytes, endStream);
  }
  protected emitTrailers(trailers: HeaderMap) {
    this.s.info.requestTrailers = trailers;
    this.s.sink.upstreamTrailers(trailers);
  }
  protected tooLarge() {
    this.s.sendLocalReply(413, Buffer.from("Payload Too Large"), [], "request_payload_too_large", -1);
  }
}

class EncoderSide extends FilterIterator<FilterSlot> {
  constructor(private readonly s: HttpStream, limit: number) {
    super(s.slots.length === 1 ? s.slots : [...s.slots].reverse(), limit);
  }
  protected state(slot: FilterSlot) { return slot.enc; }
  protected canIterate() { return !this.s.isFinished && !this.s.responseReplaced; }

  /** Envoy skips the encoder callbacks of a context never created or whose stream already failed. */
  private skip(slot: FilterSlot): boolean {
    return !slot.runtime || !slot.created || slot.failureReplySent;
  }

  protected callHeaders(slot: FilterSlot, endStream: boolean): Iter {
    if (this.skip(slot)) return Iter.Continue;
    const rt = slot.runtime!;
    if (rt.vm.failed) return this.s.failClosed(slot) ? Iter.StopAllWatermark : Iter.Continue;
    const ctx = slot.ctx!;
    ctx.respHeaders = this.headers;
    const raw = rt.vm.invoke(ctx, rt.vm.onResponseHeaders, ctx.id, this.headers!.size, endStream ? 1 : 0);
    if (rt.vm.failed) return this.s.failClosed(slot) ? Iter.StopAllWatermark : Iter.Continue;
    const status = headersStatus(raw, rt.vm.lastCallStopped, rt.allowOnHeadersStopIteration);
    if (status === Iter.Continue) ctx.respHeaders = null;
    return status;
  }

  protected callData(slot: FilterSlot, data: BodyBuffer, endStream: boolean): Data {
    if (this.skip(slot)) return Data.Continue;
    const rt = slot.runtime!;
    if (rt.vm.failed) return this.s.failClosed(slot) ? Data.StopNoBuffer : Data.Continue;
    const ctx = slot.ctx!;
    if (ctx.bufferingResponseBody) {
      this.buffer(data);
      // Going over the buffer limit ends the stream (500 or reset, with on_log/on_done/on_delete):
      // like Envoy's encodeData after addEncodedData (it checks destroyed_), do not call the VM again.
      if (!this.canIterate()) return Data.StopAndBuffer;
    }
    ctx.respBody = ctx.bufferingResponseBody ? this.buffered : data;
    const raw = rt.vm.invoke(ctx, rt.vm.onResponseBody, ctx.id, ctx.respBody!.size, endStream ? 1 : 0);
    if (rt.vm.failed) return this.s.failClosed(slot) ? Data.StopNoBuffer : Data.Continue;
    const status = dataStatus(raw, rt.vm.lastCallStopped);
    ctx.bufferingResponseBody = status === Data.StopAndBuffer;
    if (status === Data.Continue) ctx.respBody = null;
    return status;
  }

  protected callTrailers(slot: FilterSlot): Iter {
    if (this.skip(slot)) return Iter.Continue;
    const rt = slot.runtime!;
    if (rt.vm.failed) return this.s.failClosed(slot) ? Iter.StopSingle : Iter.Continue;
    const ctx = slot.ctx!;
    ctx.respTrailers = this.trailers;
    const raw = rt.vm.invoke(ctx, rt.vm.onResponseTrailers, ctx.id, this.trailers!.size);
    if (rt.vm.failed) return this.s.failClosed(slot) ? Iter.StopSingle : Iter.Continue;
    const status = trailersStatus(raw, rt.vm.lastCallStopped);
    if (status === Iter.Continue) ctx.respTrailers = null;
    return status;
  }

  protected emitHeaders(headers: HeaderMap, endStream: boolean) {
    this.s.info.responseHeaders = headers;
    this.s.info.responseCode = headers.statusCode();
    this.s.responseSentDownstream = true;
    this.s.sink.downstreamHeaders(headers, endStream);
    if (endStream) this.s.finish();
  }
  protected emitData(data: BodyBuffer, endStream: boolean) {
    this.s.info.responseBodyBytes += data.size;
    this.s.sink.downstreamData(data.bytes, endStream);
    if (endStream) this.s.finish();
  }
  protected emitTrailers(trailers: HeaderMap) {
    this.s.info.responseTrailers = trailers;
    this.s.sink.downstreamTrailers(trailers);
    this.s.finish();
  }
  protected tooLarge() {
    this.s.sendLocalReply(500, Buffer.from("Internal Server Error"), [], "response_payload_too_large", -1);
  }
}

export class HttpStream {
  readonly slots: FilterSlot[];
  private readonly decoder: DecoderSide;
  private readonly encoder: EncoderSide;
  /** The request side was cut short by a local reply: nothing more goes upstream. */
  localComplete = false;
  /** Response headers have gone to the client: from now on a failure can only reset the stream. */
  responseSentDownstream = false;
  /** A direct local reply replaced an upstream response that was still going through the filters. */
  responseReplaced = false;
  private localReplyInProgress = false;
  private finished = false;

  constructor(runtimes: (FilterRuntime | null)[], readonly info: StreamInfo, readonly sink: StreamSink, bufferLimit: number) {
    this.slots = runtimes.map((rt, i) => new FilterSlot(i, rt));
    for (const slot of this.slots) {
      if (!slot.runtime) continue;
      const { vm, root } = slot.runtime;
      // Envoy allocates the context id when it builds the filter chain, before any callback.
      slot.ctx = new StreamContext(vm, vm.allocContextId(), root, this, slot);
      vm.contexts.set(slot.ctx.id, slot.ctx);
    }
    this.decoder = new DecoderSide(this, bufferLimit);
    this.encoder = new EncoderSide(this, bufferLimit);
  }

  get bufferedRequest(): BodyBuffer | null {
    return this.decoder.buffered;
  }

  get bufferedResponse(): BodyBuffer | null {
    return this.encoder.buffered;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  // Request events from the client.
  sendRequestHeaders(headers: HeaderMap, endStream: boolean): void {
    this.info.requestHeaders = headers;
    this.decoder.onHeaders(headers, endStream);
  }
  sendRequestData(data: Uint8Array, endStream: boolean): void {
    // Buffers are never changed in place (edits replace them), so the caller's chunk needs no copy.
    this.decoder.onData(new BodyBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data)), endStream);
  }
  sendRequestTrailers(trailers: HeaderMap): void {
    this.decoder.onTrailers(trailers);
  }

  // Response events from the upstream.
  sendResponseHeaders(headers: HeaderMap, endStream: boolean): void {
    if (this.finished || this.localComplete) return;
    // Envoy's router marks an upstream response before any encoder filter sees it; a local reply
    // (sendLocalReply) carries its own reason instead.
    this.info.responseCodeDetails ??= "via_upstream";
    this.encoder.onHeaders(headers, endStream);
  }
  sendResponseData(data: Uint8Array, endStream: boolean): void {
    if (this.finished || this.localComplete) return;
    this.encoder.onData(new BodyBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data)), endStream);
  }
  sendResponseTrailers(trailers: HeaderMap): void {
    if (this.finished || this.localComplete) return;
    this.encoder.onTrailers(trailers);
  }

  continueDecoding(slot: FilterSlot): void {
    this.decoder.continueFrom(slot);
  }
  continueEncoding(slot: FilterSlot): void {
    this.encoder.continueFrom(slot);
  }

  ensureCreated(slot: FilterSlot): StreamContext {
    const ctx = slot.ctx!;
    if (!slot.created) {
      slot.created = true;
      const { vm, root } = slot.runtime!;
      vm.invoke(ctx, vm.onContextCreate, ctx.id, root.id);
    }
    return ctx;
  }

  /**
   * cpp-host's CHECK_FAIL for a failed VM: fail-open lets the stream continue (returns false);
   * fail-closed sends one 503 `wasm_fail_stream` local reply and stops (returns true).
   */
  failClosed(slot: FilterSlot): boolean {
    if (slot.runtime!.failOpen) return false;
    if (!slot.streamFailed) {
      // Marked first: the 503 itself goes through the encoder filters, and this one must be skipped.
      slot.streamFailed = true;
      slot.failureReplySent = true;
      this.sendLocalReply(503, Buffer.alloc(0), [], "wasm_fail_stream", 14);
    }
    return true;
  }

  /** Envoy's sendLocalReply: through the encoder filters, directly, or as a reset, depending on progress. */
  sendLocalReply(status: number, body: Buffer, extraHeaders: BytePair[], details: string, _grpcStatus: number): void {
    if (this.finished || this.localReplyInProgress) return;
    if (this.responseSentDownstream) {
      this.reset(`local reply after the response started: ${details}`);
      return;
    }
    this.localReplyInProgress = true;
    this.localComplete = true;
    this.info.responseCodeDetails = details;
    const headers = new HeaderMap();
    headers.add(Buffer.from(":status"), Buffer.from(String(status)));
    for (const [k, v] of extraHeaders) headers.add(k, v);
    if (body.length) {
      headers.set("content-length", String(body.length));
      if (!headers.has("content-type")) headers.set("content-type", "text/plain");
    }
    if (this.encoder.headers !== null) {
      // An upstream response is already in the encoder filters but not at the client: replace it.
      this.responseReplaced = true;
      this.info.responseHeaders = headers;
      this.info.responseCode = status;
      this.responseSentDownstream = true;
      this.sink.downstreamHeaders(headers, body.length === 0);
      if (body.length) this.sink.downstreamData(body, true);
      this.finish();
    } else {
      this.encoder.onHeaders(headers, body.length === 0);
      if (body.length && !this.finished) this.encoder.onData(new BodyBuffer(body), true);
    }
    this.localReplyInProgress = false;
  }

  reset(reason: string): void {
    if (this.finished) return;
    this.localComplete = true;
    this.info.responseCodeDetails ??= reason;
    this.sink.reset(reason);
    this.finish();
  }

  /** Ends the stream: on_log for every plugin (creating contexts never reached), then on_done, on_delete. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const slot of this.slots) {
      const rt = slot.runtime;
      if (!rt || rt.vm.failed) continue;
      const ctx = this.ensureCreated(slot);
      ctx.inLog = true;
      rt.vm.invoke(ctx, rt.vm.onLog, ctx.id);
      ctx.inLog = false;
    }
    for (const slot of this.slots) {
      const rt = slot.runtime;
      if (!rt) continue;
      const ctx = slot.ctx!;
      if (slot.created && !rt.vm.failed) {
        rt.vm.invoke(ctx, rt.vm.onDone, ctx.id);
        rt.vm.invoke(ctx, rt.vm.onDelete, ctx.id);
      }
      rt.vm.contexts.delete(ctx.id);
    }
    this.sink.finished?.();
  }
}
