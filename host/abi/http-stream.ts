// Host functions on the HTTP stream: header maps, bodies, local replies, stream control.
import { MAX_BUFFER_TYPE, MAX_MAP_TYPE, MAX_STREAM_TYPE, WasmResult } from "./constants.ts";
import { BufferType } from "./constants.ts";
import { decodePairs } from "../vm/pairs.ts";
import type { WasmVm } from "../vm/vm.ts";
import { activeContext, type ImportTable } from "./util.ts";

const R = WasmResult;

export function httpStreamImports(vm: WasmVm): ImportTable {
  const mem = () => vm.mem;
  // Buffer type 9 is Higress's Redis reply: valid only where the Redis extension is offered.
  const maxBufferType = vm.higress ? BufferType.RedisCallResponse : MAX_BUFFER_TYPE;

  return {
    proxy_get_header_map_value(type: number, keyPtr: number, keySize: number, valuePtrPtr: number, valueSizePtr: number) {
      if (type > MAX_MAP_TYPE) return R.BadArgument;
      const ctx = activeContext(vm);
      const m = mem();
      if (!m.inBounds(keyPtr, keySize)) return R.InvalidMemoryAccess;
      const map = ctx.constMap(type);
      if (!map) return ctx.unavailableMapResult;
      // The key is compared in guest memory: no Buffer per call.
      const value = map.getRange(m.u8, keyPtr >>> 0, keySize >>> 0);
      if (value === undefined) return R.NotFound;
      return vm.copyOut(value, valuePtrPtr, valueSizePtr);
    },

    proxy_add_header_map_value(type: number, keyPtr: number, keySize: number, valuePtr: number, valueSize: number) {
      if (type > MAX_MAP_TYPE) return R.BadArgument;
      const ctx = activeContext(vm);
      const m = mem();
      if (!m.inBounds(keyPtr, keySize) || !m.inBounds(valuePtr, valueSize)) return R.InvalidMemoryAccess;
      const map = ctx.mutableMap(type);
      if (!map) return R.BadArgument;
      map.addRange(m.u8, keyPtr >>> 0, keySize >>> 0, valuePtr >>> 0, valueSize >>> 0);
      return R.Ok;
    },

    proxy_replace_header_map_value(type: number, keyPtr: number, keySize: number, valuePtr: number, valueSize: number) {
      if (type > MAX_MAP_TYPE) return R.BadArgument;
      const ctx = activeContext(vm);
      const m = mem();
      if (!m.inBounds(keyPtr, keySize) || !m.inBounds(valuePtr, valueSize)) return R.InvalidMemoryAccess;
      const map = ctx.mutableMap(type);
      if (!map) return R.BadArgument;
      map.replaceRange(m.u8, keyPtr >>> 0, keySize >>> 0, valuePtr >>> 0, valueSize >>> 0);
      return R.Ok;
    },

    proxy_remove_header_map_value(type: number, keyPtr: number, keySize: number) {
      if (type > MAX_MAP_TYPE) return R.BadArgument;
      const ctx = activeContext(vm);
      const m = mem();
      if (!m.inBounds(keyPtr, keySize)) return R.InvalidMemoryAccess;
      const map = ctx.mutableMap(type);
      if (!map) return R.BadArgument;
      map.removeRange(m.u8, keyPtr >>> 0, keySize >>> 0);
      return R.Ok;
    },

    proxy_get_header_map_pairs(type: number, ptrPtr: number, sizePtr: number) {
      if (type > MAX_MAP_TYPE) return R.BadArgument;
      const map = activeContext(vm).constMap(type);
      // Envoy answers an unavailable map with an empty one here (not BadArgument).
      if (!map || map.size === 0) return vm.copyOut(EMPTY, ptrPtr, sizePtr);
      const size = map.encodedSize;
      const ptr = vm.allocateOut(size);
      if (ptr < 0) return R.InvalidMemoryAccess;
      const m = mem();
      map.encodeInto(m.u8, m.dv, ptr);
      return vm.writePointerSize(ptrPtr, sizePtr, ptr, size);
    },

    proxy_set_header_map_pairs(type: number, ptr: number, size: number) {
      if (type > MAX_MAP_TYPE) return R.BadArgument;
      const ctx = activeContext(vm);
      const data = mem().peek(ptr, size);
      if (!data) return R.InvalidMemoryAccess;
      const map = ctx.mutableMap(type);
      if (!map) return R.BadArgument;
      map.setPairs(decodePairs(data));
      return R.Ok;
    },

    proxy_get_header_map_size(type: number, resultPtr: number) {
      if (type > MAX_MAP_TYPE) return R.BadArgument;
      const map = activeContext(vm).mutableMap(type);
      if (!map) return R.BadArgument;
      return mem().writeU32(resultPtr, map.byteSize) ? R.Ok : R.InvalidMemoryAccess;
    },

    proxy_get_buffer_status(type: number, lengthPtr: number, flagsPtr: number) {
      if (type > maxBufferType) return R.BadArgument;
      const buf = activeContext(vm).buffer(type);
      if (!buf) return R.NotFound;
      if (!mem().writeU32(lengthPtr, buf.size) || !mem().writeU32(flagsPtr, 0)) return R.InvalidMemoryAccess;
      return R.Ok;
    },

    proxy_get_buffer_bytes(type: number, start: number, length: number, ptrPtr: number, sizePtr: number) {
      if (type > maxBufferType) return R.BadArgument;
      const buf = activeContext(vm).buffer(type);
      if (!buf) return R.NotFound;
      return vm.copyOut(buf.slice(start >>> 0, length >>> 0), ptrPtr, sizePtr);
    },

    proxy_set_buffer_bytes(type: number, start: number, length: number, dataPtr: number, dataSize: number) {
      if (type > maxBufferType) return R.BadArgument;
      const buf = activeContext(vm).buffer(type);
      if (!buf) return R.NotFound;
      const data = mem().peek(dataPtr, dataSize);
      if (!data) return R.InvalidMemoryAccess;
      return buf.set(start >>> 0, length >>> 0, data);
    },

    proxy_send_local_response(status: number, detailsPtr: number, detailsSize: number, bodyPtr: number, bodySize: number, headersPtr: number, headersSize: number, grpcStatus: number) {
      const ctx = activeContext(vm);
      const details = mem().readString(detailsPtr, detailsSize);
      const body = mem().read(bodyPtr, bodySize);
      const headers = mem().peek(headersPtr, headersSize);
      if (details === undefined || !body || !headers) return R.InvalidMemoryAccess;
      const result = ctx.sendLocalResponse(status, details, body, decodePairs(headers), grpcStatus | 0);
      vm.stopNextIteration = true;
      return result;
    },

    proxy_continue_stream(type: number) {
      if (type > MAX_STREAM_TYPE) return R.BadArgument;
      return activeContext(vm).continueStream(type);
    },

    proxy_close_stream(type: number) {
      if (type > MAX_STREAM_TYPE) return R.BadArgument;
      return activeContext(vm).closeStream(type);
    },

    proxy_set_effective_context(contextId: number) {
      activeContext(vm);
      return vm.setEffectiveContext(contextId >>> 0);
    },

    proxy_done() {
      // Only meaningful for a root context that returned false from on_done (VM shutdown); this host
      // never drains VMs, and Envoy answers NotFound for a context that is not pending shutdown.
      activeContext(vm);
      return R.NotFound;
    },
  };
}

const EMPTY = Buffer.alloc(0);
