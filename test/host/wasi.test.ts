// The WASI preview1 subset as cpp-host implements it (src/exports.cc wasi_unstable_*): stdout/stderr to
// the plugin log, realtime/monotonic clocks, random_get up to 64 KiB, environ from
// vm_config.environment_variables, no arguments, and fixed errors for files and sockets.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../host/index.ts";
import type { TestGateway } from "../../host/testing/index.ts";
import { ERRNO, conformanceGateway, num, replyReport } from "./support/conformance.ts";

let gw: TestGateway;
afterEach(() => gw?.close());

const clock = new ManualClock(Date.UTC(2026, 1, 2, 3, 4, 5));

async function wasi() {
  gw = await conformanceGateway({ clock, plugins: [{ environment: { A: "1", LONG_NAME: "x y" } }] });
  return replyReport(await gw.request({ headers: { "x-scenario": "wasi" } }), "wasi");
}

describe("WASI output", () => {
  it("logs fd 1 at info and fd 2 at error, without the trailing newline, under both module names", async () => {
    const r = await wasi();
    expect(num(r, "fd_write.stdout")).toBe(ERRNO.SUCCESS);
    expect(num(r, "fd_write.stdout.nwritten")).toBe("to stdout\n".length);
    expect(num(r, "fd_write.stderr")).toBe(ERRNO.SUCCESS);
    expect(num(r, "fd_write.unstable")).toBe(ERRNO.SUCCESS);
    expect(num(r, "fd_pwrite.stdout")).toBe(ERRNO.SUCCESS);
    const lines = gw.logs.records.filter((x) => ["to stdout", "to stderr", "via wasi_unstable", "by pwrite"].includes(x.message));
    expect(lines.map((x) => [x.level, x.message])).toEqual([
      ["info", "to stdout"],
      ["error", "to stderr"],
      ["info", "via wasi_unstable"],
      ["info", "by pwrite"],
    ]);
  });

  it("answers BADF for other descriptors and FAULT for an iovec outside memory", async () => {
    const r = await wasi();
    expect(num(r, "fd_write.bad_fd")).toBe(ERRNO.BADF);
    expect(num(r, "fd_pwrite.bad_fd")).toBe(ERRNO.BADF);
    expect(num(r, "fd_write.bad_iovec")).toBe(ERRNO.FAULT);
  });
});

describe("WASI clocks and randomness", () => {
  it("reads realtime and monotonic time from the host clock and refuses the CPU-time clocks", async () => {
    const r = await wasi();
    expect(num(r, "clock_time_get.realtime")).toBe(ERRNO.SUCCESS);
    expect(r.get("clock_time_get.realtime.ns")).toBe(String(clock.nowNanos()));
    expect(r.get("clock_time_get.monotonic.ns")).toBe(String(BigInt(clock.monotonicMs()) * 1_000_000n));
    expect(num(r, "clock_time_get.process_cputime")).toBe(ERRNO.NOTSUP);
    expect(num(r, "clock_time_get.bad_ptr")).toBe(ERRNO.FAULT);
    expect(num(r, "clock_res_get.realtime")).toBe(ERRNO.SUCCESS);
    expect(num(r, "clock_res_get.realtime.ns")).toBe(1);
    expect(num(r, "clock_res_get.thread_cputime")).toBe(ERRNO.NOTSUP);
  });

  it("fills up to 64 KiB of random bytes, refuses more with INVAL, accepts 0 bytes anywhere", async () => {
    const r = await wasi();
    expect(num(r, "random_get.max")).toBe(ERRNO.SUCCESS);
    expect(num(r, "random_get.over_max")).toBe(ERRNO.INVAL);
    expect(num(r, "random_get.zero")).toBe(ERRNO.SUCCESS);
    expect(num(r, "random_get.bad_ptr")).toBe(ERRNO.FAULT);
    expect(num(r, "random_get.sample")).toBe(ERRNO.SUCCESS);
    expect(r.get("random_get.sample.hex")).toMatch(/^[0-9a-f]{64}$/);
    expect(r.get("random_get.sample.hex")).not.toBe("0".repeat(64));
  });
});

