// Loads the shared behaviour cases (test/cases/**/*.yaml, format in test/cases/README.md) and checks an
// observed exchange against a case's expectations. Drivers (the host, the local gateway, real Envoy)
// only differ in how they send the request and observe the result; they all report an Observed.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./asc.ts";

export interface CaseRequest {
  method?: string;
  path?: string;
  authority?: string;
  headers?: Record<string, string> | [string, string][];
  body?: string;
  route?: string;
  cluster?: string;
}

export interface CaseExpect {
  status: number;
  headers?: Record<string, string>;
  no_headers?: string[];
  body?: string;
  body_contains?: string;
  upstream?: null | { path?: string; headers?: Record<string, string>; no_headers?: string[]; body?: string };
}

export interface Case {
  name: string;
  request: CaseRequest;
  upstream?: { status?: number; headers?: Record<string, string>; body?: string };
  expect: CaseExpect;
}

export interface CaseFile {
  file: string;
  description: string;
  plugins: { name: string; config?: unknown }[];
  cases: Case[];
}

export const CASES_DIR = join(ROOT, "test", "cases");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : n.endsWith(".yaml") ? [p] : [];
  });
}

export function loadCaseFiles(dir = CASES_DIR): CaseFile[] {
  return walk(dir).sort().map((path) => {
    const doc = parse(readFileSync(path, "utf8"));
    return { file: relative(CASES_DIR, path), description: doc.description ?? "", plugins: doc.plugins, cases: doc.cases };
  });
}

/** What a driver saw: the client's response and what reached the upstream (null if nothing did). */
export interface Observed {
  status: number;
  headers: Record<string, string>;
  body: string;
  upstream: null | { path: string; headers: Record<string, string>; body: string };
}

const lower = (h: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));

export function checkExpectations(c: Case, seen: Observed): void {
  const e = c.expect;
  const where = `case "${c.name}"`;
  expect(seen.status, `${where}: status`).toBe(e.status);
  for (const [k, v] of Object.entries(lower(e.headers))) expect(seen.headers[k], `${where}: response header ${k}`).toBe(v);
  for (const k of e.no_headers ?? []) expect(seen.headers[k.toLowerCase()], `${where}: response header ${k} must be absent`).toBeUndefined();
  if (e.body !== undefined) expect(seen.body, `${where}: body`).toBe(e.body);
  if (e.body_contains !== undefined) expect(seen.body, `${where}: body`).toContain(e.body_contains);
  if (e.upstream === null) {
    expect(seen.upstream, `${where}: the request must not reach the upstream`).toBeNull();
  } else if (e.upstream !== undefined) {
    expect(seen.upstream, `${where}: the request must reach the upstream`).not.toBeNull();
    const up = seen.upstream!;
    if (e.upstream.path !== undefined) expect(up.path, `${where}: upstream path`).toBe(e.upstream.path);
    for (const [k, v] of Object.entries(lower(e.upstream.headers))) expect(up.headers[k], `${where}: upstream header ${k}`).toBe(v);
    for (const k of e.upstream.no_headers ?? []) expect(up.headers[k.toLowerCase()], `${where}: upstream header ${k} must be absent`).toBeUndefined();
    if (e.upstream.body !== undefined) expect(up.body, `${where}: upstream body`).toBe(e.upstream.body);
  }
}
