// Envoy's filter-chain iteration (source/common/http/filter_manager.cc), for one direction. The
// decoder side walks the filters in order towards the upstream; the encoder side walks them in reverse
// towards the client. What a plugin can observe is reproduced: which callbacks run, with which
// end_of_stream flags and body sizes; that a filter stopped with StopIteration keeps receiving body,
// while one stopped with StopAll* gets the data buffered for it and delivered when it continues; that
// buffered data is one shared buffer; and that buffering past the limit ends the stream.
import type { BodyBuffer } from "../vm/body-buffer.ts";
import type { HeaderMap } from "../vm/header-map.ts";

export const enum Iter { Continue, StopSingle, StopAllBuffer, StopAllWatermark }
export const enum Data { Continue, StopAndBuffer, StopAndWatermark, StopNoBuffer }

export class DirState {
  iter: Iter = Iter.Continue;
  headersContinued = false;
  endStream = false;
  iterateFromCurrent = false;
}

export interface SlotLike {
  readonly index: number;
}

/** One direction of a stream's filter chain; subclasses connect it to the plugin calls and the sink. */
export abstract class FilterIterator<S extends SlotLike> {
  headers: HeaderMap | null = null;
  trailers: HeaderMap | null = null;
  buffered: BodyBuffer | null = null;
  /** The remote end (client for requests, upstream for responses) has sent everything. */
  remoteComplete = false;
  /** True once a buffering filter used watermark semantics: no "too large" error, just flow control. */
  streaming = false;

  constructor(protected readonly order: S[], private readonly bufferLimit: number) {}

  protected abstract state(slot: S): DirState;
  protected abstract callHeaders(slot: S, endStream: boolean): Iter;
  protected abstract callData(slot: S, data: BodyBuffer, endStream: boolean): Data;
  protected abstract callTrailers(slot: S): Iter;
  protected abstract emitHeaders(headers: HeaderMap, endStream: boolean): void;
  protected abstract emitData(data: BodyBuffer, endStream: boolean): void;
  protected abstract emitTrailers(trailers: HeaderMap): void;
  /** Buffered data exceeded the limit outside watermark mode (413 for requests, 500 for responses). */
  protected abstract tooLarge(): void;
  /** False once this direction was cut short (a local reply, a reset). */
  protected abstract canIterate(): boolean;

  private position(slot: S): number {
    return this.order.indexOf(slot);
  }

  // Entry points for the remote end.

  onHeaders(headers: HeaderMap, endStream: boolean): void {
    this.headers = headers;
    this.remoteComplete = endStream;
    this.iterateHeaders(0, endStream);
  }

  onData(data: BodyBuffer, endStream: boolean): void {
    if (!this.canIterate()) return;
    this.remoteComplete = endStream;
    this.iterateData(-1, data, endStream, false);
  }

  onTrailers(trailers: HeaderMap): void {
    if (!this.canIterate()) return;
    this.trailers = trailers;
    this.remoteComplete = true;
    this.iterateTrailers(0);
  }

  /** A filter resumed iteration (proxy_continue_stream). */
  continueFrom(slot: S): void {
    if (!this.canIterate()) return;
    const st = this.state(slot);
    if (st.iter === Iter.Continue) return; // nothing was stopped; Envoy asserts in debug builds
    const pos = this.position(slot);
    if (st.iter === Iter.StopAllBuffer || st.iter === Iter.StopAllWatermark) st.iterateFromCurrent = true;
    st.iter = Iter.Continue;
    if (!st.headersContinued) {
      st.headersContinued = true;
      this.iterateHeaders(pos + 1, this.remoteComplete && !this.buffered && !this.trailers);
    }
    const hadTrailers = this.trailers !== null;
    if (this.buffered && this.canIterate()) {
      this.iterateData(pos, this.buffered, this.remoteComplete && !hadTrailers, true);
    }
    if (hadTrailers && this.canIterate()) this.iterateTrailers(pos + 1);
    st.iterateFromCurrent = false;
  }

  // Iteration.

  private iterateHeaders(from: number, endStream: boolean): void {
    for (let i = from; i < this.order.length; i++) {
      const slot = this.order[i];
      const st = this.state(slot);
      st.endStream = endStream;
      const status = this.callHeaders(slot, endStream);
      if (!this.canIterate()) return;
      if (status === Iter.Continue) {
        st.headersContinued = true;
        continue;
      }
      st.iter = status;
      return;
    }
    this.emitHeaders(this.headers!, endStream);
  }

  private iterateData(fromPos: number, data: BodyBuffer, endStream: boolean, canStartFromCurrent: boolean): void {
    let i = fromPos < 0 ? 0 : fromPos + 1;
    if (fromPos >= 0 && canStartFromCurrent && this.state(this.order[fromPos]).iterateFromCurrent) i = fromPos;
    for (; i < this.order.length; i++) {
      const slot = this.order[i];
      const st = this.state(slot);
      if (st.iter === Iter.StopAllBuffer || st.iter === Iter.StopAllWatermark) {
        // The filter stopped everything: keep the data for it until it continues.
        if (st.iter === Iter.StopAllWatermark) this.streaming = true;
        this.buffer(data);
        return;
      }
      if (st.endStream) return; // this filter already saw the end of the stream
      st.endStream = endStream && this.trailers === null;
      const status = this.callData(slot, data, st.endStream);
      if (!this.canIterate()) return;
      if (status === Data.Continue) {
        if (st.iter === Iter.StopSingle) {
          this.buffer(data);
          this.continueFrom(slot);
          return;
        }
        continue;
      }
      st.iter = Iter.StopSingle;
      if (status === Data.StopAndBuffer || status === Data.StopAndWatermark) {
        this.streaming = status === Data.StopAndWatermark;
        this.buffer(data);
      }
      return;
    }
    if (data === this.buffered) this.buffered = null; // the upstream (or client) consumed it
    this.emitData(data, endStream);
  }

  private iterateTrailers(from: number): void {
    for (let i = from; i < this.order.length; i++) {
      const slot = this.order[i];
      const st = this.state(slot);
      if (st.iter === Iter.StopAllBuffer || st.iter === Iter.StopAllWatermark) return; // delivered on continue
      const status = this.callTrailers(slot);
      if (!this.canIterate()) return;
      if (status === Iter.Continue) {
        if (st.iter === Iter.StopSingle) {
          this.continueFrom(slot);
          return;
        }
        continue;
      }
      if (st.iter === Iter.Continue) st.iter = Iter.StopSingle;
      return;
    }
    this.emitTrailers(this.trailers!);
  }

  /** Moves `data` into the shared buffer (a filter already working on the buffer leaves it in place). */
  buffer(data: BodyBuffer): void {
    if (data === this.buffered) return;
    if (this.buffered === null) {
      this.buffered = data;
    } else {
      this.buffered.append(data.bytes);
      data.bytes = EMPTY;
    }
    if (!this.streaming && this.buffered.size > this.bufferLimit) this.tooLarge();
  }
}

const EMPTY = Buffer.alloc(0);
