// Plugin log lines: what proxy_log and WASI stdout/stderr produce, filtered by the host's log level.
import { LOG_LEVEL_NAMES, type LogLevelName } from "../abi/constants.ts";

export interface LogRecord { level: LogLevelName; plugin: string; message: string }

export interface LogSink { write(record: LogRecord): void }

/** Keeps records in memory (tests read them) and optionally echoes them. */
export class MemoryLog implements LogSink {
  readonly records: LogRecord[] = [];
  constructor(private readonly echo?: (r: LogRecord) => void, private readonly max = 10_000) {}
  write(record: LogRecord): void {
    if (this.records.length >= this.max) this.records.shift();
    this.records.push(record);
    this.echo?.(record);
  }
  messages(level?: LogLevelName): string[] {
    return this.records.filter((r) => !level || r.level === level).map((r) => r.message);
  }
  clear(): void {
    this.records.length = 0;
  }
}

/** Writes Envoy-style lines to stderr: `[wasm][level] plugin: message`. */
export class ConsoleLog implements LogSink {
  write(r: LogRecord): void {
    process.stderr.write(`[wasm][${r.level}] ${r.plugin}: ${r.message}\n`);
  }
}

export const levelName = (n: number): LogLevelName => LOG_LEVEL_NAMES[n] ?? "critical";
