// The case-driver machinery (generated bootstrap, header routing, echo upstream, case client) checked
// on the always-built noop module, so it is known to work before the real plugins land.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { MemoryLog } from "../../host/index.ts";
import { wasmPath } from "../../host/testing/index.ts";
import { loadBootstrapText } from "../../gateway/bootstrap/load.ts";
import { Gateway } from "../../gateway/gateway.ts";
import { checkExpectations } from "../support/cases.ts";
import { caseBootstrap } from "./case-bootstrap.ts";
import { sendCase } from "./case-client.ts";
import { EchoUpstream } from "./echo-upstream.ts";
import { DRIVER_FIXTURE as file } from "./fixture-cases.ts";

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
