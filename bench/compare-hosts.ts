// A/B of two copies of the host on the floors, for judging a host hot-path change:
//
//   cp -r host /tmp/host-b && <edit /tmp/host-b> && npx tsx bench/compare-hosts.ts /tmp/host-b [modules] [pairs] [plain|stream]
//
// Both hosts run in this process. Batches of ~2 ms alternate A, B, B, A, … and the result is the
// median of the per-pair ratios B/A: on a shared machine whose speed drifts by ±25 % between seconds,
// only measurements this close in time compare. A copy of the host identical to host/ gives B/A
// within about ±5 % here. Each host is also timed alone first ("alone"): when the two copies make
// shared Node internals (Buffer.from, for one) polymorphic, alternating slows one of them down, and
// the two views then differ — trust a change only when both agree on its direction.
// `stream` drives the ai-proxy/stream-200 request (4 KiB body, 200 SSE chunks) instead of the plain one.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as hostA from "../host/index.ts";
import { PLAIN_RESPONSE_HEADERS, apiRequestHeaders, type BenchRequest } from "./requests.ts";
import { chatStreamRequest } from "./scenarios.ts";
import { median } from "./stats.ts";
import { wasmFile } from "./rig.ts";

type HostApi = typeof hostA;

const [dirB, moduleList = "wat-noop,wat-headers,noop", pairsArg = "300", shape = "plain"] = process.argv.slice(2);
if (!dirB) {
  console.error("usage: npx tsx bench/compare-hosts.ts <other host dir> [module,module] [pairs]");
  process.exit(2);
}
const hostB = (await import(pathToFileURL(resolve(dirB, "index.ts")).href)) as HostApi;

const request: BenchRequest =
  shape === "stream" ? chatStreamRequest(200) : { headers: apiRequestHeaders(), response: { headers: PLAIN_RESPONSE_HEADERS } };

/** One request lifecycle on `module`, n times per call. */
function lifecycle(h: HostApi, module: string): (n: number) => void {
  const host = new h.Host({ higress: true });
  const plugin = host.loadPlugin({ name: module, wasm: wasmFile(module) });
  const runtimes = [plugin.runtime(0)];
  const req = h.HeaderMap.from(request.headers);
  const resp = h.HeaderMap.from(request.response.headers);
  const reqBody = (request.body ?? []).map((c) => Buffer.from(c));
  const respBody = (request.response.body ?? []).map((c) => Buffer.from(c));
  let finished = 0;
  const sink = {
    upstreamHeaders() {}, upstreamData() {}, upstreamTrailers() {},
    downstreamHeaders() {}, downstreamData() {}, downstreamTrailers() {},
    reset(reason: string) { throw new Error(`stream reset: ${reason}`); },
    finished() { finished++; },
  };
  return (n) => {
    const before = finished;
    for (let i = 0; i < n; i++) {
      const stream = new h.HttpStream(runtimes, h.newStreamInfo({}), sink, 1 << 20);
      stream.sendRequestHeaders(req.clone(), reqBody.length === 0);
      for (let j = 0; j < reqBody.length; j++) stream.sendRequestData(reqBody[j], j === reqBody.length - 1);
      stream.sendResponseHeaders(resp.clone(), respBody.length === 0);
      for (let j = 0; j < respBody.length; j++) stream.sendResponseData(respBody[j], j === respBody.length - 1);
    }
    if (finished - before !== n) throw new Error(`${module}: ${n - (finished - before)} streams did not finish`);
  };
}

function nsPerRequest(run: (n: number) => void, n: number): number {
  const t0 = process.hrtime.bigint();
  run(n);
  return Number(process.hrtime.bigint() - t0) / n;
}

const pairs = Number(pairsArg);
console.log(`A = host/, B = ${dirB}; ${shape} request; ${pairs} alternating pairs of ~2 ms batches per module`);
for (const module of moduleList.split(",")) {
  const a = lifecycle(hostA, module);
  const b = lifecycle(hostB, module);
  for (let i = 0; i < 5; i++) { a(2000); b(2000); }
  const n = Math.max(4, Math.round(2e6 / nsPerRequest(a, 200)));
  const aloneA = median(Array.from({ length: 50 }, () => nsPerRequest(a, n)));
  const aloneB = median(Array.from({ length: 50 }, () => nsPerRequest(b, n)));
  const nsA: number[] = [];
  const nsB: number[] = [];
  const ratios: number[] = [];
  for (let p = 0; p < pairs; p++) {
    const first = p % 2 ? a : b;
    const t1 = nsPerRequest(first, n);
    const t2 = nsPerRequest(first === a ? b : a, n);
    const [ta, tb] = first === a ? [t1, t2] : [t2, t1];
    nsA.push(ta);
    nsB.push(tb);
    ratios.push(tb / ta);
  }
  const r = median(ratios);
  console.log(
    `${module.padEnd(14)} alternating: A ${median(nsA).toFixed(0).padStart(6)} ns  B ${median(nsB).toFixed(0).padStart(6)} ns  ` +
      `B/A ${r.toFixed(3)} (≈ ${((r - 1) * median(nsA)).toFixed(0)} ns/request)   ` +
      `alone: A ${aloneA.toFixed(0)} ns  B ${aloneB.toFixed(0)} ns  B/A ${(aloneB / aloneA).toFixed(3)}`,
  );
}
