// The test's handle on a gateway running in a child process (gateway-process.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "gateway-process.ts");

export class GatewayProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (msg: any) => void>();
  private stderr = "";

  private constructor(private readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      const msg = JSON.parse(line);
      this.waiting.get(msg.id)?.(msg);
      this.waiting.delete(msg.id);
    });
    proc.stderr!.on("data", (d) => (this.stderr += d));
  }

  static start(options: { redisPort: number; config: unknown; startMs: number; workers: number; cluster: string }): Promise<GatewayProcess> {
    const proc = spawn(process.execPath, ["--import", "tsx", SCRIPT, JSON.stringify(options)], { stdio: ["pipe", "pipe", "pipe"] });
    const gw = new GatewayProcess(proc);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway process did not start: ${gw.stderr}`)), 20_000);
      gw.waiting.set(0, () => (clearTimeout(timer), resolve(gw)));
      proc.on("exit", (code) => (clearTimeout(timer), reject(new Error(`gateway process exited (${code}): ${gw.stderr}`))));
    });
  }

  private call(cmd: object): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway process did not answer ${JSON.stringify(cmd)}: ${this.stderr}`)), 10_000);
      this.waiting.set(id, (msg) => {
        clearTimeout(timer);
        if (msg.error) reject(new Error(msg.error));
        else resolve(msg);
      });
      this.proc.stdin!.write(JSON.stringify({ id, ...cmd }) + "\n");
    });
  }

  async request(headers: Record<string, string>, worker?: number): Promise<number> {
    return (await this.call({ op: "request", headers, worker })).status;
  }

  async advance(ms: number): Promise<void> {
    await this.call({ op: "advance", ms });
  }

  async metric(name: string): Promise<number> {
    return (await this.call({ op: "metric", name })).value;
  }

  async vmFailed(): Promise<boolean> {
    return (await this.call({ op: "failed" })).value;
  }

  get alive(): boolean {
    return this.proc.exitCode === null;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    await new Promise<void>((resolve) => {
      this.proc.once("exit", () => resolve());
      this.proc.stdin!.end();
    });
  }
}
