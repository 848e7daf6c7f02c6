// The WASI preview1 subset Envoy gives modules (proxy-wasm-cpp-host src/exports.cc): stdout/stderr go
// to the log, clocks, random bytes, environment variables from vm_config; no files, no sockets.
import { randomFillSync } from "node:crypto";
import { LogLevel } from "./constants.ts";
import { levelName } from "../services/logger.ts";
import { WASI } from "./signatures.ts";
import type { WasmVm } from "../vm/vm.ts";
import type { ImportTable } from "./util.ts";

const E = { SUCCESS: 0, BADF: 8, NOTDIR: 20, FAULT: 21, INVAL: 28, NOENT: 44, NOSYS: 52, NOTSUP: 58 };
const RANDOM_GET_MAX = 64 * 1024;

export function wasiImports(vm: WasmVm): ImportTable {
  const mem = () => vm.mem;
  const env = () => Object.entries(vm.environment).map(([k, v]) => Buffer.from(`${k}=${v}\0`));

  const writev = (fd: number, iovs: number, iovsLen: number): number | { written: number } => {
    const level = fd === 1 ? LogLevel.info : fd === 2 ? LogLevel.error : -1;
    if (level < 0) return E.BADF;
    const parts: Buffer[] = [];
    for (let i = 0; i < iovsLen >>> 0; i++) {
      if (!mem().inBounds(iovs + i * 8, 8)) return E.FAULT;
      const buf = mem().readU32(iovs + i * 8);
      const len = mem().readU32(iovs + i * 8 + 4);
      if (len === 0) continue;
      const part = mem().read(buf, len);
      if (!part) return E.FAULT;
      parts.push(part);
    }
    let text = Buffer.concat(parts).toString("utf8");
    const written = Buffer.byteLength(text);
    if (text.endsWith("\n")) text = text.slice(0, -1);
    if (written && level >= vm.services.logLevel) {
      const ctx = vm.activeContext();
      vm.services.log.write({ level: levelName(level), plugin: ctx ? ctx.root.plugin.name : vm.label, message: text });
    }
    return { written };
  };

  const table: ImportTable = {
    fd_write(fd: number, iovs: number, iovsLen: number, nwrittenPtr: number) {
      const r = writev(fd, iovs, iovsLen);
      if (typeof r === "number") return r;
      return mem().writeU32(nwrittenPtr, r.written) ? E.SUCCESS : E.FAULT;
    },
    fd_pwrite(fd: number, iovs: number, iovsLen: number, _offset: bigint, nwrittenPtr: number) {
      const r = writev(fd, iovs, iovsLen);
      if (typeof r === "number") return r;
      return mem().writeU32(nwrittenPtr, r.written) ? E.SUCCESS : E.FAULT;
    },
    fd_read: () => E.NOSYS,
    fd_pread: () => E.NOSYS,
    fd_seek: () => E.SUCCESS, // cpp-host logs and answers success
    fd_close: () => E.SUCCESS,
    fd_fdstat_get(fd: number, statPtr: number) {
      if (fd !== 1 && fd !== 2) return E.BADF;
      const stat = Buffer.alloc(24);
      stat.writeBigUInt64LE(64n, 8); // fs_rights_base = FD_WRITE
      return mem().write(statPtr, stat) ? E.SUCCESS : E.FAULT;
    },
    fd_fdstat_set_flags: () => E.NOSYS,
    fd_fdstat_set_rights: (fd: number) => (fd === 1 || fd === 2 ? E.SUCCESS : E.BADF),
    fd_prestat_get: () => E.BADF,
    fd_prestat_dir_name: () => E.NOSYS,
    fd_filestat_get: () => E.BADF,
    fd_advise: () => E.SUCCESS,
    fd_allocate: (fd: number) => (fd === 1 || fd === 2 ? E.SUCCESS : E.BADF),
    fd_datasync: (fd: number) => (fd === 1 || fd === 2 ? E.SUCCESS : E.BADF),
    fd_filestat_set_size: (fd: number) => (fd === 1 || fd === 2 ? E.SUCCESS : E.BADF),
    fd_filestat_set_times: (fd: number) => (fd === 1 || fd === 2 ? E.SUCCESS : E.BADF),
    fd_sync: (fd: number) => (fd === 1 || fd === 2 ? E.SUCCESS : E.BADF),
    fd_renumber: (fd: number, to: number) => ((fd === 1 || fd === 2) && (to === 1 || to === 2) ? E.NOTSUP : E.BADF),
    fd_tell(fd: number, resultPtr: number) {
      if (fd !== 1 && fd !== 2) return E.BADF;
      return mem().writeU64(resultPtr, 0n) ? E.SUCCESS : E.FAULT;
    },
    fd_readdir(_fd: number, _buf: number, _len: number, _cookie: bigint, nreadPtr: number) {
      return mem().writeU32(nreadPtr, 0) ? E.NOTDIR : E.FAULT;
    },
    path_open: () => E.NOENT,
    path_filestat_get: () => E.NOTSUP,
    path_create_directory: () => E.NOTSUP,
    path_filestat_set_times: () => E.NOTSUP,
    path_link: () => E.NOTSUP,
    path_readlink(_fd: number, _p: number, _pl: number, _b: number, _bl: number, resultPtr: number) {
      return mem().writeU32(resultPtr, 0) ? E.NOTSUP : E.FAULT;
    },
    path_remove_directory: () => E.NOTSUP,
    path_rename: () => E.NOTSUP,
    path_symlink: () => E.NOTSUP,
    path_unlink_file: () => E.NOTSUP,
    sock_accept(_fd: number, _flags: number, resultPtr: number) {
      return mem().writeU32(resultPtr, 0) ? E.NOTSUP : E.FAULT;
    },
    sock_recv(_fd: number, _d: number, _dl: number, _f: number, sizePtr: number, flagsPtr: number) {
      if (!mem().writeU32(sizePtr, 0) || !mem().inBounds(flagsPtr, 2)) return E.FAULT;
      mem().dv.setUint16(flagsPtr >>> 0, 0, true);
      return E.NOTSUP;
    },
    sock_send(_fd: number, _d: number, _dl: number, _f: number, sizePtr: number) {
      return mem().writeU32(sizePtr, 0) ? E.NOTSUP : E.FAULT;
    },
    sock_shutdown: () => E.NOTSUP,
    environ_sizes_get(countPtr: number, sizePtr: number) {
      const list = env();
      if (!mem().writeU32(countPtr, list.length)) return E.FAULT;
      return mem().writeU32(sizePtr, list.reduce((n, b) => n + b.length, 0)) ? E.SUCCESS : E.FAULT;
    },
    environ_get(arrayPtr: number, bufPtr: number) {
      for (const item of env()) {
        if (!mem().writeU32(arrayPtr, bufPtr) || !mem().write(bufPtr, item)) return E.FAULT;
        arrayPtr += 4;
        bufPtr += item.length;
      }
      return E.SUCCESS;
    },
    args_sizes_get(argcPtr: number, sizePtr: number) {
      return mem().writeU32(argcPtr, 0) && mem().writeU32(sizePtr, 0) ? E.SUCCESS : E.FAULT;
    },
    args_get: () => E.SUCCESS,
    clock_time_get(clockId: number, _precision: bigint, resultPtr: number) {
      // 0 realtime, 1 monotonic; cpp-host rejects the CPU-time clocks.
      let t: bigint;
      if (clockId === 0) t = vm.services.clock.nowNanos();
      else if (clockId === 1) t = BigInt(Math.round(vm.services.clock.monotonicMs() * 1e6));
      else return E.NOTSUP;
      return mem().writeU64(resultPtr, t) ? E.SUCCESS : E.FAULT;
    },
    clock_res_get(clockId: number, resultPtr: number) {
      if (clockId !== 0 && clockId !== 1) return E.NOTSUP;
      return mem().writeU64(resultPtr, 1n) ? E.SUCCESS : E.FAULT;
    },
    random_get(bufPtr: number, len: number) {
      len >>>= 0;
      if (len > RANDOM_GET_MAX) return E.INVAL;
      if (len === 0) return E.SUCCESS;
      return mem().write(bufPtr, randomFillSync(Buffer.alloc(len))) ? E.SUCCESS : E.FAULT;
    },
    sched_yield: () => E.SUCCESS,
    poll_oneoff(_in: number, _out: number, _n: number, neventsPtr: number) {
      return mem().writeU32(neventsPtr, 0) ? E.SUCCESS : E.FAULT;
    },
    proc_exit() {
      // cpp-host logs and returns; the module then traps on the `unreachable` that follows.
      const ctx = vm.activeContext();
      vm.services.log.write({ level: "error", plugin: ctx ? ctx.root.plugin.name : vm.label, message: "wasi_unstable proc_exit" });
    },
  };
  for (const name of Object.keys(WASI)) if (!table[name]) throw new Error(`WASI function ${name} has no implementation`);
  return table;
}
