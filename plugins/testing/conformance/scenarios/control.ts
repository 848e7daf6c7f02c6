// Logging, time, status and stream control: proxy_log, proxy_get_log_level, proxy_get_status,
// proxy_get_current_time_nanoseconds, proxy_set_tick_period_milliseconds, proxy_set_effective_context,
// proxy_done, proxy_continue_stream, proxy_close_stream, proxy_send_local_response, and the
// emscripten helpers.
import { BAD_PTR, StreamType } from "../abi";
import * as abi from "../abi";
import { log, now, sendLocalResponse, status } from "../calls";
import { OUT_PTR, OUT_U32, OUT_U64, enc, len, pairs, ptr } from "../mem";
import { Report } from "../report";

/** `log`: a line at every level, the error results, and the host's level. */
export function logCalls(): void {
  const r = new Report("log");
  for (let level: u32 = 0; level <= 5; level++) r.code("log." + level.toString(), log(level, "log-level-" + level.toString()));
  r.code("log.level_out_of_range", log(6, "never"));
  r.code("log.bad_ptr", abi.proxy_log(2, BAD_PTR, 4));
  r.code("get_log_level", abi.proxy_get_log_level(OUT_U32));
  r.set("get_log_level.value", load<u32>(OUT_U32).toString());
  r.code("get_log_level.bad_ptr", abi.proxy_get_log_level(BAD_PTR));
  r.reply();
}

/** `control`: the results of the stream-control and context calls that need no stream effect. */
export function controlCalls(contextId: u32): void {
  const r = new Report("control");
  const s = status();
  r.code("get_status", s.result);
  r.set("get_status.code", s.num.toString());
  r.set("get_status.message", s.str());
  r.code("get_status.bad_ptr", abi.proxy_get_status(BAD_PTR, OUT_PTR, OUT_PTR));
  r.code("get_time", abi.proxy_get_current_time_nanoseconds(OUT_U64));
  r.set("get_time.ns", now().toString());
  r.code("get_time.bad_ptr", abi.proxy_get_current_time_nanoseconds(BAD_PTR));
  r.code("set_effective_context.self", abi.proxy_set_effective_context(contextId));
  r.code("set_effective_context.unknown", abi.proxy_set_effective_context(0x7fffff));
  r.code("done", abi.proxy_done());
  r.code("continue_stream.out_of_range", abi.proxy_continue_stream(StreamType.OutOfRange));
  r.code("continue_stream.upstream", abi.proxy_continue_stream(StreamType.Upstream));
  r.code("continue_stream.downstream", abi.proxy_continue_stream(StreamType.Downstream));
  r.code("close_stream.out_of_range", abi.proxy_close_stream(StreamType.OutOfRange));
  r.code("close_stream.downstream", abi.proxy_close_stream(StreamType.Downstream));
  r.code("close_stream.upstream", abi.proxy_close_stream(StreamType.Upstream));
  r.set("pthread_equal.same", abi.pthread_equal(7, 7).toString());
  r.set("pthread_equal.different", abi.pthread_equal(7, 8).toString());
  abi.emscripten_notify_memory_growth(0);
  r.reply();
}

/** `local-reply`: a reply with details, body, extra headers; `x-grpc` (decimal) as the gRPC status. */
export function localReply(grpcStatus: i32): void {
  const d = enc("x");
  const r = new Report("local-reply");
  r.code("bad_body_ptr", abi.proxy_send_local_response(500, ptr(d), len(d), BAD_PTR, 4, 0, 0, -1));
  const headers = pairs(["X-Custom", "x-second"], ["one", "two"]);
  r.code("send", sendLocalResponse(418, "teapot details", "short and stout", headers, grpcStatus));
  r.log();
}

/** `close`: resets the stream with proxy_close_stream(Request). */
export function closeStream(): void {
  const r = new Report("close");
  r.code("close_stream", abi.proxy_close_stream(StreamType.Request));
  r.log();
}

/** `trap`: a Wasm trap in a stream callback fails the VM. */
export function trap(): void {
  unreachable();
}

/** `tick-stop`: a stream context switches its root context's timer off. */
export function stopTick(): void {
  const r = new Report("tick-stop");
  r.code("set_tick_period", abi.proxy_set_tick_period_milliseconds(0));
  r.reply();
}
