// proxy_http_call against a real HTTP server on 127.0.0.1 (Envoy context.cc httpCall,
// onHttpCallSuccess/onHttpCallFailure; cpp-host exports.cc http_call), proxy_get_status, and the
// calls this host answers without a backend: gRPC (a documented gap) and foreign functions.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TestGateway, UpstreamRequest } from "../../host/testing/index.ts";
import { R, conformanceGateway, loggedReport, loggedReports, num, replyReport } from "./support/conformance.ts";

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

let server: http.Server;
let port = 0;
let closedPort = 0;
const seen: Seen[] = [];
const events: string[] = [];
const held = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      events.push("callout");
      if (req.url === "/ok") {
        res.writeHead(200, { "x-up": "1", "content-type": "text/plain" });
        res.end(`pong:${body}`);
      } else if (req.url === "/slow") {
        held.add(res); // never answered: the call times out
      } else if (req.url === "/stall") {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
        held.add(res); // the rest never comes: the call times out mid-response
      } else if (req.url === "/reset") {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial", () => res.socket?.destroy());
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  for (const res of held) res.socket?.destroy();
  await new Promise((r) => server.close(r));
});

let gw: TestGateway;
afterEach(() => {
  gw?.close();
  seen.length = 0;
  events.length = 0;
});

async function gateway() {
  gw = await conformanceGateway({
    clusters: {
      backend: { endpoints: [{ host: "127.0.0.1", port }] },
      nobody: { endpoints: [{ host: "127.0.0.1", port: closedPort }] },
    },
  });
  return gw;
}

function callout(headers: Record<string, string>) {
  const upstream = (req: UpstreamRequest) => {
    events.push("upstream");
    return { status: 200, body: JSON.stringify(req.headers.toObject()) };
  };
  return gw.request({ headers: { "x-scenario": "http-call", "x-cluster": "backend", ...headers }, upstream });
}

describe("proxy_http_call to a cluster", () => {
  it("sends the request, holds the stream, answers on the root context, then resumes the stream", async () => {
    await gateway();
    const res = await callout({ "x-path": "/ok" });
    expect(events).toEqual(["callout", "upstream"]);
    expect(seen[0]).toMatchObject({ method: "POST", url: "/ok", body: "ping" });
    expect(seen[0].headers).toMatchObject({ host: "callout.local", "x-from": "conformance", "content-length": "4" });

    const r = loggedReport(gw, "http-call-response");
    expect(num(r, "root")).toBe(1);
    expect(num(r, "token")).toBeGreaterThan(0);
    expect(num(r, "body_size")).toBe(9);
    expect(num(r, "trailers")).toBe(0);
    expect(num(r, "headers")).toBe(num(r, "pairs.count"));
    expect(r.get("status_header.value")).toBe("200");
    expect(r.get("body.value")).toBe("pong:ping");
    expect(num(r, "set_body")).toBe(R.BadArgument); // the http-call body is read-only
    expect(num(r, "trailer")).toBe(R.BadArgument); // a response without trailers has no trailer map
    expect([num(r, "get_status"), num(r, "get_status.code"), r.get("get_status.message")]).toEqual([R.Ok, 0, ""]);

    // The root context has no request headers until it switches to the stream's context.
    expect(num(r, "request_headers_before_switch")).toBe(R.BadArgument);
    expect(num(r, "set_effective_context.unknown")).toBe(R.BadArgument);
    expect(num(r, "set_effective_context")).toBe(R.Ok);
    expect(num(r, "add_header")).toBe(R.Ok);
    expect(num(r, "continue")).toBe(R.Ok);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ "x-callout-status": "200", "x-callout-body": "pong:ping" });
  });

  it("delivers the router's 504 when the call times out", async () => {
    await gateway();
    const res = await callout({ "x-path": "/slow", "x-timeout": "50" });
    const r = loggedReport(gw, "http-call-response");
    expect(r.get("status_header.value")).toBe("504");
    expect(r.get("body.value")).toBe("upstream request timeout");
    expect(res.json()["x-callout-status"]).toBe("504");
  });

  it("delivers the router's 503 when the cluster refuses the connection", async () => {
    await gateway();
    const res = await callout({ "x-cluster": "nobody", "x-path": "/ok" });
    expect(loggedReport(gw, "http-call-response").get("status_header.value")).toBe("503");
    expect(res.json()["x-callout-status"]).toBe("503");
  });

  it("reports a reset after the response started as a failure: counts 0 and get_status BrokenConnection \"reset\"", async () => {
    await gateway();
    const res = await callout({ "x-path": "/reset" });
    const r = loggedReport(gw, "http-call-response");
    expect([num(r, "headers"), num(r, "body_size"), num(r, "trailers")]).toEqual([0, 0, 0]);
    expect([num(r, "get_status"), num(r, "get_status.code"), r.get("get_status.message")]).toEqual([R.Ok, R.BrokenConnection, "reset"]);
    expect(num(r, "status_header")).toBe(R.BadArgument); // no response map at all
    expect(num(r, "body")).toBe(R.NotFound);
    expect(res.json()["x-callout-status"]).toBe("none");
  });

  it("also reports a failure when the timeout strikes after the response started", async () => {
    await gateway();
    const res = await callout({ "x-path": "/stall", "x-timeout": "100" });
    const r = loggedReport(gw, "http-call-response");
    expect([num(r, "headers"), num(r, "body_size"), num(r, "trailers")]).toEqual([0, 0, 0]);
    expect(num(r, "get_status.code")).toBe(R.BrokenConnection);
    expect(res.json()["x-callout-status"]).toBe("none");
  });
});

