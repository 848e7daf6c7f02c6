// Test-only plugin on the SDK (@solo-io/proxy-runtime, patched): proves that RootContext.onConfigure
// hands the plugin its configuration byte-exact whatever its size (the unpatched SDK wrote the
// returned size over low memory) and never logs it. It logs only the configuration's length and
// FNV-1a checksum, and answers every request with the configuration as the body.
export * from "@solo-io/proxy-runtime/proxy";
import { Context, FilterHeadersStatusValues, GrpcStatusValues, LogLevelValues, RootContext, log, registerRootContext, send_local_response } from "@solo-io/proxy-runtime";
import { fnv1a, u32hex } from "./mem";

class EchoRoot extends RootContext {
  onConfigure(size: u32): bool {
    super.onConfigure(size);
    const bytes = String.UTF8.encode(this.getConfiguration());
    log(LogLevelValues.info, "config-digest bytes=" + bytes.byteLength.toString() + " fnv1a=" + u32hex(fnv1a(changetype<usize>(bytes), bytes.byteLength)));
    return true;
  }

  createContext(id: u32): Context {
    return new EchoContext(id, this);
  }
}

class EchoContext extends Context {
  onRequestHeaders(_headers: u32, _endOfStream: bool): FilterHeadersStatusValues {
    send_local_response(200, "config_echo", String.UTF8.encode(this.root_context.getConfiguration()), [], <GrpcStatusValues>-1);
    return FilterHeadersStatusValues.StopIteration;
  }
}

registerRootContext((id: u32) => new EchoRoot(id), "config-echo");
