// Starts Debian's `docker-registry` (CNCF distribution 2.8) on a free 127.0.0.1 port with its storage and
// config in a temp dir, optionally behind htpasswd (bcrypt hash made here with bcryptjs), and stops it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { freePort } from "../../../host/testing/ports.ts";

export interface RunningRegistry {
  /** host:port, what REGISTRY= starts with. */
  host: string;
  origin: string;
  stop(): Promise<void>;
}

/** Fails (never skips) when a tool the tests need is missing: CI installs it (.ci/run). */
export function requireCommand(command: string, debianPackage: string): void {
  if (spawnSync("sh", ["-c", `command -v ${command}`]).status !== 0) {
    throw new Error(`\`${command}\` is not installed: apt-get install ${debianPackage} (.ci/run installs it in CI)`);
  }
}

export async function startRegistry(options: { user?: string; password?: string } = {}): Promise<RunningRegistry> {
  requireCommand("docker-registry", "docker-registry");
  const dir = mkdtempSync(join(tmpdir(), "oci-registry-"));
  mkdirSync(join(dir, "data"));
  let auth = "";
  if (options.user && options.password !== undefined) {
    writeFileSync(join(dir, "htpasswd"), `${options.user}:${bcrypt.hashSync(options.password, 5)}\n`);
    auth = `auth:\n  htpasswd:\n    realm: test-registry\n    path: ${join(dir, "htpasswd")}\n`;
  }
  // A port can be taken between choosing and binding; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = join(dir, `config-${port}.yml`);
    writeFileSync(
      config,
      [
        "version: 0.1",
        "log:\n  level: error\n  accesslog:\n    disabled: true",
        `storage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n  delete:\n    enabled: true`,
        `http:\n  addr: 127.0.0.1:${port}\n  secret: test-secret-${port}`,
        auth,
      ].join("\n"),
    );
    const child = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const origin = `http://127.0.0.1:${port}`;
    if (await waitUntilServing(origin, child)) {
      const stop = async () => {
        await stopChild(child);
        rmSync(dir, { recursive: true, force: true });
      };
      return { host: `127.0.0.1:${port}`, origin, stop };
    }
    await stopChild(child);
    if (attempt === 2) throw new Error(`docker-registry did not start: ${stderr.trim()}`);
  }
  throw new Error("unreachable");
}

/** Polls /v2/ (200 or 401 both mean it serves) for at most 10 s. */
async function waitUntilServing(origin: string, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${origin}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200 || res.status === 401) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
