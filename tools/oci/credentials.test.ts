// Where push finds credentials (environment, Docker/podman auth files, credential helpers), how a REGISTRY
// value is read (plain HTTP only on loopback), how 401 challenges are parsed, and that no token in a git
// remote URL reaches an image annotation.
import { describe, expect, it } from "vitest";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveCredentials, CredentialsError } from "./credentials.ts";
import { parseRegistry, RegistryRefError, repositoryFor } from "./registry-ref.ts";
import { parseChallenge } from "./registry-client.ts";
import { publicRepositoryUrl } from "./cli.ts";

function dockerConfig(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "oci-creds-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(content));
  return dir;
}
const b64 = (s: string) => Buffer.from(s).toString("base64");
const noHome = { HOME: join(tmpdir(), "oci-no-home"), PATH: process.env.PATH };

describe("resolveCredentials", () => {
  it("prefers REGISTRY_USERNAME/REGISTRY_PASSWORD over any file", () => {
    const dir = dockerConfig({ auths: { "ghcr.io": { auth: b64("file-user:file-pass") } } });
    const creds = resolveCredentials("ghcr.io", "org/key-auth", { ...noHome, DOCKER_CONFIG: dir, REGISTRY_USERNAME: "env-user", REGISTRY_PASSWORD: "env-pass" });
    expect(creds).toEqual({ kind: "basic", username: "env-user", password: "env-pass", origin: "REGISTRY_USERNAME/REGISTRY_PASSWORD" });
  });

  it("refuses half of the environment pair", () => {
    expect(() => resolveCredentials("ghcr.io", "x", { ...noHome, REGISTRY_USERNAME: "u" })).toThrow(CredentialsError);
    expect(() => resolveCredentials("ghcr.io", "x", { ...noHome, REGISTRY_PASSWORD: "p" })).toThrow("set both REGISTRY_USERNAME and REGISTRY_PASSWORD");
  });

  it("reads auths entries keyed by host, by URL, and Docker Hub's legacy key", () => {
    const dir = dockerConfig({
      auths: {
        "https://ghcr.io": { auth: b64("gh:tok:with:colons") },
        "https://index.docker.io/v1/": { auth: b64("hubuser:hubpass") },
        "127.0.0.1:5000": { username: "local", password: "pw" },
      },
    });
    const env = { ...noHome, DOCKER_CONFIG: dir };
    expect(resolveCredentials("ghcr.io", "o/p", env)).toMatchObject({ kind: "basic", username: "gh", password: "tok:with:colons" });
    expect(resolveCredentials("docker.io", "o/p", env)).toMatchObject({ username: "hubuser", password: "hubpass" });
    expect(resolveCredentials("127.0.0.1:5000", "o/p", env)).toMatchObject({ username: "local", password: "pw" });
    expect(resolveCredentials("quay.io", "o/p", env)).toEqual({ kind: "anonymous", origin: "no credentials found" });
  });

  it("uses the longest repository-path key of a podman auth file, which is read first", () => {
    const authFile = join(dockerConfig({}), "auth.json");
    writeFileSync(authFile, JSON.stringify({ auths: { "quay.io": { auth: b64("org:a") }, "quay.io/team/plugins": { auth: b64("team:b") } } }));
    const env = { ...noHome, REGISTRY_AUTH_FILE: authFile };
    expect(resolveCredentials("quay.io", "team/plugins/key-auth", env)).toMatchObject({ username: "team" });
    expect(resolveCredentials("quay.io", "other/key-auth", env)).toMatchObject({ username: "org" });
  });

  it("passes an identity token on as such", () => {
    const dir = dockerConfig({ auths: { "myregistry.azurecr.io": { auth: b64("00000000-0000-0000-0000-000000000000:"), identitytoken: "refresh-me" } } });
    expect(resolveCredentials("myregistry.azurecr.io", "p", { ...noHome, DOCKER_CONFIG: dir })).toMatchObject({ kind: "identity-token", token: "refresh-me" });
  });

  it("asks the credential helper named in credHelpers, giving it the host on stdin", () => {
    const bin = mkdtempSync(join(tmpdir(), "oci-helper-"));
    mkdirSync(bin, { recursive: true });
    const helper = join(bin, "docker-credential-testhelper");
    writeFileSync(helper, `#!/bin/sh\nread host\nprintf '{"ServerURL":"%s","Username":"helper-user","Secret":"secret-for-%s"}' "$host" "$host"\n`);
    chmodSync(helper, 0o755);
    const dir = dockerConfig({ credHelpers: { "ecr.example.com": "testhelper" } });
    const creds = resolveCredentials("ecr.example.com", "p", { ...noHome, PATH: `${bin}:${process.env.PATH}`, DOCKER_CONFIG: dir });
    expect(creds).toMatchObject({ kind: "basic", username: "helper-user", password: "secret-for-ecr.example.com" });
  });

  it("says which file is broken when the config is not JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "oci-creds-"));
    writeFileSync(join(dir, "config.json"), "{ not json");
    expect(() => resolveCredentials("ghcr.io", "p", { ...noHome, DOCKER_CONFIG: dir })).toThrow(`${join(dir, "config.json")}: not valid JSON`);
  });
});

