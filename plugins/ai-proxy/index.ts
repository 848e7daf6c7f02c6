// ai-proxy: one OpenAI-compatible API (and Anthropic's Messages API) in front of many LLM providers.
export * from "@solo-io/proxy-runtime/proxy";
import { registerRootContext, RootContext } from "@solo-io/proxy-runtime";
import { setCollectionInterval } from "@solo-io/proxy-runtime/assembly/collector";
import { AiProxyRoot } from "./filter";

// A chat request or a stream chunk leaves kilobytes of garbage (bodies, events), not the few hundred
// bytes of the other plugins: collecting every 32 calls keeps a VM at ~128 KiB (make bench).
setCollectionInterval(32);

registerRootContext((context_id: u32): RootContext => new AiProxyRoot(context_id), "ai-proxy");