describe("proxy_http_call refused synchronously", () => {
  async function refused(headers: Record<string, string>) {
    await gateway();
    const r = replyReport(await callout(headers), "http-call");
    expect(loggedReports(gw, "http-call-response")).toHaveLength(0); // no callback, ever
    expect(seen).toHaveLength(0);
    return r;
  }

  it("answers BadArgument for an unknown cluster, with token 0", async () => {
    const r = await refused({ "x-cluster": "no-such-cluster", "x-path": "/ok" });
    expect(num(r, "call")).toBe(R.BadArgument);
    expect(num(r, "call.token")).toBe(0);
  });

  it("answers BadArgument when :path is missing", async () => {
    expect(num(await refused({}), "call")).toBe(R.BadArgument);
  });

  it("answers BadArgument for a timeout that is negative as Envoy's int", async () => {
    expect(num(await refused({ "x-path": "/ok", "x-timeout": "4294967295" }), "call")).toBe(R.BadArgument);
  });

  it("answers InvalidMemoryAccess for header or token pointers outside memory", async () => {
    await gateway();
    const r = replyReport(await gw.request({ headers: { "x-scenario": "http-call-memory" } }), "http-call-memory");
    expect(num(r, "bad_headers_ptr")).toBe(R.InvalidMemoryAccess);
    expect(num(r, "bad_token_ptr")).toBe(R.InvalidMemoryAccess);
  });
});

describe("gRPC and foreign functions", () => {
  it("answers gRPC calls Unimplemented and unknown tokens NotFound (documented gap: no gRPC client here)", async () => {
    await gateway();
    const r = replyReport(await gw.request({ headers: { "x-scenario": "grpc" } }), "grpc");
    expect(num(r, "grpc_call")).toBe(R.Unimplemented);
    expect(num(r, "grpc_stream")).toBe(R.Unimplemented);
    expect(num(r, "grpc_send")).toBe(R.NotFound);
    expect(num(r, "grpc_close")).toBe(R.NotFound);
    expect(num(r, "grpc_cancel")).toBe(R.NotFound);
  });

  it("answers NotFound for a foreign function that is not registered, InvalidMemoryAccess for a bad name", async () => {
    await gateway();
    const r = replyReport(await gw.request({ headers: { "x-scenario": "grpc" } }), "grpc");
    expect(num(r, "foreign.unknown")).toBe(R.NotFound);
    expect(num(r, "foreign.bad_name_ptr")).toBe(R.InvalidMemoryAccess);
  });
});
