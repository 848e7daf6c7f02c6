// Shared helpers for the host-conformance tests: builds the conformance plugin
// (plugins/testing/conformance) once per source version, starts gateways with it, and parses the
// `report <name>` blocks it answers with (in a local reply body or a log line).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { TestGateway, type TestPlugin } from "../../../host/testing/index.ts";
import type { HostOptions } from "../../../host/index.ts";
import type { Exchange } from "../../../host/testing/exchange.ts";
import { compileTestModule, ROOT } from "../../support/asc.ts";

/**
 * WasmResult values from the proxy-wasm ABI spec. Deliberately not imported from host/: a wrong
 * constant there must not make a wrong answer look right here.
 */
export const R = {
  Ok: 0,
  NotFound: 1,
  BadArgument: 2,
  InvalidMemoryAccess: 6,
  Empty: 7,
  CasMismatch: 8,
  BrokenConnection: 11,
  Unimplemented: 12,
} as const;

/** WASI errno values (wasi-libc api.h). */
export const ERRNO = { SUCCESS: 0, BADF: 8, NOTDIR: 20, FAULT: 21, INVAL: 28, NOENT: 44, NOSYS: 52, NOTSUP: 58 } as const;

const SOURCE_DIR = join(ROOT, "plugins", "testing", "conformance");

function sourceHash(): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".ts")) h.update(name).update(readFileSync(p));
    }
  };
  walk(SOURCE_DIR);
  h.update(readFileSync(join(ROOT, "asconfig.json")));
  return h.digest("hex").slice(0, 16);
}

/**
 * Compiles an AssemblyScript entry once per source version: test files run in parallel workers, so the
 * first one compiles (holding a lock directory) while the others wait for the finished file, which
 * appears atomically (rename).
 */
async function compileOnce(entry: string, label: string): Promise<Uint8Array> {
  const hash = sourceHash();
  const outDir = join(ROOT, "build", "test");
  mkdirSync(outDir, { recursive: true });
  const final = join(outDir, `${label}-${hash}.wasm`);
  const lock = `${final}.lock`;
  for (let waited = 0; waited < 180_000; waited += 200) {
    if (existsSync(final)) return new Uint8Array(readFileSync(final));
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (existsSync(final)) return new Uint8Array(readFileSync(final));
    const tmpName = `${label}-${hash}-${process.pid}`;
    const bytes = await compileTestModule(entry, tmpName);
    renameSync(join(outDir, `${tmpName}.wasm`), final);
    return bytes;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let conformance: Promise<Uint8Array> | null = null;
let configEcho: Promise<Uint8Array> | null = null;

/** The conformance plugin's bytes. */
export function conformanceWasm(): Promise<Uint8Array> {
  return (conformance ??= compileOnce("plugins/testing/conformance/index.ts", "conformance"));
}

/** The SDK-based configuration echo plugin's bytes. */
export function configEchoWasm(): Promise<Uint8Array> {
  return (configEcho ??= compileOnce("plugins/testing/conformance/config-echo.ts", "config-echo"));
}

/** A gateway whose plugins are all the conformance module (each with its own name and config). */
export async function conformanceGateway(
  opts: HostOptions & { plugins?: (Partial<TestPlugin> & { name?: string })[] } = {},
): Promise<TestGateway> {
  const wasm = await conformanceWasm();
  const plugins = (opts.plugins ?? [{}]).map((p, i) => ({ name: p.name ?? `conformance${i || ""}`, ...p, wasm }));
  return new TestGateway({ ...opts, plugins: plugins as TestPlugin[] });
}

export type Report = Map<string, string>;

/** Parses one `report <name>` block. */
export function parseReport(text: string, name?: string): Report {
  const [head, ...lines] = text.split("\n");
  if (!head.startsWith("report ")) throw new Error(`not a report: ${JSON.stringify(text.slice(0, 80))}`);
  if (name !== undefined && head !== `report ${name}`) throw new Error(`expected report ${name}, got ${head}`);
  const report: Report = new Map();
  for (const line of lines) {
    const eq = line.indexOf("=");
    report.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return report;
}

/** The report a scenario answered with in its 200 local reply. */
export function replyReport(res: Exchange, name: string): Report {
  if (res.status !== 200 || res.details !== "conformance_report") {
    throw new Error(`expected a report reply, got ${res.status} (${res.details}): ${res.text().slice(0, 200)}`);
  }
  return parseReport(res.text(), name);
}

/** Every report of that name logged so far, oldest first. */
export function loggedReports(gw: TestGateway, name: string): Report[] {
  return gw.logs.records.filter((r) => r.message.startsWith(`report ${name}\n`)).map((r) => parseReport(r.message, name));
}

/** The one report of that name logged so far (fails if there is none or several). */
export function loggedReport(gw: TestGateway, name: string): Report {
  const all = loggedReports(gw, name);
  if (all.length !== 1) throw new Error(`expected one logged report ${name}, found ${all.length}`);
  return all[0];
}

/** A report value as a number (fails if absent). */
export function num(report: Report, key: string): number {
  const v = report.get(key);
  if (v === undefined) throw new Error(`report has no ${key}`);
  return Number(v);
}

/** The `cb …` trace lines a plugin logged (configuration word `trace`). */
export function traceOf(gw: TestGateway, plugin?: string): string[] {
  return gw.logs.records.filter((r) => r.message.startsWith("cb ") && (!plugin || r.plugin === plugin)).map((r) => r.message.slice(3));
}

/** Lets queued microtasks and due I/O callbacks run (e.g. on_queue_ready deliveries). */
export const settle = () => new Promise((r) => setImmediate(r));

/** 8-byte little-endian hex of an integer, as Envoy serializes int64 properties. */
export function int64Hex(n: number | bigint): string {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b.toString("hex");
}
