// Plugin-sized floor: a proxy-runtime plugin whose configure step keeps the configuration text and
// fills an empty KeyAuthConfig, without parsing. plugin-guard.ts adds the syntax guard, and
// plugin-asjson.ts / plugin-jsonas.ts add one library each on top of that.
export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, Context, registerRootContext } from "@solo-io/proxy-runtime";
import { KeyAuthConfig, describeKeyAuth } from "../keyauth-model";

class KeyAuthRoot extends RootContext {
  summary: string = "";

  onConfigure(size: u32): bool {
    if (!super.onConfigure(size)) return false;
    this.summary = describeKeyAuth(new KeyAuthConfig()) + this.getConfiguration();
    return true;
  }

  createContext(context_id: u32): Context {
    return new Context(context_id, this);
  }
}

registerRootContext((context_id: u32) => new KeyAuthRoot(context_id), "");
