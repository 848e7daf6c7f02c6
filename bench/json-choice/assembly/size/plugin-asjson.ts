// plugin-guard.ts plus parsing and validating the key-auth configuration with assemblyscript-json.
export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, Context, registerRootContext } from "@solo-io/proxy-runtime";
import { JSON } from "assemblyscript-json/assembly";
import { KeyAuthConfig, describeKeyAuth } from "../keyauth-model";
import { isWellFormedJsonObject } from "../guard";
import { readKeyAuth } from "../asjson-keyauth";

class KeyAuthRoot extends RootContext {
  summary: string = "";

  onConfigure(size: u32): bool {
    if (!super.onConfigure(size)) return false;
    if (!isWellFormedJsonObject(String.UTF8.encode(this.getConfiguration()))) return false;
    const root = JSON.parse(this.getConfiguration());
    if (!root.isObj) return false;
    const config = new KeyAuthConfig();
    const error = readKeyAuth(<JSON.Obj>root, config);
    this.summary = error !== null ? error.toString() : describeKeyAuth(config);
    return error === null;
  }

  createContext(context_id: u32): Context {
    return new Context(context_id, this);
  }
}

registerRootContext((context_id: u32) => new KeyAuthRoot(context_id), "");
