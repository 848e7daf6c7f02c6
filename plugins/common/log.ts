// Plugin logging. Log calls cross into the host and build strings, so plugins log on configuration
// and on rare events only, never on the per-request happy path. Secrets never go into a log line.
import * as abi from "@solo-io/proxy-runtime/assembly/imports";

export const enum Level {
  Trace = 0,
  Debug = 1,
  Info = 2,
  Warn = 3,
  Error = 4,
  Critical = 5,
}

export function log(level: Level, message: string): void {
  const b = String.UTF8.encode(message);
  abi.proxy_log(level, changetype<usize>(b), b.byteLength);
}

export function info(message: string): void {
  log(Level.Info, message);
}

export function warn(message: string): void {
  log(Level.Warn, message);
}

export function error(message: string): void {
  log(Level.Error, message);
}
