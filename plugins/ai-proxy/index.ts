// ai-proxy: one OpenAI-compatible API (and Anthropic's Messages API) in front of many LLM providers.
export * from "@solo-io/proxy-runtime/proxy";
import { registerRootContext, RootContext } from "@solo-io/proxy-runtime";
import { AiProxyRoot } from "./filter";

registerRootContext((context_id: u32): RootContext => new AiProxyRoot(context_id), "ai-proxy");
