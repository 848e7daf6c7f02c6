// Bodies and other buffers: proxy_get_buffer_status, proxy_get_buffer_bytes, proxy_set_buffer_bytes,
// and the body callbacks' return codes (StopIterationAndBuffer hands over the total buffered size).
import { BAD_PTR, BufferType, DataStatus } from "../abi";
import * as abi from "../abi";
import { bufferStatus, getBuffer, setBuffer } from "../calls";
import { OUT_PTR, OUT_SIZE } from "../mem";
import { Report } from "../report";
import { param } from "../state";

/**
 * `body-edit` (request) / `response-body-edit` (response): one proxy_set_buffer_bytes on the complete
 * body, chosen by the `x-op` request header, then the body as it stands.
 */
export function editBody(type: u32, size: u32, op: string): void {
  let result: u32 = 0xffff;
  if (op == "prepend") result = setBuffer(type, 0, 0, "XY");
  else if (op == "replace") result = setBuffer(type, 0, size, "XY");
  else if (op == "replace-longer") result = setBuffer(type, 0, size + 1000, "XY");
  else if (op == "drain") result = setBuffer(type, 0, 3, "XY");
  else if (op == "append") result = setBuffer(type, size, 0, "XY");
  else if (op == "append-beyond") result = setBuffer(type, size + 10, 5, "XY");
  else if (op == "middle") result = setBuffer(type, 2, 1, "XY");
  const r = new Report(type == BufferType.RequestBody ? "body-edit" : "response-body-edit");
  r.set("op", op);
  r.code("set", result);
  r.text("after", getBuffer(type, 0, 0xffffff));
  r.log();
}

/** `buffer-checks`, in on_request_headers: no body yet. */
export function buffersBeforeBody(): void {
  const r = new Report("buffer-checks.headers");
  r.number("status.request_body", bufferStatus(BufferType.RequestBody));
  r.code("set.request_body", setBuffer(BufferType.RequestBody, 0, 0, "x"));
  r.log();
}

/** `buffer-checks`, in on_request_body with the whole body: windows, bounds and every error. */
export function buffersWithBody(size: u32): void {
  const r = new Report("buffer-checks.body");
  r.set("callback_size", size.toString());
  r.number("status.request_body", bufferStatus(BufferType.RequestBody));
  r.text("get.all", getBuffer(BufferType.RequestBody, 0, size));
  r.text("get.window", getBuffer(BufferType.RequestBody, 2, 3));
  r.text("get.clamped", getBuffer(BufferType.RequestBody, size - 2, 100));
  const past = getBuffer(BufferType.RequestBody, size + 5, 10);
  r.code("get.past_end", past.result);
  r.set("get.past_end.ptr", past.num.toString());
  r.set("get.past_end.size", past.bytes.byteLength.toString());
  // On wasm32 start + length cannot overflow cpp-host's 64-bit check: a huge length is just clamped.
  r.text("get.huge_length", getBuffer(BufferType.RequestBody, 1, 0xffffffff));
  r.code("get.type_out_of_range", getBuffer(BufferType.OutOfRange, 0, 1).result);
  r.code("get.http_call_body_now", getBuffer(BufferType.HttpCallResponseBody, 0, 1).result);
  r.code("get.plugin_config_now", getBuffer(BufferType.PluginConfiguration, 0, 1).result);
  r.text("get.vm_config", getBuffer(BufferType.VmConfiguration, 0, 100));
  r.number("status.downstream", bufferStatus(BufferType.Downstream));
  r.number("status.grpc_receive", bufferStatus(BufferType.GrpcReceive));
  r.number("status.call_data", bufferStatus(BufferType.CallData));
  r.code("status.type_out_of_range", bufferStatus(BufferType.OutOfRange).result);
  r.code("status.http_call_body_now", bufferStatus(BufferType.HttpCallResponseBody).result);
  r.code("set.vm_config", setBuffer(BufferType.VmConfiguration, 0, 0, "x"));
  r.code("set.type_out_of_range", setBuffer(BufferType.OutOfRange, 0, 0, "x"));
  r.code("set.bad_data_ptr", abi.proxy_set_buffer_bytes(BufferType.RequestBody, 0, 0, BAD_PTR, 4));
  r.code("get.bad_out_ptr", abi.proxy_get_buffer_bytes(BufferType.RequestBody, 0, 4, BAD_PTR, OUT_SIZE));
  r.code("status.bad_out_ptr", abi.proxy_get_buffer_status(BufferType.RequestBody, BAD_PTR, OUT_PTR));
  r.log();
}

/**
 * `buffer` / `buffer-response`: returns StopIterationAndBuffer until the end of the stream, logging the
 * size each call is given (Envoy hands over the TOTAL buffered so far), then reads the whole body.
 */
export function bufferUntilEnd(name: string, type: u32, size: u32, endOfStream: bool): u32 {
  const r = new Report(name);
  r.set("size", size.toString());
  r.set("eos", endOfStream ? "1" : "0");
  if (endOfStream) r.text("body", getBuffer(type, 0, size));
  r.log();
  return endOfStream ? DataStatus.Continue : DataStatus.StopIterationAndBuffer;
}

/** The `x-op` parameter of `body-edit`, read while the request headers are available. */
export function bodyEditOp(): string {
  return param("x-op");
}
