// A case file on the noop module (always built): checks a driver's own machinery (generated bootstrap,
// header routing and removal, echo upstream, canned answers, repeated headers) before any real plugin
// is involved. Both the gateway driver (driver.test.ts) and the Envoy driver run it.
import type { CaseFile } from "../support/cases.ts";
import { CLUSTER_HEADER, ROUTE_HEADER } from "./case-bootstrap.ts";

export const DRIVER_FIXTURE: CaseFile = {
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

