// The command line as `make run` uses it: a real process, a real bootstrap file, signals.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT, wasmPath } from "../host/testing/index.ts";
import { freePort } from "../host/testing/ports.ts";
import { MockProvider } from "./mock/provider.ts";

const dir = mkdtempSync(join(tmpdir(), "gateway-cli-"));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

function writeBootstrap(name: string, upstreamPort: number, extra = ""): string {
  const file = join(dir, name);
  writeFileSync(file, `
admin: { address: { socket_address: { address: 127.0.0.1, port_value: 0 } } }
static_resources:
  listeners:
  - name: main
    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
    filter_chains:
    - filters:
      - name: hcm
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          route_config:
            virtual_hosts: [{ name: all, domains: ["*"], routes: [{ name: ai-route, match: { prefix: "/" }, route: { cluster: openai } }] }]
          http_filters:
          - name: noop
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
              config: { name: noop, vm_config: { runtime: envoy.wasm.runtime.v8, code: { local: { filename: ${wasmPath("noop")} } } } }
          - name: router
            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
${extra}
  clusters:
  - name: openai
    load_assignment:
      cluster_name: openai
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${upstreamPort} } } } }] }]
`);
  return file;
}

function cli(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/cli.ts", ...args], { cwd: PROJECT_ROOT, env: { ...process.env, OPENAI_API_KEY: "" } });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe("gateway command line", () => {
  it("serves a bootstrap, logs each request, and exits 0 on SIGTERM", async () => {
    const mock = await MockProvider.start();
    try {
      const run = cli(["serve", "-c", writeBootstrap("ok.yaml", mock.port), "--concurrency", "3"]);
      await until(() => run.stdout().includes("gateway ready"), "the gateway to start");
      const url = /listener main: (http:\/\/\S+)/.exec(run.stdout())![1];
      expect(run.stdout()).toContain("workers: 3 (VMs per plugin)");
      const res = await fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "x-mse-consumer": "c1" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) });
      expect(res.status).toBe(200);
      await res.text();
      await until(() => run.stdout().includes('"POST /v1/chat/completions HTTP/1.1" 200'), "the access-log line");
      expect(run.stdout()).toMatch(/route=ai-route cluster=openai consumer=c1 model=gpt-4o-mini prompt_tokens=\d+ completion_tokens=\d+ total_tokens=\d+ latency_ms=\d+/);
      run.child.kill("SIGTERM");
      expect(await run.exit).toBe(0);
      expect(run.stderr()).toContain("SIGTERM: draining");
    } finally {
      await mock.close();
    }
  });

  it("refuses a bootstrap with an unsupported field, naming its path, and exits 1", async () => {
    const file = writeBootstrap("bad.yaml", 1, "    listener_filters: []");
    const run = cli(["-c", file]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/bad\.yaml:\d+:5: static_resources\.listeners\[0\]\.listener_filters: field not supported by the local gateway in config\.listener\.v3\.Listener/);
  });

  it("validates a bootstrap and its plugins without serving (--mode validate)", async () => {
    const run = cli(["--mode", "validate", "-c", writeBootstrap("v.yaml", 1)]);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain("OK");
  });

  it("starts the mock provider with `run` when the openai cluster is on loopback", async () => {
    const port = await freePort();
    const run = cli(["run", "-c", writeBootstrap("run.yaml", port)]);
    await until(() => run.stdout().includes("gateway ready"), "the gateway to start");
    expect(run.stdout()).toContain(`the built-in mock OpenAI provider on http://127.0.0.1:${port}`);
    const url = /listener main: (http:\/\/\S+)/.exec(run.stdout())![1];
    const res = await fetch(`${url}/?text=hi`);
    expect((await res.json()).choices[0].message.content).toContain('You said: "hi"');
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(0);
  });
});
