// Host-side state behind a proxy-wasm context id. A root context exists per plugin per VM; a stream
// context per plugin per HTTP stream. Host functions act on the "current" context (the one whose
// callback is running) or the one the module selected with proxy_set_effective_context.
import { BufferType, MapType, WasmResult } from "../abi/constants.ts";
import type { UpstreamResponse } from "../services/clusters.ts";
import type { Timer } from "../services/clock.ts";
import { BodyBuffer } from "./body-buffer.ts";
import type { HeaderMap } from "./header-map.ts";
import type { PropertyPath } from "./property-path.ts";
import type { WasmVm } from "./vm.ts";

/**
 * A property as Envoy serializes it: bytes, or a string standing for its UTF-8 bytes (copied into the
 * module without an intermediate Buffer), or a WasmResult error code.
 */
export type PropertyValue = Uint8Array | string | number;

/** What a plugin instance is, as properties and configuration buffers expose it. */
export interface PluginIdentity {
  name: string;
  rootId: string;
  vmId: string;
  configuration: Buffer;
  /** Envoy's node identity (`node.id`, `node.cluster`). */
  node: { id: string; cluster: string };
}

export abstract class HostContext {
  constructor(readonly vm: WasmVm, readonly id: number) {}

  abstract get root(): RootContext;

  /** Envoy's getConstMap: the map readable now, or null (BadArgument). */
  constMap(type: number): HeaderMap | null {
    return this.root.rootConstMap(type);
  }

  /** What get_header_map_value answers for a map constMap() does not have (Envoy: BadArgument). */
  get unavailableMapResult(): number {
    return WasmResult.BadArgument;
  }

  /** Envoy's getMap: the map writable now, or null (BadArgument). */
  mutableMap(_type: number): HeaderMap | null {
    return null;
  }

  buffer(type: number): BodyBuffer | null {
    return this.root.rootBuffer(type);
  }

  /** A property value serialized as Envoy serializes it, or a WasmResult error code. */
  abstract property(path: PropertyPath): PropertyValue;

  setProperty(_path: string, _value: Buffer): number {
    return WasmResult.NotFound;
  }

  continueStream(_type: number): number {
    return WasmResult.Ok; // no stream callbacks on a root context: Envoy does nothing and says Ok
  }

  closeStream(_type: number): number {
    return WasmResult.Ok;
  }

  sendLocalResponse(_status: number, _details: string, _body: Buffer, _headers: [Buffer, Buffer][], _grpc: number): number {
    return WasmResult.Ok; // no decoder callbacks outside a stream: accepted and ignored, as in Envoy
  }
}

interface PendingCall { token: number }

const EMPTY_BUFFER = new BodyBuffer(Buffer.alloc(0), false);

export class RootContext extends HostContext {
  /** Set while proxy_on_configure runs: the plugin configuration is only readable then. */
  configuring = false;
  /** Set while proxy_on_http_call_response runs. */
  httpCallResponse: UpstreamResponse | null = null;
  /** Set while proxy_on_redis_call_response runs (Higress). */
  redisResponse: Buffer | null = null;
  /** proxy_get_status: the last callout status (BrokenConnection/"reset" on a failed http call). */
  status: { code: number; message: string } = { code: WasmResult.Ok, message: "" };
  readonly pendingHttpCalls = new Map<number, PendingCall>();
  private nextHttpToken = 1;
  tick: Timer | null = null;

  constructor(vm: WasmVm, id: number, readonly plugin: PluginIdentity) {
    super(vm, id);
  }

  get root(): RootContext {
    return this;
  }

  allocHttpToken(): number {
    let token = this.nextHttpToken++;
    while (token === 0 || this.pendingHttpCalls.has(token)) token = this.nextHttpToken++ >>> 0;
    return token;
  }

  rootConstMap(type: number): HeaderMap | null {
    if (type === MapType.HttpCallResponseHeaders) return this.httpCallResponse?.headers ?? null;
    // Envoy's ResponseMessage has no trailer map at all when the response carried none.
    if (type === MapType.HttpCallResponseTrailers) return this.httpCallResponse?.trailers.size ? this.httpCallResponse.trailers : null;
    return null;
  }

  rootBuffer(type: number): BodyBuffer | null {
    switch (type) {
      case BufferType.VmConfiguration:
        return new BodyBuffer(this.vm.vmConfiguration, false);
      case BufferType.PluginConfiguration:
        return this.configuring ? new BodyBuffer(this.plugin.configuration, false) : null;
      case BufferType.HttpCallResponseBody:
        return this.httpCallResponse ? new BodyBuffer(this.httpCallResponse.body, false) : null;
      case BufferType.RedisCallResponse:
        return this.redisResponse ? new BodyBuffer(this.redisResponse, false) : null;
      case BufferType.HttpRequestBody:
      case BufferType.HttpResponseBody:
      case BufferType.NetworkDownstreamData:
      case BufferType.NetworkUpstreamData:
      case BufferType.GrpcReceiveBuffer:
      case BufferType.CallData:
        // Envoy's Context::getBuffer wraps whatever it has, even nothing: an empty, read-only buffer
        // (Ok, size 0). Only the plugin configuration outside on_configure and the http-call body
        // outside its callback are NotFound (getBuffer returns nullptr for them).
        return EMPTY_BUFFER;
      default:
        return null;
    }
  }

  property(path: PropertyPath): PropertyValue {
    return path.plugin ? path.plugin(this.plugin) : WasmResult.NotFound;
  }
}
