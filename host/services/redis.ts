// Higress's Redis extension as a Higress gateway provides it: proxy_redis_init names a cluster and
// credentials, proxy_redis_call sends one RESP command and the raw RESP reply comes back later through
// proxy_on_redis_call_response. Replies are handed to the plugin byte for byte, so this client only
// needs to know where one reply ends (the framer below); no npm Redis client exposes raw replies.
import net from "node:net";
import type { ClusterManager } from "./clusters.ts";

export interface RedisReply { ok: boolean; raw: Buffer }

interface Pending { resolve: (r: RedisReply) => void; timer: NodeJS.Timeout | undefined }

/** Length of the first complete RESP value in `buf` starting at `at`, or -1 if it is incomplete. */
export function respLength(buf: Buffer, at = 0): number {
  if (at >= buf.length) return -1;
  const lineEnd = buf.indexOf("\r\n", at);
  if (lineEnd < 0) return -1;
  const type = buf[at];
  const header = lineEnd + 2 - at;
  switch (type) {
    case 0x2b: // + simple string
    case 0x2d: // - error
    case 0x3a: // : integer
    case 0x5f: // _ null (RESP3)
    case 0x2c: // , double
    case 0x23: // # boolean
      return header;
    case 0x24: { // $ bulk string
      const n = Number(buf.toString("latin1", at + 1, lineEnd));
      if (n < 0) return header;
      return lineEnd + 2 + n + 2 <= buf.length ? header + n + 2 : -1;
    }
    case 0x2a: { // * array
      const n = Number(buf.toString("latin1", at + 1, lineEnd));
      let pos = lineEnd + 2;
      for (let i = 0; i < n; i++) {
        const len = respLength(buf, pos);
        if (len < 0) return -1;
        pos += len;
      }
      return pos - at;
    }
    default:
      throw new Error(`unexpected RESP type byte 0x${type.toString(16)}`);
  }
}

function bulk(...parts: string[]): Buffer {
  return Buffer.from(`*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join("")}`);
}

class RedisConnection {
  private socket: net.Socket | null = null;
  private pending: Pending[] = [];
  private buffer = Buffer.alloc(0);

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly auth: { user: string; password: string },
    private readonly timeoutMs: number,
    private readonly database: number,
  ) {}

  private connect(): net.Socket {
    const socket = net.createConnection({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    socket.on("data", (d: Buffer) => this.onData(d));
    const dropAll = () => {
      if (this.socket === socket) this.socket = null;
      const waiting = this.pending;
      this.pending = [];
      this.buffer = Buffer.alloc(0);
      for (const p of waiting) {
        clearTimeout(p.timer);
        p.resolve({ ok: false, raw: Buffer.alloc(0) });
      }
    };
    socket.on("error", dropAll);
    socket.on("close", dropAll);
    this.socket = socket;
    if (this.auth.password) {
      const authCmd = this.auth.user ? bulk("AUTH", this.auth.user, this.auth.password) : bulk("AUTH", this.auth.password);
      // The AUTH reply is consumed like any other; a failed AUTH makes later commands fail with NOAUTH.
      this.pending.push({ resolve: () => {}, timer: undefined });
      socket.write(authCmd);
    }
    if (this.database !== 0) {
      // Sent on every new connection, before any plugin command, so every command runs in that database.
      this.pending.push({ resolve: () => {}, timer: undefined });
      socket.write(bulk("SELECT", String(this.database)));
    }
    return socket;
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    for (;;) {
      let len: number;
      try {
        len = respLength(this.buffer);
      } catch {
        this.socket?.destroy();
        return;
      }
      if (len < 0) return;
      const raw = Buffer.from(this.buffer.subarray(0, len));
      this.buffer = this.buffer.subarray(len);
      const p = this.pending.shift();
      if (!p) continue;
      clearTimeout(p.timer);
      p.resolve({ ok: true, raw });
    }
  }

  send(query: Buffer): Promise<RedisReply> {
    return new Promise((resolve) => {
      const socket = this.socket ?? this.connect();
      const entry: Pending = { resolve, timer: undefined };
      if (this.timeoutMs > 0) {
        entry.timer = setTimeout(() => {
          // A timed-out reply would desynchronise the pipeline: drop the connection and fail everything.
          socket.destroy();
        }, this.timeoutMs);
      }
      this.pending.push(entry);
      socket.write(query);
    });
  }

  close(): void {
    this.socket?.destroy();
  }
}

export class RedisClients {
  private readonly connections = new Map<string, RedisConnection>();

  constructor(private readonly clusters: ClusterManager) {}

  /**
   * proxy_redis_init: false when the cluster is unknown to the gateway. Higress's SDK selects a
   * database by naming the cluster `<cluster>?db=<n>`; the connection then SELECTs it.
   */
  init(cluster: string, user: string, password: string, timeoutMs: number): boolean {
    const q = cluster.indexOf("?");
    const base = q < 0 ? cluster : cluster.slice(0, q);
    const db = q < 0 ? 0 : Number(new URLSearchParams(cluster.slice(q + 1)).get("db") ?? 0);
    if (!this.clusters.has(base) || !Number.isInteger(db) || db < 0) return false;
    this.connections.get(cluster)?.close();
    const ep = this.clusters.pick(base);
    this.connections.set(cluster, new RedisConnection(ep.host, ep.port, { user, password }, timeoutMs, db));
    return true;
  }

  isInitialized(cluster: string): boolean {
    return this.connections.has(cluster);
  }

  call(cluster: string, query: Buffer): Promise<RedisReply> {
    return this.connections.get(cluster)!.send(query);
  }

  close(): void {
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }
}
