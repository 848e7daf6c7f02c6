// Test API: a gateway of built plugins in a few lines.
//
//   const gw = new TestGateway({ plugins: [{ name: "key-auth", config: { ... } }] });
//   const res = await gw.request({ path: "/", headers: { apikey: "k" } });
//   expect(res.status).toBe(401);
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Host, type FilterChain, type HostOptions } from "../host.ts";
import type { Plugin, PluginOptions } from "../plugin.ts";
import { exchange, type Exchange, type RequestSpec } from "./exchange.ts";

export * from "./exchange.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BUILD_DIR = join(PROJECT_ROOT, "build");

/** build/<name>.wasm, the release build of a plugin or test module. */
export const wasmPath = (name: string) => join(BUILD_DIR, `${name}.wasm`);

export interface TestPlugin extends Partial<Omit<PluginOptions, "name" | "configuration">> {
  name: string;
  config?: unknown;
}

export class TestGateway {
  readonly host: Host;
  readonly plugins: Plugin[];
  readonly chain: FilterChain;

  constructor(opts: HostOptions & { plugins: TestPlugin[] }) {
    this.host = new Host(opts);
    this.plugins = opts.plugins.map(({ name, config, ...rest }) =>
      this.host.loadPlugin({ name, wasm: rest.wasm ?? wasmPath(name), configuration: config, ...rest }),
    );
    this.chain = this.host.chain(this.plugins);
  }

  request(spec: RequestSpec = {}): Promise<Exchange> {
    return exchange(this.chain, spec);
  }

  get logs() {
    return this.host.logs;
  }

  get metrics() {
    return this.host.metrics;
  }

  close(): void {
    this.host.close();
  }
}
