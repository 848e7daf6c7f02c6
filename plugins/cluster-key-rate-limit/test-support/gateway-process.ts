// One gateway instance in a process of its own, for the multi-gateway test: a Higress-like host with
// the cluster-key-rate-limit plugin, its Redis cluster pointing at the test's redis-server, and a
// manual clock. It takes JSON-line commands on stdin and answers each on stdout:
//   {"id":1,"op":"request","headers":{...},"worker":0}   -> {"id":1,"status":200}
//   {"id":2,"op":"advance","ms":60000}                   -> {"id":2}
//   {"id":3,"op":"metric","name":"..."}                  -> {"id":3,"value":0}
// Started as: node --import tsx gateway-process.ts '<json: {redisPort, config, startMs, workers}>'
import { createInterface } from "node:readline";
import { ManualClock } from "../../../host/index.ts";
import { TestGateway } from "../../../host/testing/index.ts";

interface Options { redisPort: number; config: unknown; startMs: number; workers: number; cluster: string }
const opts = JSON.parse(process.argv[2]) as Options;
const clock = new ManualClock(opts.startMs);
const gw = new TestGateway({
  workers: opts.workers,
  clock,
  higress: true,
  clusters: { [opts.cluster]: { endpoints: [{ host: "127.0.0.1", port: opts.redisPort }] } },
  plugins: [{ name: "cluster-key-rate-limit", config: opts.config }],
});

const reply = (msg: object) => process.stdout.write(JSON.stringify(msg) + "\n");

createInterface({ input: process.stdin }).on("line", async (line) => {
  const cmd = JSON.parse(line);
  try {
    if (cmd.op === "request") {
      const res = await gw.request({ headers: cmd.headers, worker: cmd.worker });
      reply({ id: cmd.id, status: res.status });
    } else if (cmd.op === "advance") {
      clock.advance(cmd.ms);
      reply({ id: cmd.id });
    } else if (cmd.op === "metric") {
      reply({ id: cmd.id, value: gw.metrics.value(`wasmcustom.${cmd.name}`) ?? 0 });
    } else if (cmd.op === "failed") {
      reply({ id: cmd.id, value: gw.plugins[0].runtimes.some((rt) => rt.vm.failed) });
    } else {
      reply({ id: cmd.id, error: `unknown op ${cmd.op}` });
    }
  } catch (e) {
    reply({ id: cmd.id, error: String(e) });
  }
}).on("close", () => {
  gw.close();
  process.exit(0);
});
reply({ id: 0, ready: true });
