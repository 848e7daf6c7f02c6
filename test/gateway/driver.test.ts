// The case-driver machinery (generated bootstrap, header routing, echo upstream, case client) checked
// on the always-built noop module, so it is known to work before the real plugins land.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { MemoryLog } from "../../host/index.ts";
import { wasmPath } from "../../host/testing/index.ts";
import { loadBootstrapText } from "../../gateway/bootstrap/load.ts";
import { Gateway } from "../../gateway/gateway.ts";
import { checkExpectations, type CaseFile } from "../support/cases.ts";
import { caseBootstrap, CLUSTER_HEADER, ROUTE_HEADER } from "./case-bootstrap.ts";
import { sendCase } from "./case-client.ts";
import { EchoUpstream } from "./echo-upstream.ts";

const file: CaseFile = {
  file: "driver-fixture.yaml",
  description: "noop chain",
  plugins: [{ name: "noop" }, { name: "noop", config: { anything: true } }],
  cases: [
    {
      name: "reaches the upstream on a named route without the routing headers",
      request: { path: "/a?b=c", route: "ai-route", headers: { apikey: "k" } },
      expect: { status: 200, upstream: { path: "/a?b=c", headers: { apikey: "k", host: "example.com" }, no_headers: [ROUTE_HEADER, CLUSTER_HEADER] } },
    },
    {
      name: "returns the case's canned upstream answer",
      request: { path: "/", route: "ai-route", cluster: "outbound|80||llm.default.svc.cluster.local" },
      upstream: { status: 418, headers: { "x-up": "1" }, body: "teapot" },
      expect: { status: 418, headers: { "x-up": "1" }, body: "teapot", upstream: { path: "/" } },
    },
    {
      name: "sends repeated request headers as separate lines",
      request: { method: "POST", path: "/p", headers: [["x-r", "1"], ["x-r", "2"]], body: "hello" },
      expect: { status: 200, upstream: { headers: { "x-r": "1,2" }, body: "hello" } },
    },
  ],
};

describe("case driver on the local gateway (noop plugins)", () => {
  let upstream: EchoUpstream;
  let gateway: Gateway;
  beforeAll(async () => {
    upstream = await EchoUpstream.start();
    const yaml = stringify(caseBootstrap(file, { wasmPath, listenerPort: 0, adminPort: 0, upstream: { address: "127.0.0.1", port: upstream.port } }));
    gateway = await Gateway.start(loadBootstrapText(yaml), { log: new MemoryLog(), accessLog: null });
  });
  afterAll(async () => {
    await gateway.close(0);
    await upstream.close();
  });

  for (const c of file.cases) {
    it(c.name, async () => checkExpectations(c, await sendCase(gateway.listeners[0].port, c, upstream)));
  }

  it("gives plugins the case's route name and cluster as properties", () => {
    const routes = gateway.config.listeners[0].routes.virtualHosts[0].routes;
    expect(routes.map((r) => r.name)).toEqual(["ai-route", "ai-route", ""]);
    expect(routes.map((r) => (r.action.kind === "cluster" ? r.action.cluster : ""))).toEqual(["echo", "outbound|80||llm.default.svc.cluster.local", "echo"]);
  });

  it("fails a case whose expectation does not hold", async () => {
    const c = { ...file.cases[0], expect: { ...file.cases[0].expect, status: 201 } };
    const seen = await sendCase(gateway.listeners[0].port, c, upstream);
    expect(() => checkExpectations(c, seen)).toThrow(/status/);
  });
});
