// Runs every shared case file (test/cases/**/*.yaml) against the built plugins in the proxy-wasm host.
import { afterAll, describe, it } from "vitest";
import { TestGateway } from "../host/testing/index.ts";
import { checkExpectations, loadCaseFiles, type Observed } from "./support/cases.ts";
import { pluginsBuilt } from "./support/plugins-built.ts";

for (const file of loadCaseFiles()) {
  describe(`cases ${file.file} (host)`, () => {
    if (!pluginsBuilt(file.plugins.map((p) => p.name))) return;
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
