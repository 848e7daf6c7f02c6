// SHA-256 (plugins/common/sha256.ts) against the FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf"
// and the SHA-2 "Additional Examples"), every message length around the padding boundaries, and random
// messages, all compared with node:crypto. Runs the AssemblyScript code compiled with the project's options.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestHarness } from "../../test/support/asc.ts";

interface Harness {
  memory: WebAssembly.Memory;
  inputBuffer(size: number): number;
  digestOf(length: number): number;
}

let harness: Harness;

beforeAll(async () => {
  harness = await loadTestHarness<Harness>("plugins/common/testing/sha256-harness.ts", "sha256-harness", {
    harness: {
      abort() {
        throw new Error("wasm abort in the sha256 harness");
      },
    },
  });
});

function sha256Hex(message: Uint8Array | string): string {
  const bytes = typeof message === "string" ? Buffer.from(message, "latin1") : message;
  const ptr = harness.inputBuffer(bytes.length);
  new Uint8Array(harness.memory.buffer, ptr, bytes.length).set(bytes);
  const out = harness.digestOf(bytes.length);
  return Buffer.from(new Uint8Array(harness.memory.buffer, out, 32)).toString("hex");
}

const nodeSha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("sha256", () => {
  it.each([
    ["the empty message", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ['"abc" (one block)', "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      "the 448-bit message (padding needs a second block)",
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
    [
      "the 896-bit message (two blocks of data)",
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
    ],
    ["one million 'a'", "a".repeat(1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"],
  ])("hashes %s as NIST's example does", (_name, message, expected) => {
    expect(sha256Hex(message)).toBe(expected);
  });

  it("agrees with node:crypto at every length from 0 to 200 bytes (each padding case)", () => {
    for (let length = 0; length <= 200; length++) {
      const message = new Uint8Array(length).map((_, i) => (i * 131 + length) & 0xff);
      expect(sha256Hex(message), `length ${length}`).toBe(nodeSha256(message));
    }
  });

  it("agrees with node:crypto on random messages", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (message) => sha256Hex(message) === nodeSha256(message)),
      { numRuns: 300 },
    );
  });

  it("gives the same digest when called again (no state left from the previous message)", () => {
    const first = sha256Hex("abc");
    sha256Hex("x".repeat(100));
    expect(sha256Hex("abc")).toBe(first);
  });
});
