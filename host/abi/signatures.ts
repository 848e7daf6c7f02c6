// The host functions Envoy offers a module, with the exact wasm signatures proxy-wasm-cpp-host registers
// (derived there from the C++ prototypes in include/proxy-wasm/exports.h). Linking is strict: a module
// importing a name missing here, or with another signature, is refused before it runs, as Envoy does.
import type { AbiVersion } from "./constants.ts";

export type ValType = "i32" | "i64" | "f32" | "f64";
export interface FuncSig { params: ValType[]; results: ValType[] }

const W = "i32" as const; // proxy-wasm "Word" on wasm32
const L = "i64" as const;
const sig = (params: ValType[], results: ValType[] = [W]): FuncSig => ({ params, results });
const words = (n: number, results: ValType[] = [W]) => sig(Array(n).fill(W), results);

/** env.proxy_* functions every 0.2.x module may import. */
const PROXY_COMMON: Record<string, FuncSig> = {
  proxy_log: words(3),
  proxy_get_status: words(3),
  proxy_set_property: words(4),
  proxy_get_property: words(4),
  proxy_send_local_response: words(8),
  proxy_get_shared_data: words(5),
  proxy_set_shared_data: words(5),
  proxy_register_shared_queue: words(3),
  proxy_resolve_shared_queue: words(5),
  proxy_dequeue_shared_queue: words(3),
  proxy_enqueue_shared_queue: words(3),
  proxy_get_header_map_value: words(5),
  proxy_add_header_map_value: words(5),
  proxy_replace_header_map_value: words(5),
  proxy_remove_header_map_value: words(3),
  proxy_get_header_map_pairs: words(3),
  proxy_set_header_map_pairs: words(3),
  proxy_get_header_map_size: words(2),
  proxy_get_buffer_status: words(3),
  proxy_get_buffer_bytes: words(5),
  proxy_set_buffer_bytes: words(5),
  proxy_http_call: words(10),
  proxy_grpc_call: words(12),
  proxy_grpc_stream: words(9),
  proxy_grpc_close: words(1),
  proxy_grpc_cancel: words(1),
  proxy_grpc_send: words(4),
  proxy_set_tick_period_milliseconds: words(1),
  proxy_get_current_time_nanoseconds: words(1),
  proxy_define_metric: words(4),
  proxy_increment_metric: sig([W, L]),
  proxy_record_metric: sig([W, L]),
  proxy_get_metric: words(2),
  proxy_set_effective_context: words(1),
  proxy_done: words(0),
  proxy_call_foreign_function: words(6),
  proxy_continue_stream: words(1),
  proxy_close_stream: words(1),
  // Registered by cpp-host for emscripten/threads builds.
  pthread_equal: words(2),
  emscripten_notify_memory_growth: words(1, []),
};

/** Only ABI 0.2.1 modules get proxy_get_log_level (cpp-host registers it per ABI version). */
const PROXY_0_2_1: Record<string, FuncSig> = { proxy_get_log_level: words(1) };

/** Higress's Redis extension: present only on Higress gateways; stock Envoy refuses a module importing it. */
export const HIGRESS_REDIS: Record<string, FuncSig> = {
  proxy_redis_init: words(7),
  proxy_redis_call: words(5),
};

/** WASI preview1 as cpp-host registers it, under both wasi_unstable and wasi_snapshot_preview1. */
export const WASI: Record<string, FuncSig> = {
  fd_write: words(4),
  fd_read: words(4),
  fd_seek: sig([W, L, W, W]),
  fd_close: words(1),
  fd_fdstat_get: words(2),
  fd_fdstat_set_flags: words(2),
  fd_fdstat_set_rights: sig([W, L, L]),
  environ_get: words(2),
  environ_sizes_get: words(2),
  args_get: words(2),
  args_sizes_get: words(2),
  clock_time_get: sig([W, L, W]),
  clock_res_get: words(2),
  fd_advise: sig([W, L, L, W]),
  fd_allocate: sig([W, L, L]),
  fd_datasync: words(1),
  fd_filestat_set_size: sig([W, L]),
  fd_filestat_set_times: sig([W, L, L, W]),
  fd_pread: sig([W, W, W, L, W]),
  fd_pwrite: sig([W, W, W, L, W]),
  fd_readdir: sig([W, W, W, L, W]),
  fd_renumber: words(2),
  fd_sync: words(1),
  fd_tell: words(2),
  path_create_directory: words(3),
  path_filestat_set_times: sig([W, W, W, W, L, L, W]),
  path_link: words(6),
  path_readlink: words(6),
  path_remove_directory: words(3),
  path_rename: words(6),
  path_symlink: words(4),
  path_unlink_file: words(3),
  sock_accept: words(3),
  sock_recv: words(6),
  sock_send: words(5),
  sock_shutdown: words(2),
  random_get: words(2),
  sched_yield: words(0),
  poll_oneoff: words(4),
  proc_exit: words(1, []),
  path_open: sig([W, W, W, W, W, L, L, W, W]),
  fd_prestat_get: words(2),
  fd_prestat_dir_name: words(3),
  path_filestat_get: words(5),
  fd_filestat_get: words(2),
};

export const WASI_MODULES = ["wasi_unstable", "wasi_snapshot_preview1"];

/** Every `module.name` the host offers a module of the given ABI version, with its signature. */
export function hostFunctionTable(abi: AbiVersion, higress: boolean): Map<string, FuncSig> {
  const table = new Map<string, FuncSig>();
  const env = { ...PROXY_COMMON, ...(abi === "0.2.1" ? PROXY_0_2_1 : {}), ...(higress ? HIGRESS_REDIS : {}) };
  for (const [name, s] of Object.entries(env)) table.set(`env.${name}`, s);
  for (const mod of WASI_MODULES) for (const [name, s] of Object.entries(WASI)) table.set(`${mod}.${name}`, s);
  return table;
}

/** Host functions a module may call while it starts (`_initialize`/`_start`/`main`), as cpp-host restricts. */
export const ALLOWED_DURING_START = new Set([
  "env.emscripten_notify_memory_growth",
  "env.proxy_log",
  ...WASI_MODULES.flatMap((m) =>
    Object.keys(WASI)
      .filter((n) => !["proc_exit", "path_open", "sched_yield", "fd_read", "fd_seek", "fd_close"].includes(n))
      .map((n) => `${m}.${n}`),
  ),
]);

export const formatSig = (s: FuncSig) => `(${s.params.join(", ")}) -> (${s.results.join(", ")})`;