describe("parseRegistry", () => {
  it("uses plain HTTP for loopback hosts and HTTPS for everything else", () => {
    expect(parseRegistry("127.0.0.1:5000/plugins")).toEqual({ host: "127.0.0.1:5000", apiOrigin: "http://127.0.0.1:5000", namespace: "plugins" });
    expect(parseRegistry("localhost:5000")).toMatchObject({ apiOrigin: "http://localhost:5000", namespace: "" });
    expect(parseRegistry("[::1]:5000/a/b")).toMatchObject({ apiOrigin: "http://[::1]:5000", namespace: "a/b" });
    expect(parseRegistry("ghcr.io/org/plugins/")).toEqual({ host: "ghcr.io", apiOrigin: "https://ghcr.io", namespace: "org/plugins" });
    expect(parseRegistry("https://127.0.0.1:5443/x")).toMatchObject({ apiOrigin: "https://127.0.0.1:5443" });
    expect(parseRegistry("10.0.0.5:5000/x")).toMatchObject({ apiOrigin: "https://10.0.0.5:5000" });
  });

  it("refuses http:// for a host off the machine", () => {
    expect(() => parseRegistry("http://10.0.0.5:5000/x")).toThrow("refusing plain HTTP to 10.0.0.5:5000");
    expect(() => parseRegistry("http://127.0.0.2.nip.io/x")).toThrow(RegistryRefError);
  });

  it("sends Docker Hub to its API host", () => {
    const hub = parseRegistry("docker.io/myorg");
    expect(hub).toEqual({ host: "docker.io", apiOrigin: "https://registry-1.docker.io", namespace: "myorg" });
    expect(repositoryFor(hub, "key-auth")).toBe("myorg/key-auth");
  });

  it("rejects namespaces a registry would reject", () => {
    expect(() => parseRegistry("ghcr.io/Org/Plugins")).toThrow('namespace "Org/Plugins" is not a valid repository path');
    expect(() => parseRegistry("")).toThrow(RegistryRefError);
  });
});

describe("parseChallenge", () => {
  it("reads quoted parameters containing commas", () => {
    expect(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"')).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.example.com/token", service: "registry.example.com", scope: "repository:a/b:pull,push" },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: "basic", params: { realm: "Registry Realm" } });
    expect(parseChallenge(null)).toBeUndefined();
  });
});

describe("publicRepositoryUrl", () => {
  it("turns SSH remotes into https URLs and drops credentials from https remotes", () => {
    expect(publicRepositoryUrl("git@github.com:acme/ai-gateway-wasm.git")).toBe("https://github.com/acme/ai-gateway-wasm");
    expect(publicRepositoryUrl("https://x-access-token:ghp_secret@github.com/acme/ai-gateway-wasm.git")).toBe("https://github.com/acme/ai-gateway-wasm");
    expect(publicRepositoryUrl("/srv/git/local-clone")).toBeUndefined();
    expect(publicRepositoryUrl(undefined)).toBeUndefined();
  });
});
