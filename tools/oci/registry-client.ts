// A small client for the OCI distribution API: just what pushing needs (blob existence check, monolithic
// blob upload, manifest upload), with the two auth schemes registries use (Basic, and Bearer tokens from
// the realm a 401 names).
//
// Why hand-written: no npm package pushes OCI artifacts correctly. docker-registry-client hard-codes the
// Docker manifest type, and the generic HTTP helpers leave the auth dance to the caller anyway. The part of
// the API used here is four requests (HEAD blob, POST upload, PUT upload, PUT manifest).
import type { Credentials } from "./credentials.ts";
import { isLoopbackHost, type RegistryRef } from "./registry-ref.ts";

export type RegistryErrorKind = "unreachable" | "auth" | "registry";

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly kind: RegistryErrorKind,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

export interface RegistryClientOptions {
  /** Per request; uploads of a few hundred KB finish far sooner. */
  timeoutMs?: number;
}

export class RegistryClient {
  private authorization?: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly ref: RegistryRef,
    readonly repository: string,
    private readonly credentials: Credentials,
    options: RegistryClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** HEAD /v2/<repo>/blobs/<digest>: true when the registry already has the blob. */
  async hasBlob(digest: string): Promise<boolean> {
    const res = await this.send("HEAD", this.url(`blobs/${digest}`));
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await this.failure(res, "checking whether the registry has it");
  }

  /** POST an upload session, then PUT the whole blob to it with its digest (one request, no chunks). */
  async uploadBlob(digest: string, bytes: Uint8Array): Promise<void> {
    const started = await this.send("POST", this.url("blobs/uploads/"), { headers: { "content-length": "0" } });
    // The spec says 202; accept any success, as other clients do, and rely on the Location header.
    if (!started.ok) throw await this.failure(started, "starting the upload");
    await drain(started);
    const location = started.headers.get("location");
    if (!location) throw new RegistryError("the registry started an upload without a Location header", "registry", started.status);
    const target = new URL(location, this.ref.apiOrigin);
    this.assertSafeTarget(target);
    target.searchParams.set("digest", digest);
    const put = await this.send("PUT", target.toString(), {
      body: bytes,
      headers: { "content-type": "application/octet-stream", "content-length": String(bytes.byteLength) },
    });
    if (!put.ok) throw await this.failure(put, "uploading");
    await drain(put);
    const stored = put.headers.get("docker-content-digest");
    if (stored && stored !== digest) throw new RegistryError(`the registry stored it as ${stored}`, "registry", put.status);
  }

  /** PUT /v2/<repo>/manifests/<tag>; returns the digest the registry reports (or ours when it reports none). */
  async putManifest(tag: string, mediaType: string, bytes: Uint8Array, digest: string): Promise<string> {
    const res = await this.send("PUT", this.url(`manifests/${tag}`), {
      body: bytes,
      headers: { "content-type": mediaType, "content-length": String(bytes.byteLength) },
    });
    if (!res.ok) throw await this.failure(res, "uploading the manifest");
    await drain(res);
    const stored = res.headers.get("docker-content-digest") ?? digest;
    if (stored !== digest) throw new RegistryError(`the registry stored the manifest as ${stored}, not ${digest}`, "registry", res.status);
    return stored;
  }

  private url(path: string): string {
    return `${this.ref.apiOrigin}/v2/${this.repository}/${path}`;
  }

  /** An upload Location may point elsewhere (a storage front end); never downgrade to plain HTTP off the machine. */
  private assertSafeTarget(target: URL): void {
    if (target.protocol === "http:" && !isLoopbackHost(target.host)) {
      throw new RegistryError(`the registry sent the upload to plain-HTTP ${target.host}; refusing to send data unencrypted`, "registry");
    }
  }

