// Finds the credentials for a registry host the way docker, podman and skopeo users already store them:
//  1. REGISTRY_USERNAME + REGISTRY_PASSWORD in the environment (CI);
//  2. an auth file: $REGISTRY_AUTH_FILE, then $DOCKER_CONFIG/config.json (or ~/.docker/config.json), then
//     $XDG_RUNTIME_DIR/containers/auth.json. In each: credHelpers[host], else credsStore, else auths[key]
//     where key is the host or host/path prefix of the repository (longest wins), with or without a scheme.
// Credential helpers (docker-credential-<name>) are run with the host on stdin, as docker does.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export type Credentials =
  | { kind: "anonymous"; origin: string }
  | { kind: "basic"; username: string; password: string; origin: string }
  /** An OAuth2 refresh token (docker config "identitytoken"), exchanged at the token endpoint. */
  | { kind: "identity-token"; token: string; origin: string };

export class CredentialsError extends Error {}

const HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

export function resolveCredentials(host: string, repository: string, env: NodeJS.ProcessEnv = process.env): Credentials {
  const user = env.REGISTRY_USERNAME;
  const password = env.REGISTRY_PASSWORD;
  if (user !== undefined || password !== undefined) {
    if (!user || password === undefined) throw new CredentialsError("set both REGISTRY_USERNAME and REGISTRY_PASSWORD, or neither");
    return { kind: "basic", username: user, password, origin: "REGISTRY_USERNAME/REGISTRY_PASSWORD" };
  }
  for (const file of authFiles(env)) {
    const found = fromAuthFile(file, host, repository, env);
    if (found) return found;
  }
  return { kind: "anonymous", origin: "no credentials found" };
}

function authFiles(env: NodeJS.ProcessEnv): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  files.push(join(env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), ".docker"), "config.json"));
  if (env.XDG_RUNTIME_DIR) files.push(join(env.XDG_RUNTIME_DIR, "containers", "auth.json"));
  return files.filter((f) => existsSync(f));
}

function fromAuthFile(file: string, host: string, repository: string, env: NodeJS.ProcessEnv): Credentials | undefined {
  let config: any;
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CredentialsError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const wanted = normaliseHost(host);
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => normaliseKey(key) === wanted)?.[1] as string | undefined;
  if (helper) return fromHelper(helper, host, `${file} credHelpers`, env);

  const target = `${wanted}/${repository}`;
  const matches = Object.entries(config.auths ?? {})
    .map(([key, entry]) => ({ key: normaliseKey(key), entry: entry as any }))
    .filter(({ key }) => key === wanted || target.startsWith(key + "/"))
    .sort((a, b) => b.key.length - a.key.length);
  const entry = matches.find(({ entry }) => entry.auth || entry.username || entry.identitytoken)?.entry;
  if (entry) return fromAuthEntry(entry, `${file}`);
  if (config.credsStore) return fromHelper(config.credsStore, host, `${file} credsStore`, env);
  return undefined;
}

function fromAuthEntry(entry: any, origin: string): Credentials {
  if (entry.identitytoken) return { kind: "identity-token", token: entry.identitytoken, origin };
  if (entry.username && entry.password !== undefined) return { kind: "basic", username: entry.username, password: entry.password, origin };
  const decoded = Buffer.from(String(entry.auth), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) throw new CredentialsError(`${origin}: the "auth" entry is not base64 of user:password`);
  return { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1), origin };
}

function fromHelper(helper: string, host: string, origin: string, env: NodeJS.ProcessEnv): Credentials {
  const program = `docker-credential-${helper}`;
  const run = spawnSync(program, ["get"], { input: host, encoding: "utf8", timeout: 30_000, env });
  if (run.error) throw new CredentialsError(`${origin}: cannot run ${program}: ${run.error.message}`);
  // Helpers answer "credentials not found in native keychain" with a non-zero exit: that means anonymous.
  if (run.status !== 0) {
    if (/not found/i.test(run.stdout + run.stderr)) return { kind: "anonymous", origin: `${program} has no entry for ${host}` };
    throw new CredentialsError(`${origin}: ${program} failed: ${(run.stderr || run.stdout).trim()}`);
  }
  const answer = JSON.parse(run.stdout);
  if (answer.Username === "<token>") return { kind: "identity-token", token: answer.Secret, origin: program };
  return { kind: "basic", username: answer.Username, password: answer.Secret, origin: program };
}

/** "https://index.docker.io/v1/" → "docker.io"; "http://127.0.0.1:5000/" → "127.0.0.1:5000"; keeps a repo path. */
function normaliseKey(key: string): string {
  const withoutScheme = key.replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, "");
  const [hostPart, ...path] = withoutScheme.split("/");
  const host = normaliseHost(hostPart);
  // Docker Hub's legacy key carries a "/v1" path that is not a repository.
  const repoPath = HUB_ALIASES.has(hostPart) && path.join("/") === "v1" ? [] : path;
  return [host, ...repoPath].join("/");
}

function normaliseHost(host: string): string {
  return HUB_ALIASES.has(host) ? "docker.io" : host;
}
