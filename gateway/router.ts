// Envoy's route selection: pick the virtual host by `:authority` (exact domain, then the longest
// suffix wildcard, then the longest prefix wildcard, then `*`), then the first route of that host whose
// path and header matchers all pass. The port stays part of the authority, as in Envoy without
// strip_any_host_port.
import type { HeaderMap } from "../host/index.ts";
import type { HeaderMatch, RouteEntry, RouteTable, VirtualHostEntry } from "./bootstrap/model.ts";

export interface RouteMatch { virtualHost: VirtualHostEntry; route: RouteEntry }

export class Router {
  private readonly exact = new Map<string, VirtualHostEntry>();
  /** [suffix, host], longest first. */
  private readonly suffixes: [string, VirtualHostEntry][] = [];
  /** [prefix, host], longest first. */
  private readonly prefixes: [string, VirtualHostEntry][] = [];
  private catchAll: VirtualHostEntry | null = null;

  constructor(readonly table: RouteTable) {
    for (const vh of table.virtualHosts) {
      for (const raw of vh.domains) {
        const d = raw.toLowerCase();
        if (d === "*") this.catchAll = vh;
        else if (d.startsWith("*")) this.suffixes.push([d.slice(1), vh]);
        else if (d.endsWith("*")) this.prefixes.push([d.slice(0, -1), vh]);
        else this.exact.set(d, vh);
      }
    }
    this.suffixes.sort((a, b) => b[0].length - a[0].length);
    this.prefixes.sort((a, b) => b[0].length - a[0].length);
  }

  virtualHost(authority: string): VirtualHostEntry | null {
    const host = authority.toLowerCase();
    const exact = this.exact.get(host);
    if (exact) return exact;
    // A wildcard stands for at least one character.
    for (const [suffix, vh] of this.suffixes) if (host.length > suffix.length && host.endsWith(suffix)) return vh;
    for (const [prefix, vh] of this.prefixes) if (host.length > prefix.length && host.startsWith(prefix)) return vh;
    return this.catchAll;
  }

  match(headers: HeaderMap): RouteMatch | null {
    const vh = this.virtualHost(headers.get(":authority") ?? "");
    if (!vh) return null;
    const path = headers.get(":path") ?? "/";
    for (const route of vh.routes) if (routeMatches(route, path, headers)) return { virtualHost: vh, route };
    return null;
  }
}

function routeMatches(route: RouteEntry, fullPath: string, headers: HeaderMap): boolean {
  const m = route.match;
  const fold = (s: string) => (m.caseSensitive ? s : s.toLowerCase());
  if (m.path !== undefined) {
    // An exact path rule compares the path without its query string.
    const q = fullPath.indexOf("?");
    if (fold(q < 0 ? fullPath : fullPath.slice(0, q)) !== fold(m.path)) return false;
  } else if (m.prefix !== undefined) {
    if (!fold(fullPath).startsWith(fold(m.prefix))) return false;
  }
  return m.headers.every((h) => headerMatches(h, headers));
}

function headerMatches(h: HeaderMatch, headers: HeaderMap): boolean {
  const values = headers.getAll(h.name);
  if (!h.string) {
    const wantPresent = h.present ?? true;
    return (values.length > 0 === wantPresent) !== h.invert;
  }
  // A string matcher never matches a missing header, inverted or not.
  if (values.length === 0) return false;
  // Several values of one header are matched as one comma-joined value.
  let value = values.join(",");
  let target = h.string.value;
  if (h.string.ignoreCase) {
    value = value.toLowerCase();
    target = target.toLowerCase();
  }
  let ok: boolean;
  switch (h.string.kind) {
    case "exact": ok = value === target; break;
    case "prefix": ok = value.startsWith(target); break;
    case "suffix": ok = value.endsWith(target); break;
    case "contains": ok = value.includes(target); break;
  }
  return ok !== h.invert;
}
