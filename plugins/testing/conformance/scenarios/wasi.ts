// The WASI preview1 subset Envoy offers: stdout/stderr to the log, clocks, random bytes, environment
// variables from vm_config, and the file/socket functions that answer fixed errors.
import * as abi from "../abi";
import { BAD_PTR } from "../abi";
import { OUT_PTR, OUT_SIZE, OUT_U32, OUT_U64, enc, hex } from "../mem";
import { Report } from "../report";

// Scratch space: two iovecs, a 24-byte fdstat and a small data area.
const IOV: usize = memory.data(16);
const STAT: usize = memory.data(24);
const SCRATCH: usize = memory.data(64);

function iov(text: string): ArrayBuffer {
  const b = enc(text);
  store<u32>(IOV, changetype<usize>(b));
  store<u32>(IOV + 4, b.byteLength);
  return b;
}

/** `wasi`, in on_request_headers: every WASI function once (more for the interesting ones). */
export function wasiCalls(): void {
  const r = new Report("wasi");
  writes(r);
  clocks(r);
  randomBytes(r);
  environment(r);
  fixedAnswers(r);
  r.reply();
}

function writes(r: Report): void {
  let keep = iov("to stdout\n");
  r.code("fd_write.stdout", abi.fd_write(1, IOV, 1, OUT_U32));
  r.set("fd_write.stdout.nwritten", load<u32>(OUT_U32).toString());
  keep = iov("to stderr");
  r.code("fd_write.stderr", abi.fd_write(2, IOV, 1, OUT_U32));
  keep = iov("via wasi_unstable\n");
  r.code("fd_write.unstable", abi.fd_write_unstable(1, IOV, 1, OUT_U32));
  r.code("fd_write.bad_fd", abi.fd_write(3, IOV, 1, OUT_U32));
  store<u32>(IOV, <u32>BAD_PTR);
  store<u32>(IOV + 4, 4);
  r.code("fd_write.bad_iovec", abi.fd_write(1, IOV, 1, OUT_U32));
  keep = iov("by pwrite");
  r.code("fd_pwrite.stdout", abi.fd_pwrite(1, IOV, 1, 0, OUT_U32));
  r.code("fd_pwrite.bad_fd", abi.fd_pwrite(7, IOV, 1, 0, OUT_U32));
  r.set("kept", keep.byteLength.toString());
}

function clocks(r: Report): void {
  r.code("clock_time_get.realtime", abi.clock_time_get(0, 1, OUT_U64));
  r.set("clock_time_get.realtime.ns", load<u64>(OUT_U64).toString());
  r.code("clock_time_get.monotonic", abi.clock_time_get(1, 1, OUT_U64));
  r.set("clock_time_get.monotonic.ns", load<u64>(OUT_U64).toString());
  r.code("clock_time_get.process_cputime", abi.clock_time_get(2, 1, OUT_U64));
  r.code("clock_time_get.bad_ptr", abi.clock_time_get(0, 1, BAD_PTR));
  store<u64>(OUT_U64, 0);
  r.code("clock_res_get.realtime", abi.clock_res_get(0, OUT_U64));
  r.set("clock_res_get.realtime.ns", load<u64>(OUT_U64).toString());
  r.code("clock_res_get.thread_cputime", abi.clock_res_get(3, OUT_U64));
}

function randomBytes(r: Report): void {
  const big = new ArrayBuffer(64 * 1024 + 1);
  r.code("random_get.max", abi.random_get(changetype<usize>(big), 64 * 1024));
  r.code("random_get.over_max", abi.random_get(changetype<usize>(big), 64 * 1024 + 1));
  r.code("random_get.zero", abi.random_get(BAD_PTR, 0));
  r.code("random_get.bad_ptr", abi.random_get(BAD_PTR, 16));
  const sample = new ArrayBuffer(32);
  r.code("random_get.sample", abi.random_get(changetype<usize>(sample), 32));
  r.set("random_get.sample.hex", hex(sample));
}

function environment(r: Report): void {
  r.code("environ_sizes_get", abi.environ_sizes_get(OUT_U32, OUT_SIZE));
  const count = load<u32>(OUT_U32);
  const size = load<u32>(OUT_SIZE);
  r.set("environ_sizes_get.count", count.toString());
  r.set("environ_sizes_get.size", size.toString());
  const array = new ArrayBuffer(<i32>count * 4);
  const buf = new ArrayBuffer(<i32>size);
  r.code("environ_get", abi.environ_get(changetype<usize>(array), changetype<usize>(buf)));
  let vars = "";
  for (let i: u32 = 0; i < count; i++) {
    const p = load<u32>(changetype<usize>(array) + i * 4);
    let end = p;
    while (load<u8>(end) != 0) end++;
    vars += (i ? ";" : "") + String.UTF8.decodeUnsafe(p, end - p);
  }
  r.set("environ_get.vars", vars);
  r.code("args_sizes_get", abi.args_sizes_get(OUT_U32, OUT_SIZE));
  r.set("args_sizes_get.argc", load<u32>(OUT_U32).toString());
  r.set("args_sizes_get.size", load<u32>(OUT_SIZE).toString());
  r.code("args_get", abi.args_get(SCRATCH, SCRATCH));
}

