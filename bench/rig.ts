// One scenario loaded and ready to serve requests: its own Host and plugin (one worker VM), the
// request turned into prebuilt header maps and buffers, and a sink that only counts. A request is one
// HttpStream driven straight through its lifecycle (context create, request headers [+ body],
// response headers [+ body], log, done, delete) — the same few calls for every scenario, so the
// harness adds the same small cost to all of them.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Host, HttpStream, HeaderMap, newStreamInfo, type FilterRuntime, type LogRecord, type Plugin, type StreamInfo, type StreamSink } from "../host/index.ts";
import type { Headers } from "./requests.ts";
import type { Scenario } from "./scenarios.ts";

export const BUILD_DIR = join(import.meta.dirname, "..", "build");
export const wasmFile = (module: string) => join(BUILD_DIR, `${module}.wasm`);

export function moduleBytes(module: string): number | null {
  const file = wasmFile(module);
  return existsSync(file) ? statSync(file).size : null;
}

/** Counts what reaches each end; the timing loop checks the counts, never the content. */
class CountingSink implements StreamSink {
  upstream = 0;
  downstream = 0;
  finishedStreams = 0;
  resets = 0;
  upstreamHeaders(): void { this.upstream++; }
  upstreamData(): void {}
  upstreamTrailers(): void {}
  downstreamHeaders(): void { this.downstream++; }
  downstreamData(): void {}
  downstreamTrailers(): void {}
  reset(): void { this.resets++; }
  finished(): void { this.finishedStreams++; }
}

/** Everything one request produced, for the check before timing. */
export interface Outcome {
  upstreamHeaders: HeaderMap | null;
  status: number | null;
  downstreamBytes: number;
  reset: string | null;
  finished: boolean;
}

class RecordingSink implements StreamSink {
  readonly out: Outcome = { upstreamHeaders: null, status: null, downstreamBytes: 0, reset: null, finished: false };
  upstreamHeaders(h: HeaderMap): void { this.out.upstreamHeaders = h.clone(); }
  upstreamData(): void {}
  upstreamTrailers(): void {}
  downstreamHeaders(h: HeaderMap): void { this.out.status = Number(h.get(":status")); }
  downstreamData(d: Buffer): void { this.out.downstreamBytes += d.length; }
  downstreamTrailers(): void {}
  reset(reason: string): void { this.out.reset = reason; }
  finished(): void { this.out.finished = true; }
}

/** Plugin logs are counted, not kept: keeping them would grow the JS heap over 10^6 requests. */
class CountingLog {
  lines = 0;
  last: LogRecord | null = null;
  write(r: LogRecord): void {
    this.lines++;
    this.last = r;
  }
}

const headerMap = (headers: Headers) => HeaderMap.from(headers);

export class Rig {
  readonly host: Host;
  readonly plugin: Plugin;
  readonly log = new CountingLog();
  private readonly runtimes: FilterRuntime[];
  private readonly sink = new CountingSink();
  private readonly info: Partial<StreamInfo>;
  private readonly reqHeaders: HeaderMap;
  private readonly respHeaders: HeaderMap;
  private readonly reqBody: Buffer[];
  private readonly respBody: Buffer[];
  /** Requests this rig's VM has served. */
  served = 0;

  /** Loads the scenario's plugin; throws PluginConfigError when the plugin rejects its configuration. */
  constructor(readonly scenario: Scenario) {
    this.host = new Host({ higress: true, log: this.log, logLevel: "info", workers: 1 });
    this.plugin = this.host.loadPlugin({ name: scenario.module, wasm: wasmFile(scenario.module), configuration: scenario.config });
    this.runtimes = [this.plugin.runtime(0)];
    const r = scenario.request;
    this.info = { ...(r.route ? { routeName: r.route } : {}), ...(r.cluster ? { clusterName: r.cluster } : {}) };
    // Built once and cloned per request: a clone shares the bytes but not the order or the encoding,
    // so every request makes the host encode its own maps, as a fresh request from the network would.
    this.reqHeaders = headerMap(r.headers);
    this.respHeaders = headerMap(r.response.headers);
    this.reqBody = (r.body ?? []).map((c) => Buffer.from(c));
    this.respBody = (r.response.body ?? []).map((c) => Buffer.from(c));
  }

  get vmFailed(): boolean {
    return this.runtimes[0].vm.failed;
  }

  get vmFailure(): string {
    return this.runtimes[0].vm.failure;
  }

  /** Linear memory of the VM serving the requests, in bytes. */
  get memoryBytes(): number {
    return this.runtimes[0].vm.memorySize;
  }

  /** One request lifecycle, start to on_delete, into `sink`. */
  private drive(sink: StreamSink): void {
    const stream = new HttpStream(this.runtimes, newStreamInfo(this.info), sink, this.host.bufferLimit);
    const reqBody = this.reqBody;
    const respBody = this.respBody;
    stream.sendRequestHeaders(this.reqHeaders.clone(), reqBody.length === 0);
    for (let i = 0; i < reqBody.length; i++) stream.sendRequestData(reqBody[i], i === reqBody.length - 1);
    stream.sendResponseHeaders(this.respHeaders.clone(), respBody.length === 0);
    for (let i = 0; i < respBody.length; i++) stream.sendResponseData(respBody[i], i === respBody.length - 1);
    this.served++;
  }

  /** The hot loop: `n` requests into the counting sink. */
  run(n: number): void {
    const sink = this.sink;
    for (let i = 0; i < n; i++) this.drive(sink);
  }

  /** Runs `n` requests, timing each one; writes the raw hrtime differences into `out` from `at`. */
  runTimed(n: number, out: Float64Array, at: number): void {
    const sink = this.sink;
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      this.drive(sink);
      out[at + i] = Number(process.hrtime.bigint() - t0);
    }
  }

  /** One request with everything it produced recorded. */
  probe(): Outcome {
    const sink = new RecordingSink();
    this.drive(sink);
    return sink.out;
  }

  /** Snapshot of the counters, to check a batch afterwards without slowing it down. */
  counters(): { upstream: number; downstream: number; finished: number; resets: number } {
    const s = this.sink;
    return { upstream: s.upstream, downstream: s.downstream, finished: s.finishedStreams, resets: s.resets };
  }

  close(): void {
    this.host.close();
  }
}
