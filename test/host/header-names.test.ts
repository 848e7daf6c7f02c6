// Header names added from guest memory: the host keeps each lowercased name once and shares it
// between maps (host/vm/header-map.ts, NameTable). Sharing must be invisible: every map holds its
// own names, lowercased, whatever the case they were sent in and however many distinct names a
// process has seen (more than the 64 kept).
import { describe, expect, it } from "vitest";
import { HeaderMap } from "../../host/index.ts";

/** Guest memory stand-in: `name` then `value`, as a module would pass them. */
function addFromGuest(map: HeaderMap, name: string, value: string, replace = false): void {
  const mem = Buffer.from(name + value);
  if (replace) map.replaceRange(mem, 0, name.length, name.length, value.length);
  else map.addRange(mem, 0, name.length, name.length, value.length);
}

describe("header names added from guest memory", () => {
  it("are stored lowercased whatever case each request sends them in", () => {
    const maps = ["X-Trace-Id", "x-trace-id", "X-TRACE-ID"].map((name, i) => {
      const map = new HeaderMap();
      addFromGuest(map, name, `v${i}`);
      addFromGuest(map, name.replace(/trace/i, "Span"), `s${i}`, true);
      return map;
    });
    maps.forEach((map, i) => expect(map.entries()).toEqual([["x-trace-id", `v${i}`], ["x-span-id", `s${i}`]]));
  });

  it("stay right in every map after more distinct names than the host keeps", () => {
    const maps: HeaderMap[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 150; i++) {
        const map = new HeaderMap();
        addFromGuest(map, `X-Name-${i}`, `${round}:${i}`);
        addFromGuest(map, `x-other-${149 - i}`, "o", true);
        maps.push(map);
      }
    }
    maps.forEach((map, n) => {
      const i = n % 150;
      expect(map.entries()).toEqual([[`x-name-${i}`, `${Math.floor(n / 150)}:${i}`], [`x-other-${149 - i}`, "o"]]);
    });
  });
});
