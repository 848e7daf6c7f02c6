// Higress's Redis extension of the proxy-wasm ABI (only Higress gateways offer it; stock Envoy refuses
// a module importing it, which is why this plugin is a module of its own). proxy_redis_init binds an
// Envoy cluster to credentials; proxy_redis_call sends one RESP command and returns a token; the raw
// RESP reply arrives later in proxy_on_redis_call_response (exported by index.ts) on the root context
// and is read as buffer type 9.
import { BufferType, getBufferBytes, Result } from "../common/host";
import { RedisTarget } from "./config";

@external("env", "proxy_redis_init")
declare function proxy_redis_init(clusterPtr: usize, clusterSize: usize, userPtr: usize, userSize: usize, passwordPtr: usize, passwordSize: usize, timeoutMs: u32): u32;

@external("env", "proxy_redis_call")
declare function proxy_redis_call(clusterPtr: usize, clusterSize: usize, queryPtr: usize, querySize: usize, tokenPtr: usize): u32;

const TOKEN = memory.data(4);

/** Binds the target's cluster; true when the host accepted it. */
export function redisInit(t: RedisTarget): bool {
  const r = proxy_redis_init(
    changetype<usize>(t.handle), t.handle.byteLength,
    changetype<usize>(t.user), t.user.byteLength,
    changetype<usize>(t.password), t.password.byteLength,
    t.timeoutMs,
  );
  return r == Result.Ok;
}

/** Sends `len` bytes of RESP at `query`; the call's token, or 0 when the host refused it. */
export function redisCall(t: RedisTarget, query: usize, len: i32): u32 {
  store<u32>(TOKEN, 0);
  const r = proxy_redis_call(changetype<usize>(t.handle), t.handle.byteLength, query, len, TOKEN);
  return r == Result.Ok ? load<u32>(TOKEN) : 0;
}

/** The raw reply of the call being delivered. */
export function redisReply(size: u32): ArrayBuffer {
  return getBufferBytes(BufferType.RedisCallResponse, 0, size);
}
