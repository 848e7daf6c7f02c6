// Host functions that reach outside the VM: proxy_http_call to a named cluster, Higress's Redis calls,
// and the gRPC and foreign-function entry points this host does not offer.
import { WasmResult } from "./constants.ts";
import { HeaderMap } from "../vm/header-map.ts";
import { decodePairs } from "../vm/pairs.ts";
import type { WasmVm } from "../vm/vm.ts";
import type { RootContext } from "../vm/context.ts";
import type { UpstreamReset, UpstreamResponse } from "../services/clusters.ts";
import { activeContext, type ImportTable } from "./util.ts";

const R = WasmResult;

/**
 * Delivers an http-call outcome on the root context, as Envoy's async client callbacks do
 * (source/extensions/common/wasm/context.cc onHttpCallSuccess / onHttpCallFailure).
 */
function deliverHttpCall(vm: WasmVm, root: RootContext, token: number, response: UpstreamResponse | UpstreamReset): void {
  if (vm.failed || !root.pendingHttpCalls.has(token)) return;
  if ("reset" in response) {
    // A failure: no response maps or body, all counts 0, and proxy_get_status answers
    // BrokenConnection "reset" during the callback. Envoy clears only the message afterwards.
    root.status = { code: WasmResult.BrokenConnection, message: "reset" };
    vm.invoke(root, vm.onHttpCallResponse, root.id, token, 0, 0, 0);
    root.status = { code: WasmResult.BrokenConnection, message: "" };
    root.pendingHttpCalls.delete(token);
    return;
  }
  root.httpCallResponse = response;
  vm.invoke(root, vm.onHttpCallResponse, root.id, token, response.headers.size, response.body.length, response.trailers.size);
  root.httpCallResponse = null;
  root.pendingHttpCalls.delete(token);
}

export function calloutImports(vm: WasmVm): ImportTable {
  const s = vm.services;
  const mem = () => vm.mem;

  return {
    proxy_http_call(clusterPtr: number, clusterSize: number, headersPtr: number, headersSize: number, bodyPtr: number, bodySize: number, trailersPtr: number, trailersSize: number, timeoutMs: number, tokenPtr: number) {
      const root = activeContext(vm).root;
      const cluster = mem().readString(clusterPtr, clusterSize);
      const body = mem().read(bodyPtr, bodySize);
      const headerBytes = mem().peek(headersPtr, headersSize);
      const trailerBytes = mem().peek(trailersPtr, trailersSize);
      if (cluster === undefined || !body || !headerBytes || !trailerBytes) return R.InvalidMemoryAccess;
      if (!mem().writeU32(tokenPtr, 0)) return R.InvalidMemoryAccess;
      if (timeoutMs < 0) return R.BadArgument; // Envoy reads the u32 as a signed int
      if (!s.clusters.has(cluster)) return R.BadArgument;
      const headers = new HeaderMap();
      headers.setPairs(decodePairs(headerBytes));
      if (!headers.has(":path") || !headers.has(":method") || !headers.has(":authority")) return R.BadArgument;
      if (body.length) headers.set("content-length", String(body.length));
      const token = root.allocHttpToken();
      root.pendingHttpCalls.set(token, { token });
      s.clusters.call(cluster, headers, body, timeoutMs).then((response) => deliverHttpCall(vm, root, token, response));
      mem().writeU32(tokenPtr, token);
      return R.Ok;
    },

    // gRPC needs a protobuf GrpcService and an HTTP/2 gRPC client; no plugin of this suite uses it.
    // Answered Unimplemented so a module that tries gets a clear result instead of a hang.
    proxy_grpc_call: () => (activeContext(vm), R.Unimplemented),
    proxy_grpc_stream: () => (activeContext(vm), R.Unimplemented),
    proxy_grpc_send: () => (activeContext(vm), R.NotFound),
    proxy_grpc_close: () => (activeContext(vm), R.NotFound),
    proxy_grpc_cancel: () => (activeContext(vm), R.NotFound),

    // Envoy registers a few foreign functions (compression, filter state helpers); none is offered here.
    proxy_call_foreign_function(namePtr: number, nameSize: number, argsPtr: number, argsSize: number) {
      activeContext(vm);
      if (!mem().inBounds(namePtr, nameSize) || !mem().inBounds(argsPtr, argsSize)) return R.InvalidMemoryAccess;
      return R.NotFound;
    },
  };
}

/** Higress's Redis extension; imported only by modules loaded on a host acting as a Higress gateway. */
export function redisImports(vm: WasmVm): ImportTable {
  const s = vm.services;
  const mem = () => vm.mem;
  return {
    proxy_redis_init(clusterPtr: number, clusterSize: number, userPtr: number, userSize: number, passPtr: number, passSize: number, timeoutMs: number) {
      activeContext(vm);
      const cluster = mem().readString(clusterPtr, clusterSize);
      const user = mem().readString(userPtr, userSize);
      const password = mem().readString(passPtr, passSize);
      if (cluster === undefined || user === undefined || password === undefined) return R.InvalidMemoryAccess;
      return s.redis.init(cluster, user, password, timeoutMs >>> 0) ? R.Ok : R.BadArgument;
    },

    proxy_redis_call(clusterPtr: number, clusterSize: number, queryPtr: number, querySize: number, tokenPtr: number) {
      const root = activeContext(vm).root;
      const cluster = mem().readString(clusterPtr, clusterSize);
      const query = mem().read(queryPtr, querySize);
      if (cluster === undefined || !query) return R.InvalidMemoryAccess;
      if (!s.redis.isInitialized(cluster)) return R.BadArgument;
      const token = root.allocHttpToken();
      root.pendingHttpCalls.set(token, { token });
      if (!mem().writeU32(tokenPtr, token)) return R.InvalidMemoryAccess;
      s.redis.call(cluster, query).then((reply) => {
        if (vm.failed) return;
        root.pendingHttpCalls.delete(token);
        root.redisResponse = reply.raw;
        vm.invoke(root, vm.onRedisCallResponse, root.id, token, reply.ok ? 0 : 1, reply.raw.length);
        root.redisResponse = null;
      });
      return R.Ok;
    },
  };
}
