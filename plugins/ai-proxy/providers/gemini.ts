// Google Gemini API (type `gemini`): generativelanguage.googleapis.com, key in `x-goog-api-key`.
// The model is part of the path — /{apiVersion}/models/{model}:generateContent, or
// :streamGenerateContent?alt=sse for streams, :batchEmbedContents for embeddings — so request headers
// wait for the body. Chat and embeddings are translated both ways, and the model list for OpenAI clients.
// Config: `apiVersion` (default v1beta), `geminiSafetySetting` ({category: threshold}).
import { Fields } from "../../common/config";
import { JSON } from "../../common/json-writer";
import { Api } from "../api";
import { GeminiEmbeddingsToOpenAi, GeminiToOpenAi } from "../translate/gemini-to-openai";
import { GeminiModelsToOpenAi } from "../translate/models-to-openai";
import { toGeminiEmbeddings, toGeminiRequest } from "../translate/openai-to-gemini";
import { Provider, ResponseTranslator } from "./provider";

export const GEMINI_DEFAULT_API_VERSION = "v1beta";

/** A model as a path segment: clients may name it "models/gemini-…" as Gemini itself does. */
function modelId(model: string): string {
  return model.startsWith("models/") ? model.substring(7) : model;
}

export class GeminiProvider extends Provider {
  private apiVersion: string = GEMINI_DEFAULT_API_VERSION;
  /** safetySettings as [category, threshold, …], in config order. */
  private safety: string[] = [];

  get type(): string {
    return "gemini";
  }

  get system(): string {
    return "gcp.gemini";
  }

  defaultHost(): string {
    return "generativelanguage.googleapis.com";
  }

  parse(f: Fields): void {
    const version = f.string("apiVersion", GEMINI_DEFAULT_API_VERSION)!;
    if (version.length == 0 || version.includes("/")) f.fail("apiVersion", "must be a version such as v1beta or v1");
    this.apiVersion = version;
    const safety = f.object("geminiSafetySetting");
    if (safety === null) return;
    const categories = safety.keys();
    for (let i = 0; i < categories.length; i++) {
      const threshold = safety.string(categories[i]);
      if (threshold === null) return;
      this.safety.push(categories[i]);
      this.safety.push(threshold);
    }
  }

  path(api: Api, model: string, stream: bool): string {
    const base = "/" + this.apiVersion + "/models";
    if (api == Api.Models) return this.withBase(base);
    let action = "";
    if (api == Api.ChatCompletions || api == Api.AnthropicMessages) action = stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
    else if (api == Api.Embeddings) action = ":batchEmbedContents";
    else return "";
    return this.withBase(base + "/" + modelId(model) + action);
  }

  openAiModelListPath(): string {
    return this.path(Api.Models, "", false) + "?pageSize=1000"; // Gemini's largest page (default 50)
  }

  pathNeedsBody(api: Api): bool {
    return api != Api.Models;
  }

  authHeaders(token: string): string[] {
    return ["x-goog-api-key", token];
  }

  get speaksOpenAI(): bool {
    return false;
  }

  request(api: Api, req: JSON.Obj, stream: bool): ArrayBuffer {
    if (api == Api.Embeddings) {
      const model = req.getString("model");
      return toGeminiEmbeddings(req, modelId(model === null ? "" : model.valueOf()));
    }
    return toGeminiRequest(req, this.safety);
  }

  responseTranslator(api: Api, stream: bool, model: string = ""): ResponseTranslator | null {
    if (api == Api.Models) return new GeminiModelsToOpenAi();
    if (api == Api.Embeddings) return new GeminiEmbeddingsToOpenAi(model);
    return new GeminiToOpenAi(model);
  }
}
