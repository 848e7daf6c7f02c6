// plugin-none.ts plus the syntax guard on the configuration: the floor for the two library plugins.
export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, Context, registerRootContext } from "@solo-io/proxy-runtime";
import { KeyAuthConfig, describeKeyAuth } from "../keyauth-model";
import { isWellFormedJsonObject } from "../guard";

class KeyAuthRoot extends RootContext {
  summary: string = "";

  onConfigure(size: u32): bool {
    if (!super.onConfigure(size)) return false;
    if (!isWellFormedJsonObject(String.UTF8.encode(this.getConfiguration()))) return false;
    this.summary = describeKeyAuth(new KeyAuthConfig()) + this.getConfiguration();
    return true;
  }

  createContext(context_id: u32): Context {
    return new Context(context_id, this);
  }
}

registerRootContext((context_id: u32) => new KeyAuthRoot(context_id), "");
