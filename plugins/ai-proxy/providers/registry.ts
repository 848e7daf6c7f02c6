// The one place that knows every provider type.
import { AzureProvider } from "./azure";
import { ClaudeProvider } from "./claude";
import { GeminiProvider } from "./gemini";
import { OpenAiCompatible } from "./openai-compatible";
import { Provider } from "./provider";

export const PROVIDER_TYPES = [
  "openai", "deepseek", "moonshot", "groq", "mistral", "qwen", "ollama", "generic", "azure", "claude", "anthropic", "gemini",
];

export function createProvider(type: string): Provider | null {
  if (type == "openai") return new OpenAiCompatible("openai", "openai", "api.openai.com", "/v1");
  if (type == "deepseek") return new OpenAiCompatible("deepseek", "deepseek", "api.deepseek.com", "/v1");
  if (type == "moonshot") return new OpenAiCompatible("moonshot", "moonshot", "api.moonshot.cn", "/v1");
  if (type == "groq") return new OpenAiCompatible("groq", "groq", "api.groq.com", "/openai/v1");
  if (type == "mistral") return new OpenAiCompatible("mistral", "mistral_ai", "api.mistral.ai", "/v1");
  if (type == "qwen") return new OpenAiCompatible("qwen", "qwen", "dashscope.aliyuncs.com", "/compatible-mode/v1");
  if (type == "ollama") return new OpenAiCompatible("ollama", "ollama", "", "/v1");
  if (type == "generic") return new OpenAiCompatible("generic", "generic", "", "/v1");
  if (type == "azure") return new AzureProvider();
  if (type == "claude" || type == "anthropic") return new ClaudeProvider(type);
  if (type == "gemini") return new GeminiProvider();
  return null;
}
