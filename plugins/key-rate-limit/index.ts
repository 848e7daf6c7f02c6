// key-rate-limit: per-key request rates shared by every worker of one gateway (Higress-compatible).
export * from "@solo-io/proxy-runtime/proxy";
import { registerRootContext, RootContext } from "@solo-io/proxy-runtime";
import { KeyRateLimitRoot } from "./filter";

registerRootContext((context_id: u32): RootContext => new KeyRateLimitRoot(context_id), "key-rate-limit");
