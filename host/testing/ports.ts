// A free TCP port on 127.0.0.1, for servers whose port must be known before they start (Envoy with
// host networking, `make run`'s mock provider endpoint, a docker-registry).
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
