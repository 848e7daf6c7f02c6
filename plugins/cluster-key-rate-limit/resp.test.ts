// The RESP writer and the script-reply reader, compiled on their own (test-support/resp-harness.ts):
// the command bytes, every reply shape, and arbitrary bytes that must never trap.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestHarness } from "../../test/support/asc.ts";

interface Harness {
  memory: WebAssembly.Memory;
  scratch(size: number): number;
  readReply(len: number): number;
  replyCount(): bigint;
  replyTtl(): bigint;
  writeCommand(keyLen: number, expiryMs: bigint, withScript: number): number;
  commandPtr(): number;
}

const KIND = { Counted: 0, NoScript: 1, Error: 2, Malformed: 3 } as const;
let h: Harness;

beforeAll(async () => {
  h = await loadTestHarness<Harness>("plugins/cluster-key-rate-limit/test-support/resp-harness.ts", "cluster-key-rate-limit-resp");
}, 60_000);

function put(data: Uint8Array): number {
  const ptr = h.scratch(Math.max(1, data.length));
  new Uint8Array(h.memory.buffer, ptr, data.length).set(data);
  return data.length;
}

function read(reply: string | Uint8Array): { kind: number; count: bigint; ttl: bigint } {
  const len = put(typeof reply === "string" ? Buffer.from(reply, "latin1") : reply);
  const kind = h.readReply(len);
  return { kind, count: h.replyCount(), ttl: h.replyTtl() };
}

function command(key: string, expiry: number, withScript: boolean): string {
  const len = put(Buffer.from(key));
  const n = h.writeCommand(len, BigInt(expiry), withScript ? 1 : 0);
  return Buffer.from(new Uint8Array(h.memory.buffer, h.commandPtr(), n)).toString("latin1");
}

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

describe("the counting command", () => {
  it("is EVALSHA with the script's SHA-1, one key and the expiry", () => {
    const source = readFileSync(new URL("./script.ts", import.meta.url), "utf8");
    const sha = /SCRIPT_SHA1 = "([0-9a-f]{40})"/.exec(source)![1];
    expect(command("cluster-key-rate-limit:r:global_threshold:60:123", 61_000, false)).toBe(
      `*5\r\n${bulk("EVALSHA")}${bulk(sha)}${bulk("1")}${bulk("cluster-key-rate-limit:r:global_threshold:60:123")}${bulk("61000")}`,
    );
  });

  it("carries the script itself for EVAL, and the constant SHA-1 is the script's", () => {
    const cmd = command("k", 2000, true);
    const m = /^\*5\r\n\$4\r\nEVAL\r\n\$(\d+)\r\n/.exec(cmd)!;
    expect(m).not.toBeNull();
    const script = cmd.slice(m[0].length, m[0].length + Number(m[1]));
    expect(cmd.slice(m[0].length + script.length)).toBe(`\r\n${bulk("1")}${bulk("k")}${bulk("2000")}`);
    const source = readFileSync(new URL("./script.ts", import.meta.url), "utf8");
    const sha = /SCRIPT_SHA1 = "([0-9a-f]{40})"/.exec(source)![1];
    expect(createHash("sha1").update(script).digest("hex")).toBe(sha);
    expect(script).toContain("INCR");
    expect(script).toContain("PEXPIRE");
  });

  it("grows its buffer for long keys", () => {
    const key = "x".repeat(5000);
    expect(command(key, 1, false)).toContain(bulk(key));
  });
});

describe("reading the script's reply", () => {
  it("reads {count, ttl}", () => {
    expect(read("*2\r\n:7\r\n:59000\r\n")).toEqual({ kind: KIND.Counted, count: 7n, ttl: 59000n });
    expect(read("*2\r\n:1\r\n:-1\r\n")).toMatchObject({ kind: KIND.Counted, count: 1n, ttl: -1n });
    // Some proxies hand integers back as bulk strings.
    expect(read(`*2\r\n${bulk("12")}${bulk("3000")}`)).toMatchObject({ kind: KIND.Counted, count: 12n, ttl: 3000n });
  });

  it("tells NOSCRIPT apart from other errors", () => {
    expect(read("-NOSCRIPT No matching script. Please use EVAL.\r\n").kind).toBe(KIND.NoScript);
    expect(read("-ERR wrong number of arguments\r\n").kind).toBe(KIND.Error);
    expect(read("-NOAUTH Authentication required.\r\n").kind).toBe(KIND.Error);
  });

  const malformed: [string, string][] = [
    ["an empty reply", ""],
    ["a simple string", "+OK\r\n"],
    ["a bare integer", ":5\r\n"],
    ["a one-element array", "*1\r\n:1\r\n"],
    ["a null array", "*-1\r\n"],
    ["a count of zero", "*2\r\n:0\r\n:100\r\n"],
    ["a negative count", "*2\r\n:-3\r\n:100\r\n"],
    ["text instead of a count", `*2\r\n${bulk("abc")}:1\r\n`],
    ["a null bulk count", "*2\r\n$-1\r\n:1\r\n"],
    ["an integer too long to hold", "*2\r\n:12345678901234567890\r\n:1\r\n"],
    ["a truncated array", "*2\r\n:5\r\n"],
    ["a bulk length beyond the data", "*2\r\n$100\r\n12\r\n:1\r\n"],
    ["a bulk without its CRLF", "*2\r\n$2\r\n12XX:1\r\n"],
    ["a line without CRLF", "*2\r\n:5"],
    ["a lone CR", "*2\r:5\r\n:1\r\n"],
    ["an unknown type byte", "?2\r\n"],
    ["a sign without digits", "*2\r\n:-\r\n:1\r\n"],
    ["a nested array as the count", "*2\r\n*1\r\n:1\r\n:1\r\n"],
  ];
  for (const [what, reply] of malformed) {
    it(`reports ${what} as malformed`, () => {
      expect(read(reply).kind).toBe(KIND.Malformed);
    });
  }

  it("never traps on arbitrary bytes, and only reads a count from a well-formed reply", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const { kind, count } = read(bytes);
        expect([0, 1, 2, 3]).toContain(kind);
        if (kind === KIND.Counted) {
          expect(Buffer.from(bytes).toString("latin1").startsWith("*")).toBe(true);
          expect(count).toBeGreaterThan(0n);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("never traps on mutated versions of the real reply", () => {
    const real = Buffer.from("*2\r\n:42\r\n:59999\r\n");
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(real.length), (edits, cut) => {
        const b = Buffer.from(real);
        for (const [at, v] of edits) b[at] = v;
        const { kind } = read(b.subarray(0, cut));
        expect([0, 1, 2, 3]).toContain(kind);
      }),
      { numRuns: 3000 },
    );
  });
});
