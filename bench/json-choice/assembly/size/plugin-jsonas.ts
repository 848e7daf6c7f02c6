// plugin-guard.ts plus parsing and validating the key-auth configuration with json-as (dynamic API).
export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, Context, registerRootContext } from "@solo-io/proxy-runtime";
import { JSON } from "json-as";
import { KeyAuthConfig, describeKeyAuth } from "../keyauth-model";
import { isWellFormedJsonObject } from "../guard";
import { readKeyAuth } from "../jsonas-keyauth";

class KeyAuthRoot extends RootContext {
  summary: string = "";

  onConfigure(size: u32): bool {
    if (!super.onConfigure(size)) return false;
    if (!isWellFormedJsonObject(String.UTF8.encode(this.getConfiguration()))) return false;
    const root = JSON.parse<JSON.Value>(this.getConfiguration());
    if (root.type != JSON.Types.Object) return false;
    const config = new KeyAuthConfig();
    const error = readKeyAuth(root.get<JSON.Obj>(), config);
    this.summary = error !== null ? error.toString() : describeKeyAuth(config);
    return error === null;
  }

  createContext(context_id: u32): Context {
    return new Context(context_id, this);
  }
}

registerRootContext((context_id: u32) => new KeyAuthRoot(context_id), "");
