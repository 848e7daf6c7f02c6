// Helpers for key-auth's tests: a gateway running build/key-auth.wasm, the plugin's configuration
// errors and warnings as text, and header-only requests whose header and :path bytes are sent exactly
// as given, answered in the shape key-auth's tests check.
import type { HeaderMap } from "../../host/index.ts";
import { TestGateway, type Bytes, type RawHeaders } from "../../host/testing/index.ts";
import { refusalLine, warningLines } from "../../host/testing/config-check.ts";

export const KEY_REALM = "Key realm=MSE Gateway";
export const BASIC_REALM = "Basic realm=MSE Gateway";

export function keyAuth(config: unknown, workers = 1): TestGateway {
  return new TestGateway({ workers, plugins: [{ name: "key-auth", config }] });
}

/** The line key-auth logged when it refused `config`; fails the test if the config was accepted. */
export function configError(config: unknown): string {
  return refusalLine(() => keyAuth(config), config);
}

/** Warnings key-auth logged while accepting `config`. */
export function configWarnings(config: unknown): string[] {
  return warningLines(() => keyAuth(config));
}

export interface RawRequest {
  /** Request headers besides :method/:authority/:scheme, in order; names and values as bytes. */
  headers?: RawHeaders;
  path?: Bytes;
  authority?: string;
  route?: string;
}

export interface RawExchange {
  status: number;
  details: string | null;
  responseHeaders: HeaderMap;
  body: Buffer;
  /** What reached the upstream (null when key-auth answered). */
  upstream: HeaderMap | null;
}

/** Sends one header-only GET; the upstream answers 200 with an empty body. */
export async function rawRequest(gw: TestGateway, req: RawRequest): Promise<RawExchange> {
  const res = await gw.request({ ...req, method: "GET", upstream: { status: 200 } });
  if (res.reset !== null) throw new Error(`stream reset: ${res.reset}`);
  return { status: res.status, details: res.details, responseHeaders: res.headers, body: res.body, upstream: res.upstream?.headers ?? null };
}
