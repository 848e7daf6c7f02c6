// Plugin configuration delivery: a 200 KB configuration reaches the plugin byte-exact, through the raw
// ABI (proxy_get_buffer_bytes on buffer 7 in on_configure) and through the patched SDK's
// RootContext.onConfigure (whose unpatched version corrupted large configurations), and it is never
// logged, not even at trace level nor when the plugin rejects it.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { PluginConfigError } from "../../host/index.ts";
import { TestGateway } from "../../host/testing/index.ts";
import { configEchoWasm, conformanceGateway, loggedReports, num } from "./support/conformance.ts";

let gw: TestGateway | undefined;
afterEach(() => {
  gw?.close();
  gw = undefined;
});

function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

const SECRET = `sk-live-${randomBytes(12).toString("hex")}`;

/** ~200 KB of JSON with multi-byte UTF-8 and a secret in the middle. */
function bigConfiguration(): string {
  const consumers = Array.from({ length: 2200 }, (_, i) => ({ name: `consumer-${i}-é漢🙂`, credential: `key-${i}-${"x".repeat(40)}` }));
  consumers[1100].credential = SECRET;
  const text = JSON.stringify({ consumers, keys: ["x-api-key"], in_header: true });
  expect(Buffer.byteLength(text)).toBeGreaterThan(200 * 1024);
  return text;
}

function configLeaked(g: TestGateway): string[] {
  return g.logs.records.map((r) => r.message).filter((m) => m.includes(SECRET) || m.includes("consumer-1099"));
}

describe("a 200 KB plugin configuration", () => {
  it("reaches an SDK plugin byte-exact (echoed back, checksum computed inside the plugin)", async () => {
    const config = bigConfiguration();
    const bytes = Buffer.from(config);
    gw = new TestGateway({ logLevel: "trace", plugins: [{ name: "config-echo", wasm: await configEchoWasm(), config }] });
    const digests = gw.logs.messages().filter((m) => m.startsWith("config-digest "));
    expect(digests).toEqual([
      `config-digest bytes=${bytes.length} fnv1a=${fnv1a(bytes)}`, // canary VM
      `config-digest bytes=${bytes.length} fnv1a=${fnv1a(bytes)}`, // worker VM
    ]);
    const res = await gw.request({});
    expect(res.details).toBe("config_echo");
    expect(res.body.equals(bytes)).toBe(true);
    expect(configLeaked(gw)).toEqual([]);
  });

  it("reaches a plugin reading buffer 7 itself byte-exact", async () => {
    const config = bigConfiguration();
    const bytes = Buffer.from(config);
    gw = await conformanceGateway({ logLevel: "trace", plugins: [{ config }] });
    const report = loggedReports(gw, "configure")[1];
    expect(num(report, "config.status.num")).toBe(bytes.length);
    expect(num(report, "config.bytes")).toBe(bytes.length);
    expect(report.get("config.fnv1a")).toBe(fnv1a(bytes));
    expect(configLeaked(gw)).toEqual([]);
  });

  it("is not echoed in the error or the logs when the plugin rejects it", async () => {
    const config = `fail-configure ${bigConfiguration()}`;
    let error: unknown;
    try {
      gw = await conformanceGateway({ logLevel: "trace", plugins: [{ config }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PluginConfigError);
    const err = error as PluginConfigError;
    expect(err.message).not.toContain(SECRET);
    expect(err.logs.some((r) => r.message.includes(SECRET))).toBe(false);
  });
});
