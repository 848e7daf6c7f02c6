// A stand-in Redis on 127.0.0.1 that answers each command with whatever reply the test hands it, to
// check how the plugin takes replies a real Redis would not give (errors, wrong shapes, odd values).
import net from "node:net";

/** Length of one complete command (an array of bulk strings) at the start of `buf`, or -1. */
function commandLength(buf: Buffer): number {
  let pos = buf.indexOf("\r\n");
  if (buf[0] !== 0x2a || pos < 0) return -1;
  const n = Number(buf.toString("latin1", 1, pos));
  pos += 2;
  for (let i = 0; i < n; i++) {
    const end = buf.indexOf("\r\n", pos);
    if (end < 0) return -1;
    const len = Number(buf.toString("latin1", pos + 1, end));
    pos = end + 2 + len + 2;
    if (pos > buf.length) return -1;
  }
  return pos;
}

export class FakeRedis {
  readonly commands: string[][] = [];
  private readonly server: net.Server;
  /** Hold each reply this long (ms) before sending it. */
  delayMs = 0;
  /** The reply to the next command; `next` is called once per command. */
  next: (command: string[]) => string | Buffer = () => "*2\r\n:1\r\n:1000\r\n";

  private constructor(server: net.Server, readonly port: number) {
    this.server = server;
  }

  static start(): Promise<FakeRedis> {
    const sockets = new Set<net.Socket>();
    let fake: FakeRedis;
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      let buf = Buffer.alloc(0);
      socket.on("data", (d) => {
        buf = Buffer.concat([buf, d]);
        for (let len = commandLength(buf); len > 0; len = commandLength(buf)) {
          const parts = buf.subarray(0, len).toString("latin1").split("\r\n").filter((_, i) => i > 0 && i % 2 === 0);
          buf = buf.subarray(len);
          fake.commands.push(parts);
          const reply = fake.next(parts);
          if (fake.delayMs > 0) setTimeout(() => socket.writable && socket.write(reply), fake.delayMs);
          else socket.write(reply);
        }
      });
    });
    (server as any).closeAll = () => sockets.forEach((s) => s.destroy());
    return new Promise((resolve) => {
      server.listen(0, "127.0.0.1", () => {
        fake = new FakeRedis(server, (server.address() as net.AddressInfo).port);
        resolve(fake);
      });
    });
  }

  close(): Promise<void> {
    (this.server as any).closeAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
