// request-block: block requests by URL, header or body content (Higress-compatible).
export * from "@solo-io/proxy-runtime/proxy";
import { registerRootContext, RootContext } from "@solo-io/proxy-runtime";
import { RequestBlockRoot } from "./filter";

registerRootContext((context_id: u32): RootContext => new RequestBlockRoot(context_id), "request-block");