  /** Sends once; on 401 answers the challenge and sends again. A second 401/403 means the credentials were refused. */
  private async send(method: string, url: string, init: { body?: Uint8Array; headers?: Record<string, string> } = {}): Promise<Response> {
    let res = await this.fetchOnce(method, url, init);
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get("www-authenticate"));
    await drain(res);
    this.authorization = await this.answerChallenge(challenge);
    res = await this.fetchOnce(method, url, init);
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(`the registry refused ${this.describeCredentials()}: ${await errorText(res)}`, "auth", res.status);
    }
    return res;
  }

  private async fetchOnce(method: string, url: string, init: { body?: Uint8Array; headers?: Record<string, string> }): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.authorization && new URL(url).origin === this.ref.apiOrigin) headers.authorization = this.authorization;
    try {
      // Node's fetch sends a Uint8Array as is; the DOM typings only list ArrayBuffer views via BufferSource.
      const body = init.body as unknown as BodyInit | undefined;
      return await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new RegistryError(`cannot reach ${new URL(url).origin}: ${describeNetworkError(e, this.timeoutMs)}`, "unreachable");
    }
  }

  private async answerChallenge(challenge: Challenge | undefined): Promise<string> {
    const creds = this.credentials;
    if (!challenge) throw new RegistryError("the registry answered 401 without a WWW-Authenticate challenge", "auth", 401);
    if (challenge.scheme === "basic") {
      if (creds.kind !== "basic") {
        throw new RegistryError(`the registry requires a user name and password and ${this.describeCredentials()} cannot give one`, "auth", 401);
      }
      return "Basic " + Buffer.from(`${creds.username}:${creds.password}`).toString("base64");
    }
    if (challenge.scheme === "bearer") return "Bearer " + (await this.fetchToken(challenge.params));
    throw new RegistryError(`the registry asks for unsupported auth scheme "${challenge.scheme}"`, "auth", 401);
  }

  /** Token endpoint (Docker token auth spec): always asks for pull+push on our repository, whatever the 401 named. */
  private async fetchToken(params: Record<string, string>): Promise<string> {
    if (!params.realm) throw new RegistryError("the registry's Bearer challenge names no realm", "auth", 401);
    const realm = new URL(params.realm);
    if (realm.protocol === "http:" && !isLoopbackHost(realm.host)) {
      throw new RegistryError(`refusing to send credentials to plain-HTTP token service ${realm.host}`, "auth");
    }
    const scopes = [`repository:${this.repository}:pull,push`];
    if (params.scope && !scopes.includes(params.scope)) scopes.push(params.scope);
    const creds = this.credentials;
    let res: Response;
    try {
      if (creds.kind === "identity-token") {
        const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: creds.token, client_id: "ai-gateway-oci", scope: scopes.join(" ") });
        if (params.service) form.set("service", params.service);
        res = await fetch(realm, { method: "POST", body: form, signal: AbortSignal.timeout(this.timeoutMs) });
      } else {
        if (params.service) realm.searchParams.set("service", params.service);
        for (const scope of scopes) realm.searchParams.append("scope", scope);
        const headers: Record<string, string> = {};
        if (creds.kind === "basic") headers.authorization = "Basic " + Buffer.from(`${creds.username}:${creds.password}`).toString("base64");
        res = await fetch(realm, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
      }
    } catch (e) {
      throw new RegistryError(`cannot reach token service ${realm.origin}: ${describeNetworkError(e, this.timeoutMs)}`, "unreachable");
    }
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(`the token service refused ${this.describeCredentials()}: ${await errorText(res)}`, "auth", res.status);
    }
    if (!res.ok) throw new RegistryError(`the token service answered ${await errorText(res)}`, "auth", res.status);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError("the token service answered without a token", "auth", res.status);
    return token;
  }

  private describeCredentials(): string {
    const creds = this.credentials;
    if (creds.kind === "basic") return `the credentials of user "${creds.username}" (from ${creds.origin})`;
    if (creds.kind === "identity-token") return `the identity token (from ${creds.origin})`;
    return "anonymous access (no credentials in REGISTRY_USERNAME/REGISTRY_PASSWORD or the Docker config)";
  }

  private async failure(res: Response, doing: string): Promise<RegistryError> {
    return new RegistryError(`${doing}: the registry answered ${await errorText(res)}`, res.status === 403 ? "auth" : "registry", res.status);
  }
}

/** Parses `Bearer realm="…",service="…",scope="…"` (quoted values may contain commas). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(\S+)\s*(.*)$/.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2].matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[key.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare;
  }
  return { scheme: match[1].toLowerCase(), params };
}

/** "401 UNAUTHORIZED: authentication required" from the distribution error body, else the status text. */
async function errorText(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const errors = (JSON.parse(text) as { errors?: { code?: string; message?: string; detail?: unknown }[] }).errors ?? [];
    if (errors.length) return `${res.status} ${errors.map((e) => [e.code, e.message].filter(Boolean).join(": ")).join("; ")}`;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const snippet = text.trim().slice(0, 200);
  return `${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ""}`;
}

function describeNetworkError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError") return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  return err.cause?.message ?? err.cause?.code ?? err.message ?? String(e);
}

async function drain(res: Response): Promise<void> {
  await res.arrayBuffer().catch(() => undefined);
}
