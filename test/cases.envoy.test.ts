// The shared cases (test/cases/**/*.yaml, preceded by the drivers' own noop fixture) and the
// envoy/envoy.yaml walkthrough against stock Envoy in a container, through the same bootstrap
// generator, echo upstream, case client and expectation checker as the local gateway's driver. Runs when a container runtime and the envoyproxy/envoy image are
// available (it pulls the image if needed); otherwise every test is skipped with a message saying what
// is missing. ENVOY_DRIVER=required (CI) turns that skip into a failure. When Envoy is there, any
// misbehaviour fails the test, with Envoy's log attached.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { wasmPath } from "../host/testing/index.ts";
import { MockProvider } from "../gateway/mock/provider.ts";
import { WALKTHROUGH } from "../gateway/walkthrough.ts";
import { caseBootstrap } from "./gateway/case-bootstrap.ts";
import { sendCase } from "./gateway/case-client.ts";
import { EchoUpstream } from "./gateway/echo-upstream.ts";
import { freePort } from "../host/testing/ports.ts";
import { ENVOY_IMAGE, detectEnvoy, loudly, startEnvoy, type StartedEnvoy } from "./gateway/envoy-container.ts";
import { CHAIN, envoyYamlWithPorts } from "./gateway/envoy-yaml.ts";
import { DRIVER_FIXTURE } from "./gateway/fixture-cases.ts";
import { checkStep } from "./gateway/walkthrough-run.ts";
import { checkExpectations, loadCaseFiles } from "./support/cases.ts";
import { pluginsBuilt } from "./support/plugins-built.ts";

const availability = await detectEnvoy();

/** Runs `check`; on failure, adds Envoy's recent log to the error. */
async function explained(envoy: StartedEnvoy, check: () => Promise<unknown>): Promise<void> {
  try {
    await check();
  } catch (e) {
    (e as Error).message += `\n--- Envoy log (last lines) ---\n${envoy.logTail()}`;
    throw e;
  }
}

if (!availability.ok) {
  const message = `Envoy driver SKIPPED: ${availability.missing}`;
  loudly(message);
  describe(`cases (Envoy ${ENVOY_IMAGE})`, () => {
    if (process.env.ENVOY_DRIVER === "required") {
      it("has a container runtime and the Envoy image (ENVOY_DRIVER=required)", () => {
        throw new Error(message);
      });
    } else {
      it.skip(message, () => {});
    }
  });
} else {
  for (const file of [DRIVER_FIXTURE, ...loadCaseFiles()]) {
    describe(`cases ${file.file} (Envoy ${ENVOY_IMAGE})`, () => {
      if (!pluginsBuilt(file.plugins.map((p) => p.name))) return;
      let upstream: EchoUpstream;
      let envoy: StartedEnvoy;
      let port: number;
      beforeAll(async () => {
        upstream = await EchoUpstream.start();
        port = await freePort();
        const adminPort = await freePort();
        const inContainer = (name: string) => `/etc/envoy/wasm/${name}.wasm`;
        const yaml = stringify(caseBootstrap(file, { wasmPath: inContainer, listenerPort: port, adminPort, upstream: { address: "127.0.0.1", port: upstream.port } }));
        const modules = [...new Set(file.plugins.map((p) => p.name))];
        envoy = await startEnvoy({ yaml, adminPort, files: modules.map((m) => ({ source: wasmPath(m), target: inContainer(m) })) });
      }, 120_000);
      afterAll(async () => {
        await envoy?.stop();
        await upstream?.close();
      });
      for (const c of file.cases) {
        it(c.name, () => explained(envoy, async () => checkExpectations(c, await sendCase(port, c, upstream))));
      }
    });
  }

  describe(`envoy/envoy.yaml in Envoy ${ENVOY_IMAGE}: the walkthrough`, () => {
    if (!pluginsBuilt(CHAIN, "every plugin of the chain")) return;
    let mock: MockProvider;
    let envoy: StartedEnvoy;
    let port: number;
    beforeAll(async () => {
      mock = await MockProvider.start();
      port = await freePort();
      const adminPort = await freePort();
      const yaml = envoyYamlWithPorts({ listener: port, admin: adminPort, provider: mock.port });
      // envoy.yaml names build/<plugin>.wasm relative to the working directory, as from the repository root.
      const files = CHAIN.map((p) => ({ source: wasmPath(p), target: `/work/build/${p}.wasm` }));
      envoy = await startEnvoy({ yaml, adminPort, files, workdir: "/work" });
    }, 120_000);
    afterAll(async () => {
      await envoy?.stop();
      await mock?.close();
    });
    for (const step of WALKTHROUGH) {
      it(`${step.say}: HTTP ${step.expect}`, () => explained(envoy, () => checkStep(`http://127.0.0.1:${port}`, step)));
    }
    it("has ai-proxy call the provider with the configured key", () => {
      const calls = mock.requests.filter((r) => r.path === "/v1/chat/completions");
      expect(calls.length).toBeGreaterThan(0);
      for (const c of calls) expect(c.headers.authorization).toBe("Bearer sk-mock-walkthrough");
    });
  });
}
