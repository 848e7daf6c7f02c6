import { describe, expect, it } from "vitest";
import { HeaderMap } from "../host/index.ts";
import type { HeaderMatch, RouteEntry, VirtualHostEntry } from "./bootstrap/model.ts";
import { Router } from "./router.ts";

function route(name: string, match: Partial<RouteEntry["match"]>): RouteEntry {
  return {
    name,
    match: { caseSensitive: true, headers: [], ...match },
    action: { kind: "cluster", cluster: "c", timeoutMs: 0 },
    requestHeadersToRemove: [],
  };
}
const vhost = (name: string, domains: string[], routes = [route(name, { prefix: "/" })]): VirtualHostEntry => ({ name, domains, routes, requestHeadersToRemove: [] });
const req = (path: string, authority = "example.com", extra: [string, string][] = []) =>
  HeaderMap.from([[":authority", authority], [":path", path], [":method", "GET"], ...extra]);

describe("virtual host selection", () => {
  const router = new Router({
    name: "t",
    requestHeadersToRemove: [],
    virtualHosts: [
      vhost("any", ["*"]),
      vhost("exact", ["api.example.com"]),
      vhost("suffix", ["*.example.com"]),
      vhost("longer-suffix", ["*.eu.example.com"]),
      vhost("prefix", ["api.*"]),
      vhost("port", ["example.com:8080"]),
    ],
  });
  const pick = (authority: string) => router.virtualHost(authority)?.name;

  it("prefers an exact domain, case-insensitively", () => expect(pick("API.example.com")).toBe("exact"));
  it("then the longest suffix wildcard", () => {
    expect(pick("x.eu.example.com")).toBe("longer-suffix");
    expect(pick("www.example.com")).toBe("suffix");
  });
  it("then a prefix wildcard", () => expect(pick("api.other.org")).toBe("prefix"));
  it("then *", () => expect(pick("other.org")).toBe("any"));
  it("keeps the port in the authority it matches", () => {
    expect(pick("example.com:8080")).toBe("port");
    expect(pick("api.example.com:8080")).toBe("prefix");
  });
  it("requires a wildcard to stand for at least one character", () => expect(pick(".example.com")).toBe("any"));
});

describe("route selection", () => {
  const h = (m: Partial<HeaderMatch> & { name: string }): HeaderMatch => ({ invert: false, ...m });
  const router = new Router({
    name: "t",
    requestHeadersToRemove: [],
    virtualHosts: [vhost("all", ["*"], [
      route("exact-path", { path: "/v1/models" }),
      route("by-header", { prefix: "/v1/", headers: [h({ name: "x-team", string: { kind: "exact", value: "red", ignoreCase: true } })] }),
      route("no-key", { prefix: "/v1/", headers: [h({ name: "apikey", present: false })] }),
      route("insensitive", { prefix: "/API/", caseSensitive: false }),
      route("not-json", { prefix: "/", headers: [h({ name: "content-type", string: { kind: "contains", value: "json", ignoreCase: false }, invert: true })] }),
      route("rest", { prefix: "/" }),
    ])],
  });
  const pick = (path: string, extra: [string, string][] = []) => router.match(req(path, "example.com", extra))?.route.name;

  it("matches an exact path without its query string", () => expect(pick("/v1/models?limit=1")).toBe("exact-path"));
  it("does not treat an exact path as a prefix", () => expect(pick("/v1/models/x", [["apikey", "k"]])).toBe("rest"));
  it("matches a header value, ignoring case when asked", () => expect(pick("/v1/chat", [["x-team", "RED"], ["apikey", "k"]])).toBe("by-header"));
  it("matches the absence of a header with present_match false", () => expect(pick("/v1/chat")).toBe("no-key"));
  it("matches a prefix case-insensitively when case_sensitive is false", () => expect(pick("/api/x", [["content-type", "application/json"]])).toBe("insensitive"));
  it("inverts a string match", () => {
    expect(pick("/x", [["content-type", "text/plain"]])).toBe("not-json");
    expect(pick("/x", [["content-type", "application/json"]])).toBe("rest");
  });
  it("never matches a string matcher against a missing header, even inverted", () => expect(pick("/x")).toBe("rest"));
  it("returns null when no route matches", () => {
    const strict = new Router({ name: "t", requestHeadersToRemove: [], virtualHosts: [vhost("one", ["only.example.com"])] });
    expect(strict.match(req("/", "other.example.com"))).toBeNull();
  });
});
