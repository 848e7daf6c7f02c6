// The module's state, as the proxy-wasm model requires it to live at module level: one root context
// per VM (this module serves one plugin) and the stream contexts of the streams in flight.
import { MapType } from "./abi";
import { getHeader, info } from "./calls";

/** The plugin configuration: whitespace-separated words, each a flag or a `key=value` setting. */
export class Config {
  flags: Set<string> = new Set<string>();
  values: Map<string, string> = new Map<string, string>();

  static parse(text: string): Config {
    const c = new Config();
    const words = text.replaceAll("\n", " ").replaceAll("\t", " ").split(" ");
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (w.length == 0) continue;
      const eq = w.indexOf("=");
      if (eq < 0) c.flags.add(w);
      else c.values.set(w.substring(0, eq), w.substring(eq + 1));
    }
    return c;
  }

  has(flag: string): bool {
    return this.flags.has(flag);
  }

  get(key: string, fallback: string = ""): string {
    return this.values.has(key) ? this.values.get(key) : fallback;
  }

  getInt(key: string, fallback: i32 = 0): i32 {
    return this.values.has(key) ? I32.parseInt(this.values.get(key)) : fallback;
  }
}

export class PluginState {
  rootId: u32 = 0;
  name: string = "";
  config: Config = new Config();
  queueToken: u32 = 0;
  ticks: u32 = 0;
  /** Stream contexts this VM created: tells the tests which worker VM did something. */
  streamsSeen: u32 = 0;
  /** Streams stopped by a `pause` scenario, resumed by the next tick. */
  paused: u32[] = [];
  /** http_call token → stream context id that is waiting for the response. */
  callers: Map<u32, u32> = new Map<u32, u32>();
}

export const plugin = new PluginState();

export class Stream {
  scenario: string = "";
  /** The `x-op` parameter, kept for callbacks after the request headers are gone. */
  op: string = "";
  constructor(readonly id: u32) {}
}

export const streams = new Map<u32, Stream>();

export function stream(id: u32): Stream {
  if (!streams.has(id)) streams.set(id, new Stream(id));
  return streams.get(id);
}

/** A request header's value, or "" when absent: how tests pass scenario parameters. */
export function param(name: string): string {
  const got = getHeader(MapType.RequestHeaders, name);
  return got.ok ? got.str() : "";
}

/** Logs a callback and its arguments when the configuration asks for a trace (`trace`). */
export function trace(callback: string, id: u32, args: string = ""): void {
  if (plugin.config.has("trace")) info("cb " + callback + " " + id.toString() + (args.length ? " " + args : ""));
}
