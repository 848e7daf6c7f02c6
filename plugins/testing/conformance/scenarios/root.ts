// The root context's start: what on_vm_start and on_configure can see and do (configuration buffers,
// plugin properties, the timer, queue registration), reported as `report configure`.
import { BufferType, MapType, StreamType } from "../abi";
import * as abi from "../abi";
import { bufferStatus, getBuffer, getHeader, getProperty, sendLocalResponse } from "../calls";
import { fnv1a, pairs, u32hex } from "../mem";
import { Report } from "../report";
import { Config, plugin } from "../state";
import { rootProperties } from "./properties";
import { registerConfiguredQueue } from "./shared";

/** Reads the VM configuration; `fail-start` refuses to start, `trap-start` traps. */
export function vmStart(vmConfigSize: u32): bool {
  const vmConfig = getBuffer(BufferType.VmConfiguration, 0, vmConfigSize);
  const text = vmConfig.str();
  if (text.includes("trap-start")) unreachable();
  return !text.includes("fail-start");
}

/**
 * Reads the plugin configuration (reporting its size and FNV-1a checksum), applies it, and reports
 * what a root context gets from other host calls.
 */
export function configure(size: u32): bool {
  const r = new Report("configure");
  const status = bufferStatus(BufferType.PluginConfiguration);
  r.number("config.status", status);
  const config = getBuffer(BufferType.PluginConfiguration, 0, size);
  r.code("config.get", config.result);
  r.set("config.bytes", config.bytes.byteLength.toString());
  r.set("config.fnv1a", u32hex(fnv1a(changetype<usize>(config.bytes), config.bytes.byteLength)));
  plugin.config = Config.parse(config.str());
  plugin.name = getProperty("plugin_name").str();

  if (plugin.config.has("trap-configure")) unreachable();
  if (plugin.config.has("root-checks")) rootChecks(r);
  registerConfiguredQueue(r);
  const tick = plugin.config.getInt("tick");
  if (tick > 0) r.code("tick", abi.proxy_set_tick_period_milliseconds(tick));
  r.log();
  return !plugin.config.has("fail-configure");
}

function rootChecks(r: Report): void {
  rootProperties(r);
  r.text("vm_config", getBuffer(BufferType.VmConfiguration, 0, 1000));
  r.text("request_header", getHeader(MapType.RequestHeaders, ":path"));
  r.number("request_body.status", bufferStatus(BufferType.RequestBody));
  r.code("send_local_response", sendLocalResponse(403, "root", "", pairs([], []), -1));
  r.code("continue_stream", abi.proxy_continue_stream(StreamType.Request));
  r.code("close_stream", abi.proxy_close_stream(StreamType.Request));
}
