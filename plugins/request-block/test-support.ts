// Helpers for request-block's tests: a gateway running build/request-block.wasm, the plugin's
// configuration errors and warnings as text, and requests whose :path, header and body bytes are sent
// exactly as given, body in the given chunks, optionally followed by trailers, answered in the shape
// request-block's tests check.
import type { HeaderMap } from "../../host/index.ts";
import { TestGateway, type Bytes, type RawHeaders } from "../../host/testing/index.ts";
import { refusalLine, warningLines } from "../../host/testing/config-check.ts";

export const PREFIX = "request-block: invalid configuration: ";

export function requestBlock(config: unknown, opts: { workers?: number; bufferLimitBytes?: number } = {}): TestGateway {
  return new TestGateway({ ...opts, plugins: [{ name: "request-block", config }] });
}

/** The line request-block logged when it refused `config`; fails the test if the config was accepted. */
export function configError(config: unknown): string {
  return refusalLine(() => requestBlock(config), config);
}

/** Warnings request-block logged while accepting `config`. */
export function configWarnings(config: unknown): string[] {
  return warningLines(() => requestBlock(config));
}

export interface RawRequest {
  method?: string;
  path?: Bytes;
  authority?: string;
  /** Request headers besides the pseudo-headers, in order; names and values as bytes. */
  headers?: RawHeaders;
  /** The body, in the pieces the client sends it (none: a request without a body). */
  chunks?: Bytes[];
  trailers?: [string, string][];
  route?: string;
}

export interface RawExchange {
  status: number;
  details: string | null;
  responseHeaders: HeaderMap;
  body: Buffer;
  /** What reached the upstream; null when nothing did. The body is complete only on status 200. */
  upstream: { headers: HeaderMap; body: Buffer; trailers: HeaderMap | null } | null;
  /** Filter state the plugin set during the request (proxy_set_property). */
  filterState: Map<string, Buffer>;
}

/** Sends one request; the upstream answers 200 with an empty body once it has the whole request. */
export async function rawRequest(gw: TestGateway, req: RawRequest): Promise<RawExchange> {
  const hasBody = (req.chunks?.length ?? 0) > 0;
  const res = await gw.request({
    ...req,
    method: req.method ?? (hasBody ? "POST" : "GET"),
    chunks: hasBody ? req.chunks : undefined,
    upstream: { status: 200 },
  });
  if (res.reset !== null) throw new Error(`stream reset: ${res.reset}`);
  return {
    status: res.status,
    details: res.details,
    responseHeaders: res.headers,
    body: res.body,
    upstream: res.upstream,
    filterState: new Map(res.info.filterState),
  };
}
