// A real redis-server (Debian's package) for tests: on 127.0.0.1, a free port, no persistence. It can
// be stopped and started again on the same port to test what the plugin does while Redis is down.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Sends one command and returns the raw reply (the test's own minimal client). */
export function redisCommand(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: "127.0.0.1", port });
    let data = "";
    const timer = setTimeout(() => (socket.destroy(), reject(new Error("redis command timed out"))), 2000);
    socket.on("data", (d) => {
      data += d.toString("latin1");
      if (data.endsWith("\r\n")) {
        clearTimeout(timer);
        socket.end();
        resolve(data);
      }
    });
    socket.on("error", (e) => (clearTimeout(timer), reject(e)));
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`);
  });
}

export class RedisServer {
  private proc: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const proc = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${this.port}: ${out}`)), 10_000);
      proc.on("error", (e) => (clearTimeout(timer), reject(new Error(`cannot run redis-server (apt-get install redis-server): ${e.message}`))));
      proc.on("exit", (code) => (clearTimeout(timer), reject(new Error(`redis-server exited (${code}): ${out}`))));
      proc.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    proc.removeAllListeners("exit");
  }

  /** Stops the server (SIGKILL: connections drop at once, as when Redis dies). */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    this.proc = null;
    await new Promise<void>((resolve) => {
      proc.once("exit", () => resolve());
      proc.kill("SIGKILL");
    });
  }

  command(...args: string[]): Promise<string> {
    return redisCommand(this.port, ...args);
  }
}
