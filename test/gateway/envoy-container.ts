// Stock Envoy in a container (testcontainers), for the Envoy driver. The container shares the host's
// network namespace (`--network host`): Envoy listens on 127.0.0.1 and reaches the tests' upstreams on
// 127.0.0.1, so no test ever dials a bridge or other private address. That needs a Linux container
// runtime (Docker Engine, Podman); Docker Desktop's VM does not share the host's loopback.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { GenericContainer, ImageName, Wait, getContainerRuntimeClient, type StartedTestContainer } from "testcontainers";

/** Pinned: a current Envoy release (1.37 line). Override with ENVOY_IMAGE. */
export const ENVOY_IMAGE = process.env.ENVOY_IMAGE ?? "envoyproxy/envoy:v1.37.5";

export type EnvoyAvailability = { ok: true } | { ok: false; missing: string };

const SOCKETS = [
  "/var/run/docker.sock",
  `${homedir()}/.docker/run/docker.sock`,
  ...(process.env.XDG_RUNTIME_DIR ? [`${process.env.XDG_RUNTIME_DIR}/podman/podman.sock`] : []),
  "/run/podman/podman.sock",
];

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms).unref())]);
}

/** Is there a container runtime, and the Envoy image (pulled if need be)? Says exactly what is missing. */
export async function detectEnvoy(): Promise<EnvoyAvailability> {
  const socket = SOCKETS.find((s) => existsSync(s));
  if (!process.env.DOCKER_HOST && !socket) {
    return { ok: false, missing: `no container runtime: DOCKER_HOST is unset and no Docker/Podman socket exists (looked for ${SOCKETS.join(", ")})` };
  }
  const where = process.env.DOCKER_HOST ?? socket;
  let client: Awaited<ReturnType<typeof getContainerRuntimeClient>>;
  try {
    client = await withTimeout(getContainerRuntimeClient(), 30_000, "container runtime");
  } catch (e) {
    return { ok: false, missing: `container runtime at ${where} is not reachable: ${(e as Error).message.split("\n")[0]}` };
  }
  if (/docker desktop/i.test(client.info.containerRuntime.operatingSystem)) {
    return { ok: false, missing: `the container runtime is Docker Desktop, whose containers cannot share the host's 127.0.0.1 (--network host); this driver needs Docker Engine or Podman on Linux` };
  }
  const image = ImageName.fromString(ENVOY_IMAGE);
  if (await client.image.exists(image)) return { ok: true };
  if (process.env.ENVOY_PULL === "0") return { ok: false, missing: `image ${ENVOY_IMAGE} is not present locally (ENVOY_PULL=0 forbids pulling it)` };
  try {
    await withTimeout(client.image.pull(image), 300_000, `pulling ${ENVOY_IMAGE}`);
  } catch (e) {
    return { ok: false, missing: `image ${ENVOY_IMAGE} is not present locally and could not be pulled: ${(e as Error).message.split("\n")[0]}` };
  }
  // testcontainers reports a registry's refusal only in its debug log: check the result instead.
  if (!(await client.image.exists(image))) {
    return { ok: false, missing: `image ${ENVOY_IMAGE} is not present locally and could not be pulled (DEBUG=testcontainers:pull shows the registry's answer)` };
  }
  return { ok: true };
}

export interface EnvoyRun {
  /** The bootstrap, written to /etc/envoy/test/envoy.yaml. */
  yaml: string;
  /** Host files to copy in (the .wasm modules), each to its container path. */
  files: { source: string; target: string }[];
  /** Envoy's working directory (relative file names in the bootstrap resolve against it). */
  workdir?: string;
  adminPort: number;
  concurrency?: number;
}

export class StartedEnvoy {
  constructor(private readonly container: StartedTestContainer, private readonly lines: string[]) {}

  /** The last lines Envoy logged, to explain a failure. */
  logTail(n = 40): string {
    return this.lines.join("").split("\n").slice(-n).join("\n");
  }

  stop(): Promise<unknown> {
    return this.container.stop({ timeout: 2_000 });
  }
}

export async function startEnvoy(run: EnvoyRun): Promise<StartedEnvoy> {
  const lines: string[] = [];
  let container: StartedTestContainer;
  try {
    container = await new GenericContainer(ENVOY_IMAGE)
      .withNetworkMode("host")
      .withCopyContentToContainer([{ content: run.yaml, target: "/etc/envoy/test/envoy.yaml", mode: 0o644 }])
      .withCopyFilesToContainer(run.files.map((f) => ({ ...f, mode: 0o644 })))
      .withWorkingDir(run.workdir ?? "/etc/envoy/test")
      .withCommand(["-c", "/etc/envoy/test/envoy.yaml", "--concurrency", String(run.concurrency ?? 2), "-l", "info"])
      .withLogConsumer((stream) => stream.on("data", (d) => lines.push(String(d))))
      .withWaitStrategy(Wait.forLogMessage(/starting main dispatch loop/))
      .withStartupTimeout(60_000)
      .start();
  } catch (e) {
    throw new Error(`Envoy (${ENVOY_IMAGE}) did not start: ${(e as Error).message}\n--- Envoy log ---\n${lines.join("").split("\n").slice(-40).join("\n")}`);
  }
  const envoy = new StartedEnvoy(container, lines);
  // The dispatch loop runs; /ready says when the listeners are up (bounded wait).
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${run.adminPort}/ready`).then((r) => r.ok, () => false);
    if (ok) return envoy;
    await new Promise((r) => setTimeout(r, 100));
  }
  await envoy.stop();
  throw new Error(`Envoy's admin /ready on 127.0.0.1:${run.adminPort} never answered 200\n--- Envoy log ---\n${envoy.logTail()}`);
}

/** Prints a banner nobody misses in the test output. */
export function loudly(message: string): void {
  const bar = "!".repeat(Math.min(100, message.length + 4));
  console.warn(`\n${bar}\n! ${message}\n${bar}\n`);
}
