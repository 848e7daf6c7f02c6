// Parses the REGISTRY a user gives (`host[:port][/namespace…]`, optionally with an http:// or https:// prefix)
// into where the distribution API lives and which repository path each plugin gets.
// Plain HTTP is used, and allowed, only for loopback hosts: credentials never travel unencrypted off the machine.
import { isIP } from "node:net";

export interface RegistryRef {
  /** Host (and port) as written by the user: the key credentials are looked up under. */
  host: string;
  /** Origin of the distribution API, e.g. https://ghcr.io or http://127.0.0.1:5000. */
  apiOrigin: string;
  /** Repository path prefix without slashes at either end ("" when none). */
  namespace: string;
}

export class RegistryRefError extends Error {}

const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

export function parseRegistry(value: string): RegistryRef {
  const match = /^(?:(https?):\/\/)?([^/]+)(?:\/(.*))?$/.exec(value.trim());
  if (!match || !match[2]) throw new RegistryRefError(`REGISTRY "${value}" is not of the form host[:port][/namespace]`);
  const [, scheme, host, rest = ""] = match;
  const namespace = rest.replace(/\/+$/, "");
  if (namespace && !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(namespace)) {
    throw new RegistryRefError(`REGISTRY namespace "${namespace}" is not a valid repository path (lower case, digits, . _ - and /)`);
  }
  const loopback = isLoopbackHost(host);
  if (scheme === "http" && !loopback) {
    throw new RegistryRefError(`refusing plain HTTP to ${host}: only loopback registries (127.0.0.0/8, ::1, localhost) may be reached without TLS`);
  }
  const useHttp = scheme === "http" || (scheme === undefined && loopback);
  // Docker Hub serves the API on another host than the one people write.
  const apiHost = DOCKER_HUB_ALIASES.has(host) ? "registry-1.docker.io" : host;
  const hubNamespace = DOCKER_HUB_ALIASES.has(host) && namespace === "" ? "library" : namespace;
  return { host, apiOrigin: `${useHttp ? "http" : "https"}://${apiHost}`, namespace: hubNamespace };
}

export function repositoryFor(ref: RegistryRef, name: string): string {
  return ref.namespace ? `${ref.namespace}/${name}` : name;
}

/** The user-facing reference, e.g. 127.0.0.1:5000/plugins/key-auth:1.0.0. */
export function displayReference(ref: RegistryRef, name: string, tag: string): string {
  return `${ref.host}/${repositoryFor(ref, name)}:${tag}`;
}

export function isLoopbackHost(hostWithPort: string): boolean {
  const host = hostWithPort.startsWith("[") ? hostWithPort.slice(1, hostWithPort.indexOf("]")) : hostWithPort.replace(/:\d+$/, "");
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1";
  return false;
}

export function isValidTag(tag: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag);
}

/** The Higress image gets the tag itself, the Istio compat image the same tag with "-istio". */
export function tagFor(baseTag: string, variant: "higress" | "istio"): string {
  return variant === "higress" ? baseTag : `${baseTag}-istio`;
}
