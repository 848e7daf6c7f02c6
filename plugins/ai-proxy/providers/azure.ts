// Azure OpenAI (type `azure`): OpenAI's formats at the resource's host, key in `api-key`, the
// `api-version` query of `azureServiceUrl` kept on every path. `azureServiceUrl` comes in Higress's
// three forms:
//   https://{resource}.openai.azure.com/openai/deployments/{deployment}/chat/completions?api-version=…
//     a full URL: chat goes there; other APIs go next to it (…/{deployment}/embeddings);
//   https://{resource}.openai.azure.com/openai/deployments/{deployment}?api-version=…
//     one deployment for every model;
//   https://{resource}.openai.azure.com?api-version=…
//     the deployment is the (mapped) model, so request headers wait for the body.
// A path that is not /openai/deployments/… is taken as a full URL, as Higress does.
import { Fields } from "../../common/config";
import { Api, openAiPath } from "../api";
import { hasParam } from "../query";
import { Provider } from "./provider";

const DEPLOYMENTS = "/openai/deployments/";

const enum UrlForm {
  Full = 0,
  Deployment = 1,
  ResourceOnly = 2,
}

export class AzureProvider extends Provider {
  private serviceHost: string = "";
  private form: UrlForm = UrlForm.ResourceOnly;
  /** Full form: the URL's path; deployment form: the deployment. */
  private target: string = "";
  /** The URL's query string (without '?'), api-version among it. */
  private query: string = "";

  get type(): string {
    return "azure";
  }

  get system(): string {
    return "azure.ai.openai";
  }

  defaultHost(): string {
    return this.serviceHost;
  }

  parse(f: Fields): void {
    const url = f.requiredString("azureServiceUrl");
    if (url.length == 0) return;
    const schemeEnd = url.indexOf("://");
    let rest = schemeEnd >= 0 ? url.substring(schemeEnd + 3) : url;
    const q = rest.indexOf("?");
    this.query = q < 0 ? "" : rest.substring(q + 1);
    if (q >= 0) rest = rest.substring(0, q);
    const slash = rest.indexOf("/");
    this.serviceHost = slash < 0 ? rest : rest.substring(0, slash);
    let path = slash < 0 ? "" : rest.substring(slash);
    if (path.endsWith("/")) path = path.substring(0, path.length - 1);
    if (this.serviceHost.length == 0) f.fail("azureServiceUrl", "needs a host, e.g. https://my-resource.openai.azure.com");
    if (!hasParam(this.query, "api-version")) f.fail("azureServiceUrl", "needs the api-version query parameter, e.g. ?api-version=2024-10-21");
    if (path.length == 0) {
      this.form = UrlForm.ResourceOnly;
    } else if (path.startsWith(DEPLOYMENTS) && !path.substring(DEPLOYMENTS.length).includes("/")) {
      this.form = UrlForm.Deployment;
      this.target = path.substring(DEPLOYMENTS.length);
    } else {
      this.form = UrlForm.Full;
      this.target = path;
    }
  }

  path(api: Api, model: string, _stream: bool): string {
    const openai = openAiPath(api);
    if (openai.length == 0) return "";
    const suffix = openai.substring(3); // "/chat/completions", "/embeddings", …
    let path: string;
    if (api == Api.Models) path = "/openai/models";
    else if (this.form == UrlForm.Full) {
      const cut = this.target.lastIndexOf("/chat/completions");
      path = api == Api.ChatCompletions || api == Api.AnthropicMessages || cut < 0 ? this.target : this.target.substring(0, cut) + suffix;
    } else {
      const deployment = this.form == UrlForm.Deployment ? this.target : model;
      path = DEPLOYMENTS + deployment + suffix;
    }
    return this.withBase(this.query.length ? path + "?" + this.query : path);
  }

  pathNeedsBody(api: Api): bool {
    return this.form == UrlForm.ResourceOnly && api != Api.Models;
  }

  authHeaders(token: string): string[] {
    return ["api-key", token];
  }
}