describe("WASI environment and arguments", () => {
  it("serves vm_config environment variables as KEY=VALUE with sizes counting the NULs", async () => {
    const r = await wasi();
    expect(num(r, "environ_sizes_get")).toBe(ERRNO.SUCCESS);
    expect(num(r, "environ_sizes_get.count")).toBe(2);
    expect(num(r, "environ_sizes_get.size")).toBe("A=1\0".length + "LONG_NAME=x y\0".length);
    expect(num(r, "environ_get")).toBe(ERRNO.SUCCESS);
    expect(r.get("environ_get.vars")).toBe("A=1;LONG_NAME=x y");
  });

  it("has no arguments", async () => {
    const r = await wasi();
    expect([num(r, "args_sizes_get"), num(r, "args_sizes_get.argc"), num(r, "args_sizes_get.size"), num(r, "args_get")]).toEqual([0, 0, 0, 0]);
  });
});

describe("WASI functions with fixed answers", () => {
  it("answers files, directories and sockets as cpp-host does", async () => {
    const r = await wasi();
    const expected: Record<string, number> = {
      fd_read: ERRNO.NOSYS,
      fd_pread: ERRNO.NOSYS,
      fd_seek: ERRNO.SUCCESS,
      fd_close: ERRNO.SUCCESS,
      "fd_fdstat_get.stdout": ERRNO.SUCCESS,
      "fd_fdstat_get.stdin": ERRNO.BADF,
      fd_fdstat_set_flags: ERRNO.NOSYS,
      "fd_fdstat_set_rights.stdout": ERRNO.SUCCESS,
      "fd_fdstat_set_rights.other": ERRNO.BADF,
      fd_prestat_get: ERRNO.BADF,
      fd_prestat_dir_name: ERRNO.NOSYS,
      fd_filestat_get: ERRNO.BADF,
      "fd_filestat_set_size.stdout": ERRNO.SUCCESS,
      "fd_filestat_set_size.other": ERRNO.BADF,
      "fd_filestat_set_times.stdout": ERRNO.SUCCESS,
      "fd_filestat_set_times.other": ERRNO.BADF,
      fd_advise: ERRNO.SUCCESS,
      "fd_allocate.stdout": ERRNO.SUCCESS,
      "fd_allocate.other": ERRNO.BADF,
      "fd_datasync.stdout": ERRNO.SUCCESS,
      "fd_datasync.other": ERRNO.BADF,
      "fd_sync.stderr": ERRNO.SUCCESS,
      "fd_sync.other": ERRNO.BADF,
      "fd_tell.stdout": ERRNO.SUCCESS,
      "fd_tell.other": ERRNO.BADF,
      fd_readdir: ERRNO.NOTDIR,
      "fd_renumber.std": ERRNO.NOTSUP,
      "fd_renumber.other": ERRNO.BADF,
      path_open: ERRNO.NOENT,
      path_filestat_get: ERRNO.NOTSUP,
      path_filestat_set_times: ERRNO.NOTSUP,
      path_create_directory: ERRNO.NOTSUP,
      path_remove_directory: ERRNO.NOTSUP,
      path_unlink_file: ERRNO.NOTSUP,
      path_link: ERRNO.NOTSUP,
      path_readlink: ERRNO.NOTSUP,
      path_rename: ERRNO.NOTSUP,
      path_symlink: ERRNO.NOTSUP,
      sock_accept: ERRNO.NOTSUP,
      sock_recv: ERRNO.NOTSUP,
      sock_send: ERRNO.NOTSUP,
      sock_shutdown: ERRNO.NOTSUP,
      sched_yield: ERRNO.SUCCESS,
      poll_oneoff: ERRNO.SUCCESS,
    };
    const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, num(r, k)]));
    expect(actual).toEqual(expected);
  });

  it("writes the out-values cpp-host writes: FD_WRITE rights for stdout, offset 0, no poll events", async () => {
    const r = await wasi();
    expect(num(r, "fd_fdstat_get.stdout.rights_base")).toBe(64);
    expect(num(r, "fd_tell.stdout.offset")).toBe(0);
    expect(num(r, "poll_oneoff.nevents")).toBe(0);
  });
});

describe("proc_exit", () => {
  it("only logs; the unreachable after it traps, failing the VM (503 wasm_fail_stream)", async () => {
    gw = await conformanceGateway();
    const res = await gw.request({ headers: { "x-scenario": "proc-exit" } });
    expect(res.status).toBe(503);
    expect(res.details).toBe("wasm_fail_stream");
    expect(gw.plugins[0].runtimes[0].vm.failed).toBe(true);
  });
});
