// The host side of one plugin's context on one HTTP stream: which header maps and bodies the plugin
// may read or change at this moment (Envoy hands them out only while the plugin holds them: a map is
// gone once the callback that received it returned Continue), its properties, and the stream actions
// it can take (continue, close, local reply), which Envoy defers until the callback has returned.
import { BufferType, MapType, StreamType, WasmResult } from "../abi/constants.ts";
import { BodyBuffer } from "../vm/body-buffer.ts";
import { HostContext, type PropertyValue, type RootContext } from "../vm/context.ts";
import type { HeaderMap } from "../vm/header-map.ts";
import type { PropertyPath } from "../vm/property-path.ts";
import type { BytePair } from "../vm/pairs.ts";
import type { WasmVm } from "../vm/vm.ts";
import type { FilterSlot, HttpStream } from "./http-stream.ts";

const NO_BODY = new BodyBuffer(Buffer.alloc(0), false);

export class StreamContext extends HostContext {
  reqHeaders: HeaderMap | null = null;
  reqTrailers: HeaderMap | null = null;
  respHeaders: HeaderMap | null = null;
  respTrailers: HeaderMap | null = null;
  reqBody: BodyBuffer | null = null;
  respBody: BodyBuffer | null = null;
  /** Envoy's buffering_{request,response}_body_: the last body callback returned StopIterationAndBuffer. */
  bufferingRequestBody = false;
  bufferingResponseBody = false;
  /** During on_log the final maps are readable (and nothing is writable). */
  inLog = false;

  constructor(vm: WasmVm, id: number, private readonly rootCtx: RootContext, readonly stream: HttpStream, readonly slot: FilterSlot) {
    super(vm, id);
  }

  get root(): RootContext {
    return this.rootCtx;
  }

  override constMap(type: number): HeaderMap | null {
    const info = this.stream.info;
    switch (type) {
      case MapType.RequestHeaders: return this.inLog ? info.requestHeaders : this.reqHeaders;
      case MapType.RequestTrailers: return this.inLog ? null : this.reqTrailers; // Envoy logs none
      case MapType.ResponseHeaders: return this.inLog ? info.responseHeaders : this.respHeaders;
      case MapType.ResponseTrailers: return this.inLog ? info.responseTrailers : this.respTrailers;
      default: return this.rootCtx.rootConstMap(type);
    }
  }

  /** In on_log (Envoy's access-log phase) an absent map is NotFound rather than BadArgument. */
  override get unavailableMapResult(): number {
    return this.inLog ? WasmResult.NotFound : WasmResult.BadArgument;
  }

  override mutableMap(type: number): HeaderMap | null {
    switch (type) {
      case MapType.RequestHeaders: return this.reqHeaders;
      case MapType.RequestTrailers: return this.reqTrailers;
      case MapType.ResponseHeaders: return this.respHeaders;
      case MapType.ResponseTrailers: return this.respTrailers;
      default: return null;
    }
  }

  override buffer(type: number): BodyBuffer | null {
    // While a plugin buffers (its last body callback returned StopIterationAndBuffer) Envoy hands it the
    // stream's buffered body, also from the trailers callback.
    if (type === BufferType.HttpRequestBody) {
      return (this.bufferingRequestBody ? this.stream.bufferedRequest : this.reqBody) ?? NO_BODY;
    }
    if (type === BufferType.HttpResponseBody) {
      return (this.bufferingResponseBody ? this.stream.bufferedResponse : this.respBody) ?? NO_BODY;
    }
    return this.rootCtx.rootBuffer(type);
  }

  property(path: PropertyPath): PropertyValue {
    if (path.plugin) return path.plugin(this.rootCtx.plugin);
    return path.stream(this.stream.info) ?? WasmResult.NotFound;
  }

  override setProperty(path: string, value: Buffer): number {
    this.stream.info.filterState.set(path, value);
    return WasmResult.Ok;
  }

  override continueStream(type: number): number {
    if (type === StreamType.Request) {
      this.vm.addAfterCallAction(() => this.stream.continueDecoding(this.slot));
    } else if (type === StreamType.Response) {
      this.vm.addAfterCallAction(() => this.stream.continueEncoding(this.slot));
    } else if (type === StreamType.Upstream) {
      return WasmResult.Unimplemented;
    } else {
      return WasmResult.Ok; // Downstream: a network-filter notion; nothing to do on an HTTP stream
    }
    // Envoy drops the plugin's hold on the request side whichever direction it continued.
    this.reqHeaders = null;
    this.reqBody = null;
    this.reqTrailers = null;
    return WasmResult.Ok;
  }

  override closeStream(type: number): number {
    if (type === StreamType.Request || type === StreamType.Response) {
      this.stream.info.responseCodeDetails ??= "wasm_close_stream";
      this.vm.addAfterCallAction(() => this.stream.reset("wasm_close_stream"));
    }
    return WasmResult.Ok;
  }

  override sendLocalResponse(status: number, details: string, body: Buffer, headers: BytePair[], grpc: number): number {
    // Envoy replaces whitespace in details (they end up in access logs as one token).
    const cleanDetails = details.replace(/\s/g, "_");
    this.vm.addAfterCallAction(() => this.stream.sendLocalReply(status, body, headers, cleanDetails, grpc));
    return WasmResult.Ok;
  }
}
