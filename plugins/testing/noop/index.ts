// The SDK floor for `make bench`: a plugin on our runtime that does nothing per request.
export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, Context, registerRootContext } from "@solo-io/proxy-runtime";

class NoopRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new Context(context_id, this);
  }
}

registerRootContext((context_id: u32) => new NoopRoot(context_id), "noop");
