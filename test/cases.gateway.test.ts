// Runs every shared case file (test/cases/**/*.yaml) through the local gateway: each file becomes an
// Envoy bootstrap (test/gateway/case-bootstrap.ts, serialised to YAML and read back as a file would
// be) with its plugins, two workers, and an echo upstream; each case is a real HTTP request.
import { afterAll, beforeAll, describe, it } from "vitest";
import { stringify } from "yaml";
import { MemoryLog } from "../host/index.ts";
import { wasmPath } from "../host/testing/index.ts";
import { loadBootstrapText } from "../gateway/bootstrap/load.ts";
import { Gateway } from "../gateway/gateway.ts";
import { caseBootstrap } from "./gateway/case-bootstrap.ts";
import { sendCase } from "./gateway/case-client.ts";
import { EchoUpstream } from "./gateway/echo-upstream.ts";
import { checkExpectations, loadCaseFiles } from "./support/cases.ts";
import { pluginsBuilt } from "./support/plugins-built.ts";

for (const file of loadCaseFiles()) {
  describe(`cases ${file.file} (gateway)`, () => {
    if (!pluginsBuilt(file.plugins.map((p) => p.name))) return;
    let upstream: EchoUpstream;
    let gateway: Gateway;
    beforeAll(async () => {
      upstream = await EchoUpstream.start();
      const yaml = stringify(caseBootstrap(file, { wasmPath, listenerPort: 0, adminPort: 0, upstream: { address: "127.0.0.1", port: upstream.port } }));
      gateway = await Gateway.start(loadBootstrapText(yaml, `${file.file} (generated bootstrap)`), { concurrency: 2, log: new MemoryLog(), accessLog: null });
    });
    afterAll(async () => {
      await gateway?.close(0);
      await upstream?.close();
    });
    for (const c of file.cases) {
      it(c.name, async () => {
        checkExpectations(c, await sendCase(gateway.listeners[0].port, c, upstream));
      });
    }
  });
}
