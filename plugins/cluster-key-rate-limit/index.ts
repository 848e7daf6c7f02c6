// cluster-key-rate-limit: request rates shared by every gateway through Redis (Higress-compatible).
// A Higress-only module: it imports Higress's proxy_redis_* functions, which stock Envoy refuses.
export * from "@solo-io/proxy-runtime/proxy";
import { registerRootContext, RootContext } from "@solo-io/proxy-runtime";
import { enterCallback, leaveCallback } from "@solo-io/proxy-runtime/assembly/collector";
import { ClusterRateLimitRoot, deliverRedisReply } from "./filter";

registerRootContext((context_id: u32): RootContext => new ClusterRateLimitRoot(context_id), "cluster-key-rate-limit");

/** Higress delivers every Redis reply on the root context that made the call. */
export function proxy_on_redis_call_response(root_context_id: u32, token: u32, status: u32, response_size: u32): void {
  // Bracketed like every export of the runtime: the garbage collector runs only when it returns.
  enterCallback();
  deliverRedisReply(root_context_id, token, status, response_size);
  leaveCallback();
}
