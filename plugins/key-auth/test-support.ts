// Helpers for key-auth's tests: a gateway running build/key-auth.wasm, the plugin's configuration
// errors and warnings as text, and requests whose header and :path bytes are sent exactly as given
// (host/testing's `request` takes strings, so it cannot send bytes that are not UTF-8).
import { HeaderMap } from "../../host/index.ts";
import { TestGateway } from "../../host/testing/index.ts";
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

export type Bytes = string | Uint8Array;

export interface RawRequest {
  /** Request headers besides :method/:authority/:scheme, in order; names and values as bytes. */
  headers?: [Bytes, Bytes][];
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

const bytes = (b: Bytes) => (typeof b === "string" ? Buffer.from(b) : Buffer.from(b));

/** Sends one header-only request; the upstream answers 200 with an empty body. */
export function rawRequest(gw: TestGateway, req: RawRequest): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let responseHeaders = new HeaderMap();
    let upstream: HeaderMap | null = null;
    const body: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error("no response within 5 s")), 5000);
    const stream = gw.chain.newStream(
      {
        upstreamHeaders(headers) {
          upstream = headers.clone();
          stream.sendResponseHeaders(HeaderMap.from([[":status", "200"]]), true);
        },
        upstreamData() {},
        upstreamTrailers() {},
        downstreamHeaders(headers) {
          status = Number(headers.get(":status"));
          responseHeaders = headers.clone();
        },
        downstreamData(data) {
          body.push(Buffer.from(data));
        },
        downstreamTrailers() {},
        reset(reason) {
          clearTimeout(timer);
          reject(new Error(`stream reset: ${reason}`));
        },
        finished() {
          clearTimeout(timer);
          resolve({ status, details: stream.info.responseCodeDetails, responseHeaders, body: Buffer.concat(body), upstream });
        },
      },
      { info: { routeName: req.route ?? "" } },
    );
    const headers = new HeaderMap();
    headers.add(bytes(":method"), bytes("GET"));
    headers.add(bytes(":path"), bytes(req.path ?? "/"));
    headers.add(bytes(":authority"), bytes(req.authority ?? "example.com"));
    headers.add(bytes(":scheme"), bytes("http"));
    for (const [k, v] of req.headers ?? []) headers.add(bytes(k), bytes(v));
    stream.sendRequestHeaders(headers, true);
  });
}
