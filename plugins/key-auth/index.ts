// key-auth: consumers identified by API keys, per-route allow lists (Higress-compatible).
export * from "@solo-io/proxy-runtime/proxy";
import { registerRootContext, RootContext } from "@solo-io/proxy-runtime";
import { KeyAuthRoot } from "./filter";

registerRootContext((context_id: u32): RootContext => new KeyAuthRoot(context_id), "key-auth");
