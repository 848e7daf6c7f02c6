// make bench-gateway: what the full chain costs in the gateway. The same gateway runs envoy/envoy.yaml
// twice — with its four Wasm filters, and with the router alone — in a child process, in front of the
// mock OpenAI provider; wrk loads each on 127.0.0.1 with the same chat-completion POST, alternating
// rounds so drift hits both. Reported: throughput and p99 latency of each (medians over the rounds),
// and their ratios. Figures move ±25 % between runs on shared machines; the ratios are what to compare.
//
//   node --import tsx gateway/bench/run.ts [--concurrency N] [--duration S] [--connections C] [--rounds R]
//                                          [--stand-in noop]   (every plugin replaced by build/noop.wasm)
//                                          [--only key-auth,ai-proxy]   (a subset of the chain, in its order)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";
import { median } from "../../bench/stats.ts";
import { BUILD_DIR, PROJECT_ROOT } from "../../host/testing/index.ts";
import { envoyYamlWithPorts } from "../../test/gateway/envoy-yaml.ts";
import { MockProvider } from "../mock/provider.ts";
import { parseWrk, type WrkResult } from "./wrk.ts";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "2" },
    duration: { type: "string", default: "8" },
    connections: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
    "stand-in": { type: "string" },
    only: { type: "string" },
  },
});

if (spawnSync("wrk", ["--version"]).error) {
  console.error("wrk not found: install it (Debian: apt-get install wrk; .ci/run does)");
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), "bench-gateway-"));
const BODY = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] });
const script = join(dir, "post.lua");
writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(BODY)}\nwrk.headers["content-type"] = "application/json"\nwrk.headers["apikey"] = "xxxxxx"\n`);

type Variant = "full chain" | "no filters";

/** envoy/envoy.yaml for the bench: the chain as shipped (rate limit raised out of the way), or none of it. */
function bootstrap(variant: Variant, providerPort: number): string {
  const doc = parse(envoyYamlWithPorts({ listener: 0, admin: 0, provider: providerPort }));
  const hcm = doc.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
  if (variant === "no filters") {
    hcm.http_filters = hcm.http_filters.filter((f: any) => !f.typed_config.config);
  } else {
    const only = values.only?.split(",");
    if (only) hcm.http_filters = hcm.http_filters.filter((f: any) => !f.typed_config.config || only.includes(f.typed_config.config.name));
    for (const f of hcm.http_filters) {
      const cfg = f.typed_config.config;
      if (!cfg) continue;
      if (values["stand-in"]) cfg.vm_config.code.local.filename = join(BUILD_DIR, `${values["stand-in"]}.wasm`);
      else cfg.vm_config.code.local.filename = join(BUILD_DIR, `${cfg.name}.wasm`);
      // The shipped limit (600/min) would turn most of the load into 429s; the bench measures the path
      // of an allowed request, so the limit is raised (the plugin still does all its work).
      if (cfg.name === "key-rate-limit") {
        const c = JSON.parse(cfg.configuration.value);
        for (const rule of c._rules_ ?? [c]) for (const k of rule.limit_keys ?? []) {
          delete k.query_per_minute;
          k.query_per_second = 1_000_000;
        }
        cfg.configuration.value = JSON.stringify(c);
      }
    }
  }
  return stringify(doc);
}

async function startGateway(file: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/cli.ts", "serve", "-c", file, "--concurrency", values.concurrency!, "--access-log", "off", "-l", "warning"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Output is kept until the gateway is ready (to explain a failed start), then drained unread.
  let out = "";
  const collect = (d: Buffer) => (out += d);
  child.stderr!.on("data", collect);
  child.stdout!.on("data", collect);
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = /listener main: (http:\/\/\S+)/.exec(out);
      if (!m || !out.includes("gateway ready")) return;
      for (const s of [child.stdout!, child.stderr!]) {
        s.off("data", collect);
        s.off("data", check);
        s.resume();
      }
      resolve({ child, url: m[1] });
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => reject(new Error(`gateway exited (${code}) before it was ready:\n${out}`)));
  });
}

/** Runs wrk without blocking this process: the mock provider answers from its event loop meanwhile. */
function wrk(url: string, seconds: number): Promise<WrkResult> {
  const args = ["-t1", `-c${values.connections}`, `-d${seconds}s`, "--latency", "-s", script, `${url}/v1/chat/completions`];
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve(parseWrk(out)) : reject(new Error(`wrk failed (${code}): ${err}`))));
  });
}

async function measure(variant: Variant, providerPort: number): Promise<WrkResult> {
  const file = join(dir, `${variant.replace(" ", "-")}.yaml`);
  writeFileSync(file, bootstrap(variant, providerPort));
  const gw = await startGateway(file);
  try {
    await wrk(gw.url, 2); // warm-up: JIT, connection pools
    const r = await wrk(gw.url, Number(values.duration));
    if (r.requests === 0 || r.errors > 0 || r.non2xx > 0) throw new Error(`${variant}: ${r.non2xx} non-2xx answers and ${r.errors} socket errors under load`);
    return r;
  } finally {
    gw.child.kill("SIGTERM");
    await new Promise((r) => gw.child.once("exit", r));
  }
}

const mock = await MockProvider.start();
try {
  const runs: Record<Variant, WrkResult[]> = { "full chain": [], "no filters": [] };
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const v of (round % 2 ? ["full chain", "no filters"] : ["no filters", "full chain"]) as Variant[]) {
      const r = await measure(v, mock.port);
      runs[v].push(r);
      console.error(`round ${round + 1} ${v}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(2)} ms`);
    }
  }
  const rps = (v: Variant) => median(runs[v].map((r) => r.rps));
  const p99 = (v: Variant) => median(runs[v].map((r) => r.p99Ms));
  const names = values.only ?? "key-auth,request-block,key-rate-limit,ai-proxy";
  const chain = values["stand-in"] ? `${names.split(",").length} x ${values["stand-in"]}.wasm (stand-in)` : names.split(",").join(", ");
  console.log(`\ngateway bench: POST /v1/chat/completions, wrk -t1 -c${values.connections} -d${values.duration}s, ${values.concurrency} workers, mock provider, median of ${values.rounds} rounds`);
  console.log(`  no filters:  ${rps("no filters").toFixed(0).padStart(6)} req/s   p99 ${p99("no filters").toFixed(2)} ms`);
  console.log(`  full chain:  ${rps("full chain").toFixed(0).padStart(6)} req/s   p99 ${p99("full chain").toFixed(2)} ms   (${chain})`);
  console.log(`  ratio:       throughput ${(rps("full chain") / rps("no filters")).toFixed(3)}x   p99 ${(p99("full chain") / p99("no filters")).toFixed(3)}x`);
} finally {
  await mock.close();
}
