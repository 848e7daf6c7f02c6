// Command line of the local gateway. Envoy's own flags where they exist (-c, --concurrency, -l,
// --mode validate, --drain-time-s), so a command line moves between the two unchanged.
//
//   npx tsx gateway/cli.ts [serve] -c envoy/envoy.yaml [--concurrency N] [-l info] [--access-log -|FILE|off]
//   npx tsx gateway/cli.ts run [same options]     what `make run` does: + mock provider + walkthrough
//   npx tsx gateway/cli.ts mock [--port 10901]    only the mock OpenAI provider
//   npx tsx gateway/cli.ts serve --mode validate -c FILE   check a bootstrap (and load its plugins), then exit
import { parseArgs } from "node:util";
import { LOG_LEVEL_NAMES, type LogLevelName } from "../host/index.ts";
import { openAccessLog } from "./access-log.ts";
import { BootstrapError, loadBootstrapFile } from "./bootstrap/load.ts";
import { Gateway } from "./gateway.ts";
import { MockProvider } from "./mock/provider.ts";
import { mockEndpoint, useOpenAI } from "./provider.ts";
import { walkthroughText } from "./walkthrough.ts";

const DEFAULT_CONFIG = "envoy/envoy.yaml";

const USAGE = `usage: npx tsx gateway/cli.ts [serve|run|mock] [options]
  serve (default)            run the gateway on a bootstrap
  run                        make run: the gateway on envoy/envoy.yaml, the mock OpenAI provider
                             (unless OPENAI_API_KEY is set) and the walkthrough as curl lines
  mock                       only the mock OpenAI provider
options:
  -c, --config-path FILE     Envoy v3 bootstrap, YAML or JSON (default ${DEFAULT_CONFIG})
  --concurrency N            worker count: VMs per plugin, as Envoy's --concurrency (default 2)
  -l, --log-level LEVEL      plugin log level: trace|debug|info|warning|error|critical (default info)
  --mode serve|validate      validate: check the bootstrap and load its plugins, then exit
  --drain-time-s N           on SIGINT/SIGTERM, let requests in flight finish for N s (default 5)
  --access-log -|FILE|off    access-log lines to stdout (default), a file, or nowhere
  --port N                   mock: port (default 10901)
  --chunk-delay-ms N         mock: pause between streamed events (default 20)`;

class UsageError extends Error {}

function intOption(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

function logLevel(value: string | undefined): LogLevelName {
  const v = value === "warning" ? "warn" : value ?? "info";
  if (!(LOG_LEVEL_NAMES as string[]).includes(v)) throw new UsageError(`unknown log level ${value}`);
  return v as LogLevelName;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "config-path": { type: "string", short: "c" },
      concurrency: { type: "string" },
      "log-level": { type: "string", short: "l" },
      mode: { type: "string" },
      "drain-time-s": { type: "string" },
      "access-log": { type: "string" },
      port: { type: "string" },
      "chunk-delay-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const command = positionals[0] ?? "serve";
  if (positionals.length > 1 || !["serve", "run", "mock"].includes(command)) throw new UsageError(`unknown command ${positionals.join(" ")}`);
  const chunkDelayMs = intOption(values["chunk-delay-ms"], "--chunk-delay-ms", 20);

  if (command === "mock") {
    const mock = await MockProvider.start({ port: intOption(values.port, "--port", 10901), chunkDelayMs });
    console.log(`mock OpenAI provider on ${mock.url} (POST /v1/chat/completions, GET /v1/models, POST /v1/embeddings)`);
    await untilSignal(async () => mock.close());
    return 0;
  }

  const file = values["config-path"] ?? DEFAULT_CONFIG;
  const config = loadBootstrapFile(file);
  const mode = values.mode ?? "serve";
  if (mode !== "serve" && mode !== "validate") throw new UsageError(`--mode must be serve or validate, got ${mode}`);
  const concurrency = intOption(values.concurrency ?? process.env.WORKERS, "--concurrency", 2, 1);
  const level = logLevel(values["log-level"]);

  let mock: MockProvider | null = null;
  let providerNote = "";
  if (command === "run") {
    const key = process.env.OPENAI_API_KEY;
    if (key) {
      useOpenAI(config, key);
      providerNote = "provider: OpenAI (api.openai.com), key from OPENAI_API_KEY";
    } else {
      const ep = mockEndpoint(config);
      if (ep && mode === "serve") {
        mock = await MockProvider.start({ host: ep.address, port: ep.port, chunkDelayMs });
        providerNote = `provider: the built-in mock OpenAI provider on ${mock.url} (set OPENAI_API_KEY to use OpenAI)`;
      }
    }
  }

  if (mode === "validate") {
    await Gateway.validate(config, { concurrency, logLevel: level });
    console.log(`configuration '${file}' OK`);
    return 0;
  }

  const accessTarget = values["access-log"] ?? "-";
  let gateway: Gateway;
  try {
    gateway = await Gateway.start(config, {
      concurrency,
      logLevel: level,
      accessLog: accessTarget === "off" ? null : openAccessLog(accessTarget),
    });
  } catch (e) {
    await mock?.close();
    throw e;
  }

  const out: string[] = [];
  for (const l of gateway.listeners) out.push(`listener ${l.name}: http://${l.address}:${l.port}`);
  if (gateway.admin) out.push(`admin: http://${gateway.admin.address}:${gateway.admin.port} (/ready, /stats, /stats/prometheus)`);
  out.push(`workers: ${concurrency} (VMs per plugin)${providerNote ? `; ${providerNote}` : ""}`);
  if (command === "run" && file === DEFAULT_CONFIG) {
    out.push("", "Try the walkthrough (paste any line):", "", walkthroughText(gateway.url(), gateway.admin ? gateway.adminUrl() : null));
  }
  out.push("", "gateway ready; Ctrl-C stops it. Access log:");
  console.log(out.join("\n"));

  const drainMs = intOption(values["drain-time-s"], "--drain-time-s", 5) * 1000;
  await untilSignal(async (signal) => {
    process.stderr.write(`${signal}: draining for up to ${drainMs / 1000} s\n`);
    await gateway.close(drainMs);
    await mock?.close();
  });
  return 0;
}

/** Resolves after the first SIGINT/SIGTERM has been handled; a second one exits at once. */
function untilSignal(onSignal: (signal: string) => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      onSignal(signal).then(resolve, (e) => {
        console.error(e);
        process.exit(1);
      });
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof UsageError) console.error(`${e.message}\n\n${USAGE}`);
    else if (e instanceof BootstrapError) console.error(`error: ${e.message}`);
    else console.error(`error: ${(e as Error).message ?? e}`);
    process.exit(1);
  },
);