function fixedAnswers(r: Report): void {
  r.code("fd_read", abi.fd_read(0, IOV, 1, OUT_U32));
  r.code("fd_pread", abi.fd_pread(0, IOV, 1, 0, OUT_U32));
  r.code("fd_seek", abi.fd_seek(1, 0, 0, OUT_U64));
  r.code("fd_close", abi.fd_close(1));
  r.code("fd_fdstat_get.stdout", abi.fd_fdstat_get(1, STAT));
  r.set("fd_fdstat_get.stdout.rights_base", load<u64>(STAT + 8).toString());
  r.code("fd_fdstat_get.stdin", abi.fd_fdstat_get(0, STAT));
  r.code("fd_fdstat_set_flags", abi.fd_fdstat_set_flags(1, 0));
  r.code("fd_fdstat_set_rights.stdout", abi.fd_fdstat_set_rights(1, 0, 0));
  r.code("fd_fdstat_set_rights.other", abi.fd_fdstat_set_rights(5, 0, 0));
  r.code("fd_prestat_get", abi.fd_prestat_get(3, SCRATCH));
  r.code("fd_prestat_dir_name", abi.fd_prestat_dir_name(3, SCRATCH, 8));
  r.code("fd_filestat_get", abi.fd_filestat_get(1, SCRATCH));
  r.code("fd_filestat_set_size.stdout", abi.fd_filestat_set_size(1, 0));
  r.code("fd_filestat_set_size.other", abi.fd_filestat_set_size(9, 0));
  r.code("fd_filestat_set_times.stdout", abi.fd_filestat_set_times(2, 0, 0, 0));
  r.code("fd_filestat_set_times.other", abi.fd_filestat_set_times(9, 0, 0, 0));
  r.code("fd_advise", abi.fd_advise(9, 0, 0, 0));
  r.code("fd_allocate.stdout", abi.fd_allocate(1, 0, 0));
  r.code("fd_allocate.other", abi.fd_allocate(9, 0, 0));
  r.code("fd_datasync.stdout", abi.fd_datasync(1));
  r.code("fd_datasync.other", abi.fd_datasync(9));
  r.code("fd_sync.stderr", abi.fd_sync(2));
  r.code("fd_sync.other", abi.fd_sync(9));
  store<u64>(OUT_U64, 77);
  r.code("fd_tell.stdout", abi.fd_tell(1, OUT_U64));
  r.set("fd_tell.stdout.offset", load<u64>(OUT_U64).toString());
  r.code("fd_tell.other", abi.fd_tell(9, OUT_U64));
  r.code("fd_readdir", abi.fd_readdir(3, SCRATCH, 8, 0, OUT_U32));
  r.code("fd_renumber.std", abi.fd_renumber(1, 2));
  r.code("fd_renumber.other", abi.fd_renumber(1, 9));
  r.code("path_open", abi.path_open(3, 0, SCRATCH, 4, 0, 0, 0, 0, OUT_U32));
  r.code("path_filestat_get", abi.path_filestat_get(3, 0, SCRATCH, 4, SCRATCH));
  r.code("path_filestat_set_times", abi.path_filestat_set_times(3, 0, SCRATCH, 4, 0, 0, 0));
  r.code("path_create_directory", abi.path_create_directory(3, SCRATCH, 4));
  r.code("path_remove_directory", abi.path_remove_directory(3, SCRATCH, 4));
  r.code("path_unlink_file", abi.path_unlink_file(3, SCRATCH, 4));
  r.code("path_link", abi.path_link(3, 0, SCRATCH, 4, 3, SCRATCH));
  r.code("path_readlink", abi.path_readlink(3, SCRATCH, 4, SCRATCH, 8, OUT_U32));
  r.code("path_rename", abi.path_rename(3, SCRATCH, 4, 3, SCRATCH, 4));
  r.code("path_symlink", abi.path_symlink(SCRATCH, 4, 3, SCRATCH));
  r.code("sock_accept", abi.sock_accept(3, 0, OUT_U32));
  r.code("sock_recv", abi.sock_recv(3, IOV, 1, 0, OUT_U32, OUT_PTR));
  r.code("sock_send", abi.sock_send(3, IOV, 1, 0, OUT_U32));
  r.code("sock_shutdown", abi.sock_shutdown(3, 0));
  r.code("sched_yield", abi.sched_yield());
  store<u32>(OUT_U32, 99);
  r.code("poll_oneoff", abi.poll_oneoff(SCRATCH, SCRATCH, 0, OUT_U32));
  r.set("poll_oneoff.nevents", load<u32>(OUT_U32).toString());
}

/** `proc-exit`: proc_exit only logs; the `unreachable` that follows it traps and fails the VM. */
export function procExit(): void {
  abi.proc_exit(3);
  unreachable();
}
