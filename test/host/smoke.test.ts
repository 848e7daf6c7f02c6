import { describe, expect, it } from "vitest";
import { TestGateway } from "../../host/testing/index.ts";

describe("noop plugin through the host", () => {
  it("passes a request to the upstream and the response back", async () => {
    const gw = new TestGateway({ plugins: [{ name: "noop" }] });
    const res = await gw.request({ path: "/hello", headers: { "x-a": "1" } });
    expect(res.status).toBe(200);
    expect(res.upstream?.headers.get(":path")).toBe("/hello");
    expect(res.json().headers["x-a"]).toBe("1");
  });
});
