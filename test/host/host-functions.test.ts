// Coverage: the host offers exactly the functions Envoy registers for ABI 0.2.1 (cpp-host
// src/wasm.cc registerCallbacks with include/proxy-wasm/exports.h FOR_ALL_HOST_FUNCTIONS and
// FOR_ALL_WASI_FUNCTIONS), and the conformance plugin, whose signatures are declared independently of
// the host, links against all of them. Each function's behaviour is checked in the topic files.
import { describe, expect, it } from "vitest";
import { loadModule } from "../../host/index.ts";
import { hostFunctionTable } from "../../host/abi/signatures.ts";
import { conformanceWasm } from "./support/conformance.ts";

// Written out from cpp-host, not taken from host/: the point is to compare the two.
const PROXY_0_2_1 = [
  "log", "get_status", "set_property", "get_property", "send_local_response", "get_shared_data", "set_shared_data",
  "register_shared_queue", "resolve_shared_queue", "dequeue_shared_queue", "enqueue_shared_queue",
  "get_header_map_value", "add_header_map_value", "replace_header_map_value", "remove_header_map_value",
  "get_header_map_pairs", "set_header_map_pairs", "get_header_map_size", "get_buffer_status", "get_buffer_bytes",
  "set_buffer_bytes", "http_call", "grpc_call", "grpc_stream", "grpc_close", "grpc_cancel", "grpc_send",
  "set_tick_period_milliseconds", "get_current_time_nanoseconds", "define_metric", "increment_metric",
  "record_metric", "get_metric", "set_effective_context", "done", "call_foreign_function",
  // ABI-specific (0.2.x), and 0.2.1 only: get_log_level.
  "continue_stream", "close_stream", "get_log_level",
].map((n) => `proxy_${n}`);
const EMSCRIPTEN = ["pthread_equal", "emscripten_notify_memory_growth"];
const WASI = [
  "fd_write", "fd_read", "fd_seek", "fd_close", "fd_fdstat_get", "fd_fdstat_set_flags", "fd_fdstat_set_rights",
  "environ_get", "environ_sizes_get", "args_get", "args_sizes_get", "clock_time_get", "clock_res_get", "fd_advise",
  "fd_allocate", "fd_datasync", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread", "fd_pwrite",
  "fd_readdir", "fd_renumber", "fd_sync", "fd_tell", "path_create_directory", "path_filestat_set_times", "path_link",
  "path_readlink", "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file", "sock_accept",
  "sock_recv", "sock_send", "sock_shutdown", "random_get", "sched_yield", "poll_oneoff", "proc_exit", "path_open",
  "fd_prestat_get", "fd_prestat_dir_name", "path_filestat_get", "fd_filestat_get",
];

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe("host functions of ABI 0.2.1", () => {
  it("are offered by the host, no more and no fewer, under env and both WASI module names", () => {
    const offered = hostFunctionTable("0.2.1", false);
    expect(sorted([...offered.keys()].filter((k) => k.startsWith("env.")))).toEqual(sorted([...PROXY_0_2_1, ...EMSCRIPTEN].map((n) => `env.${n}`)));
    for (const mod of ["wasi_unstable", "wasi_snapshot_preview1"]) {
      expect(sorted([...offered.keys()].filter((k) => k.startsWith(`${mod}.`)))).toEqual(sorted(WASI.map((n) => `${mod}.${n}`)));
    }
  });

  it("are all imported by the conformance plugin, and it links (so every signature matches)", async () => {
    const loaded = loadModule(await conformanceWasm());
    expect(loaded.abi).toBe("0.2.1");
    const env = loaded.imports.filter((i) => i.module === "env").map((i) => i.name);
    expect(sorted(env)).toEqual(sorted([...PROXY_0_2_1, ...EMSCRIPTEN]));
    const wasi = new Set(loaded.imports.filter((i) => i.module.startsWith("wasi")).map((i) => i.name));
    expect(sorted(wasi)).toEqual(sorted(WASI));
    expect(loaded.imports.some((i) => i.module === "wasi_unstable")).toBe(true);
  });
});
