// The proxy-wasm host library: used by the tests, the benchmarks and the local gateway.
export { Host, FilterChain, type HostOptions } from "./host.ts";
export { Plugin, PluginConfigError, type PluginOptions, type FilterRuntime } from "./plugin.ts";
export { HttpStream, type StreamSink } from "./stream/http-stream.ts";
export { newStreamInfo, type StreamInfo } from "./stream/stream-info.ts";
export { HeaderMap } from "./vm/header-map.ts";
export { loadModule, ModuleLoadError, type LoadedModule } from "./vm/module.ts";
export { WasmVm } from "./vm/vm.ts";
export { ManualClock, SystemClock, type Clock } from "./services/clock.ts";
export { MemoryLog, ConsoleLog, type LogSink, type LogRecord } from "./services/logger.ts";
export { MetricStore, extractTags, type TagRule } from "./services/metrics.ts";
export { ClusterManager, type ClusterSpec, type UpstreamResponse } from "./services/clusters.ts";
export * from "./abi/constants.ts";
