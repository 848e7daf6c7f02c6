// Runs every shared case file (test/cases/**/*.yaml) against the built plugins in the proxy-wasm host.
import { existsSync } from "node:fs";
import { afterAll, describe, it } from "vitest";
import { TestGateway, wasmPath } from "../host/testing/index.ts";
import { checkExpectations, loadCaseFiles, type Observed } from "./support/cases.ts";

for (const file of loadCaseFiles()) {
  const missing = file.plugins.filter((p) => !existsSync(wasmPath(p.name))).map((p) => p.name);
  describe(`cases ${file.file} (host)`, () => {
    if (missing.length) {
      // Every plugin the suite ships is built by `make test`; a missing module is a build failure.
      it("has its plugins built", () => {
        throw new Error(`plugin module(s) not built: ${missing.map(wasmPath).join(", ")}`);
      });
      return;
    }
    const gw = new TestGateway({ plugins: file.plugins });
    afterAll(() => gw.close());
    for (const c of file.cases) {
      it(c.name, async () => {
        const res = await gw.request({
          method: c.request.method,
          path: c.request.path,
          authority: c.request.authority,
          headers: c.request.headers,
          body: c.request.body,
          route: c.request.route,
          cluster: c.request.cluster,
          upstream: c.upstream
            ? { status: c.upstream.status ?? 200, headers: c.upstream.headers, body: c.upstream.body ?? "" }
            : undefined,
        });
        const seen: Observed = {
          status: res.status,
          headers: res.headers.toObject(),
          body: res.text(),
          upstream: res.upstream && {
            path: res.upstream.headers.get(":path") ?? "",
            headers: res.upstream.headers.toObject(),
            body: res.upstream.body.toString("utf8"),
          },
        };
        checkExpectations(c, seen);
      });
    }
  });
}
