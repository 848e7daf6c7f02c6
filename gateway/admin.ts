// The admin listener: the read-only part of Envoy's admin API that monitoring and scripts use.
//   GET /ready              200 "LIVE" while serving, 503 "DRAINING" during shutdown
//   GET /stats/prometheus   the gateway's and the plugins' stats in Prometheus text format
//   GET /stats              the same stats as `name: value` lines
import http from "node:http";

export interface AdminSource {
  state(): "LIVE" | "DRAINING";
  prometheus(): string;
  plainStats(): string;
}

const HELP = "admin commands are:\n  /ready: print server state, return 200 if LIVE, otherwise return 503\n  /stats: print server stats\n  /stats/prometheus: print server stats in prometheus format\n";

export function createAdminServer(src: AdminSource): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, body: string, type = "text/plain; charset=UTF-8") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-cache, max-age=0" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    switch (path) {
      case "/ready": {
        const state = src.state();
        return send(state === "LIVE" ? 200 : 503, `${state}\n`);
      }
      case "/stats/prometheus":
        return send(200, src.prometheus(), "text/plain; version=0.0.4; charset=UTF-8");
      case "/stats":
        return send(200, src.plainStats());
      default:
        return send(404, `invalid path. ${HELP}`);
    }
  });
}
