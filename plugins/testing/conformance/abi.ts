// Every host function of proxy-wasm ABI 0.2.1 as Envoy registers it (proxy-wasm-cpp-host
// include/proxy-wasm/exports.h, src/exports.cc), declared here with the exact wasm32 signatures:
// i32 for every Word, i64 for the metric values and the WASI 64-bit arguments. The SDK's own
// declarations are not used because some are wrong (its proxy_grpc_call has 10 parameters, Envoy's 12)
// and a conformance module must be able to pass any argument, bad pointers included.

// ---- env.proxy_* ----

// @ts-ignore: decorator
@external("env", "proxy_log") export declare function proxy_log(level: u32, ptr: usize, size: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_log_level") export declare function proxy_get_log_level(levelPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_status") export declare function proxy_get_status(codePtr: usize, msgPtrPtr: usize, msgSizePtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_set_property") export declare function proxy_set_property(pathPtr: usize, pathSize: usize, valuePtr: usize, valueSize: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_property") export declare function proxy_get_property(pathPtr: usize, pathSize: usize, valuePtrPtr: usize, valueSizePtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_send_local_response") export declare function proxy_send_local_response(status: u32, detailsPtr: usize, detailsSize: usize, bodyPtr: usize, bodySize: usize, headersPtr: usize, headersSize: usize, grpcStatus: i32): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_shared_data") export declare function proxy_get_shared_data(keyPtr: usize, keySize: usize, valuePtrPtr: usize, valueSizePtr: usize, casPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_set_shared_data") export declare function proxy_set_shared_data(keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize, cas: u32): u32;
// @ts-ignore: decorator
@external("env", "proxy_register_shared_queue") export declare function proxy_register_shared_queue(namePtr: usize, nameSize: usize, tokenPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_resolve_shared_queue") export declare function proxy_resolve_shared_queue(vmIdPtr: usize, vmIdSize: usize, namePtr: usize, nameSize: usize, tokenPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_dequeue_shared_queue") export declare function proxy_dequeue_shared_queue(token: u32, dataPtrPtr: usize, dataSizePtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_enqueue_shared_queue") export declare function proxy_enqueue_shared_queue(token: u32, dataPtr: usize, dataSize: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_header_map_value") export declare function proxy_get_header_map_value(type: u32, keyPtr: usize, keySize: usize, valuePtrPtr: usize, valueSizePtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_add_header_map_value") export declare function proxy_add_header_map_value(type: u32, keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_replace_header_map_value") export declare function proxy_replace_header_map_value(type: u32, keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_remove_header_map_value") export declare function proxy_remove_header_map_value(type: u32, keyPtr: usize, keySize: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_header_map_pairs") export declare function proxy_get_header_map_pairs(type: u32, ptrPtr: usize, sizePtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_set_header_map_pairs") export declare function proxy_set_header_map_pairs(type: u32, ptr: usize, size: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_header_map_size") export declare function proxy_get_header_map_size(type: u32, sizePtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_buffer_status") export declare function proxy_get_buffer_status(type: u32, lengthPtr: usize, flagsPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_buffer_bytes") export declare function proxy_get_buffer_bytes(type: u32, start: u32, length: u32, ptrPtr: usize, sizePtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_set_buffer_bytes") export declare function proxy_set_buffer_bytes(type: u32, start: u32, length: u32, dataPtr: usize, dataSize: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_http_call") export declare function proxy_http_call(clusterPtr: usize, clusterSize: usize, headersPtr: usize, headersSize: usize, bodyPtr: usize, bodySize: usize, trailersPtr: usize, trailersSize: usize, timeoutMs: u32, tokenPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_grpc_call") export declare function proxy_grpc_call(servicePtr: usize, serviceSize: usize, serviceNamePtr: usize, serviceNameSize: usize, methodPtr: usize, methodSize: usize, metadataPtr: usize, metadataSize: usize, requestPtr: usize, requestSize: usize, timeoutMs: u32, tokenPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_grpc_stream") export declare function proxy_grpc_stream(servicePtr: usize, serviceSize: usize, serviceNamePtr: usize, serviceNameSize: usize, methodPtr: usize, methodSize: usize, metadataPtr: usize, metadataSize: usize, tokenPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_grpc_send") export declare function proxy_grpc_send(token: u32, messagePtr: usize, messageSize: usize, endStream: u32): u32;
// @ts-ignore: decorator
@external("env", "proxy_grpc_close") export declare function proxy_grpc_close(token: u32): u32;
// @ts-ignore: decorator
@external("env", "proxy_grpc_cancel") export declare function proxy_grpc_cancel(token: u32): u32;
// @ts-ignore: decorator
@external("env", "proxy_set_tick_period_milliseconds") export declare function proxy_set_tick_period_milliseconds(periodMs: u32): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_current_time_nanoseconds") export declare function proxy_get_current_time_nanoseconds(resultPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_define_metric") export declare function proxy_define_metric(type: u32, namePtr: usize, nameSize: usize, idPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_increment_metric") export declare function proxy_increment_metric(id: u32, offset: i64): u32;
// @ts-ignore: decorator
@external("env", "proxy_record_metric") export declare function proxy_record_metric(id: u32, value: u64): u32;
// @ts-ignore: decorator
@external("env", "proxy_get_metric") export declare function proxy_get_metric(id: u32, resultPtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_set_effective_context") export declare function proxy_set_effective_context(contextId: u32): u32;
// @ts-ignore: decorator
@external("env", "proxy_done") export declare function proxy_done(): u32;
// @ts-ignore: decorator
@external("env", "proxy_call_foreign_function") export declare function proxy_call_foreign_function(namePtr: usize, nameSize: usize, argsPtr: usize, argsSize: usize, resultPtrPtr: usize, resultSizePtr: usize): u32;
// @ts-ignore: decorator
@external("env", "proxy_continue_stream") export declare function proxy_continue_stream(type: u32): u32;
// @ts-ignore: decorator
@external("env", "proxy_close_stream") export declare function proxy_close_stream(type: u32): u32;
// Emscripten helpers cpp-host also registers in env.
// @ts-ignore: decorator
@external("env", "pthread_equal") export declare function pthread_equal(a: u32, b: u32): u32;
// @ts-ignore: decorator
@external("env", "emscripten_notify_memory_growth") export declare function emscripten_notify_memory_growth(index: u32): void;

// ---- WASI preview1 subset (cpp-host registers each under wasi_unstable and wasi_snapshot_preview1) ----

// @ts-ignore: decorator
@external("wasi_unstable", "fd_write") export declare function fd_write_unstable(fd: u32, iovs: usize, iovsLen: usize, nwrittenPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_write") export declare function fd_write(fd: u32, iovs: usize, iovsLen: usize, nwrittenPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_pwrite") export declare function fd_pwrite(fd: u32, iovs: usize, iovsLen: usize, offset: u64, nwrittenPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_read") export declare function fd_read(fd: u32, iovs: usize, iovsLen: usize, nreadPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_pread") export declare function fd_pread(fd: u32, iovs: usize, iovsLen: usize, offset: u64, nreadPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_seek") export declare function fd_seek(fd: u32, offset: i64, whence: u32, newOffsetPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_close") export declare function fd_close(fd: u32): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_fdstat_get") export declare function fd_fdstat_get(fd: u32, statPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_fdstat_set_flags") export declare function fd_fdstat_set_flags(fd: u32, flags: u32): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_fdstat_set_rights") export declare function fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_get") export declare function fd_prestat_get(fd: u32, bufPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_dir_name") export declare function fd_prestat_dir_name(fd: u32, pathPtr: usize, pathLen: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_filestat_get") export declare function fd_filestat_get(fd: u32, bufPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_filestat_set_size") export declare function fd_filestat_set_size(fd: u32, size: u64): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_filestat_set_times") export declare function fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, flags: u32): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_advise") export declare function fd_advise(fd: u32, offset: u64, len: u64, advice: u32): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_allocate") export declare function fd_allocate(fd: u32, offset: u64, len: u64): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_datasync") export declare function fd_datasync(fd: u32): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_sync") export declare function fd_sync(fd: u32): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_tell") export declare function fd_tell(fd: u32, offsetPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_readdir") export declare function fd_readdir(fd: u32, bufPtr: usize, bufLen: usize, cookie: u64, nreadPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_renumber") export declare function fd_renumber(fd: u32, to: u32): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_open") export declare function path_open(fd: u32, dirFlags: u32, pathPtr: usize, pathLen: usize, oflags: u32, rightsBase: u64, rightsInheriting: u64, fdFlags: u32, fdPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_filestat_get") export declare function path_filestat_get(fd: u32, flags: u32, pathPtr: usize, pathLen: usize, bufPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_filestat_set_times") export declare function path_filestat_set_times(fd: u32, flags: u32, pathPtr: usize, pathLen: usize, atim: u64, mtim: u64, fstFlags: u32): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_create_directory") export declare function path_create_directory(fd: u32, pathPtr: usize, pathLen: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_remove_directory") export declare function path_remove_directory(fd: u32, pathPtr: usize, pathLen: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_unlink_file") export declare function path_unlink_file(fd: u32, pathPtr: usize, pathLen: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_link") export declare function path_link(oldFd: u32, oldFlags: u32, oldPathPtr: usize, oldPathLen: usize, newFd: u32, newPathPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_readlink") export declare function path_readlink(fd: u32, pathPtr: usize, pathLen: usize, bufPtr: usize, bufLen: usize, nreadPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_rename") export declare function path_rename(fd: u32, oldPathPtr: usize, oldPathLen: usize, newFd: u32, newPathPtr: usize, newPathLen: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_symlink") export declare function path_symlink(oldPathPtr: usize, oldPathLen: usize, fd: u32, newPathPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "sock_accept") export declare function sock_accept(fd: u32, flags: u32, fdPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "sock_recv") export declare function sock_recv(fd: u32, dataPtr: usize, dataLen: usize, flags: u32, sizePtr: usize, flagsPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "sock_send") export declare function sock_send(fd: u32, dataPtr: usize, dataLen: usize, flags: u32, sizePtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "sock_shutdown") export declare function sock_shutdown(fd: u32, how: u32): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "environ_sizes_get") export declare function environ_sizes_get(countPtr: usize, sizePtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "environ_get") export declare function environ_get(arrayPtr: usize, bufPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "args_sizes_get") export declare function args_sizes_get(argcPtr: usize, sizePtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "args_get") export declare function args_get(argvPtr: usize, bufPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "clock_time_get") export declare function clock_time_get(clockId: u32, precision: u64, resultPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "clock_res_get") export declare function clock_res_get(clockId: u32, resultPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "random_get") export declare function random_get(bufPtr: usize, len: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "sched_yield") export declare function sched_yield(): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "poll_oneoff") export declare function poll_oneoff(inPtr: usize, outPtr: usize, n: usize, neventsPtr: usize): u32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "proc_exit") export declare function proc_exit(code: u32): void;

// ---- Enumerations (values as Envoy defines them) ----

export const enum Result { Ok = 0, NotFound = 1, BadArgument = 2, InvalidMemoryAccess = 6, Empty = 7, CasMismatch = 8, BrokenConnection = 11, Unimplemented = 12 }
export const enum MapType { RequestHeaders = 0, RequestTrailers = 1, ResponseHeaders = 2, ResponseTrailers = 3, HttpCallResponseHeaders = 6, HttpCallResponseTrailers = 7, OutOfRange = 8 }
export const enum BufferType { RequestBody = 0, ResponseBody = 1, Downstream = 2, Upstream = 3, HttpCallResponseBody = 4, GrpcReceive = 5, VmConfiguration = 6, PluginConfiguration = 7, CallData = 8, OutOfRange = 10 }
export const enum StreamType { Request = 0, Response = 1, Downstream = 2, Upstream = 3, OutOfRange = 4 }
export const enum MetricType { Counter = 0, Gauge = 1, Histogram = 2 }
export const enum LogLevel { Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4, Critical = 5 }
export const enum HeadersStatus { Continue = 0, StopIteration = 1, StopAllIterationAndBuffer = 3, StopAllIterationAndWatermark = 4 }
export const enum DataStatus { Continue = 0, StopIterationAndBuffer = 1, StopIterationAndWatermark = 2, StopIterationNoBuffer = 3 }

/** A pointer far past the end of any linear memory this module will have: the InvalidMemoryAccess probe. */
export const BAD_PTR: usize = 0xfff00000;
