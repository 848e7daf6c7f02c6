// `make push` against a real registry (Debian's docker-registry on 127.0.0.1): what the registry serves back
// by digest, what skopeo reads and copies, resuming after a failure, registry down, and credentials
// (htpasswd Basic auth, and Bearer tokens from a token service in front of the registry).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEY_AUTH_LIKE, RATE_LIMIT_LIKE, runCli, snapshotTree, writeFixtures } from "./testing/fixtures.ts";
import { freePort } from "../../host/testing/ports.ts";
import { requireCommand, startRegistry, type RunningRegistry } from "./testing/registry.ts";
import { startProxy, type SeenRequest } from "./testing/proxy.ts";

const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const VARIANT_TAG = { higress: "", istio: "-istio" } as const;
const sha256 = (bytes: Uint8Array) => "sha256:" + createHash("sha256").update(bytes).digest("hex");

let fixtures: Awaited<ReturnType<typeof writeFixtures>>;
let layouts: string;
let registry: RunningRegistry;

interface LocalImage {
  name: string;
  variant: "higress" | "istio";
  digest: string;
  manifestBytes: Buffer;
  manifest: any;
}

function localImages(): LocalImage[] {
  const images: LocalImage[] = [];
  for (const name of ["demo-auth", "demo-limit"]) {
    const index = JSON.parse(readFileSync(join(layouts, name, "index.json"), "utf8"));
    for (const entry of index.manifests) {
      const manifestBytes = readFileSync(join(layouts, name, "blobs", "sha256", entry.digest.slice(7)));
      images.push({ name, variant: entry.annotations["org.opencontainers.image.ref.name"], digest: entry.digest, manifestBytes, manifest: JSON.parse(manifestBytes.toString()) });
    }
  }
  return images;
}

function skopeo(args: string[]): { status: number; stdout: Buffer; stderr: string } {
  const run = spawnSync("skopeo", args, { timeout: 60_000 });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr.toString() };
}

function tarExtract(layer: Buffer, entry: string): Buffer {
  const run = spawnSync("tar", ["-xzOf", "-", entry], { input: layer });
  if (run.status !== 0) throw new Error(`tar: ${run.stderr}`);
  return run.stdout;
}

/** Blob PUTs (upload completions) a proxy saw, as "<repository>@<digest>" (blobs are per repository). */
function uploadedBlobs(requests: SeenRequest[]): string[] {
  return requests
    .filter((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/"))
    .map((r) => {
      const url = new URL(r.path, "http://x");
      return `${url.pathname.slice("/v2/".length, url.pathname.indexOf("/blobs/uploads/"))}@${url.searchParams.get("digest")}`;
    });
}

beforeAll(async () => {
  requireCommand("docker-registry", "docker-registry");
  requireCommand("skopeo", "skopeo");
  fixtures = await writeFixtures([KEY_AUTH_LIKE, RATE_LIMIT_LIKE]);
  layouts = join(fixtures.root, "oci");
  const built = await runCli(["image", "--plugins", fixtures.pluginsDir, "--build", fixtures.buildDir, "--out", layouts, "--revision", "abc123", "--source", "https://example.org/x"]);
  expect(built.code).toBe(0);
  registry = await startRegistry();
});

afterAll(async () => {
  await registry?.stop();
});

describe("make push to a registry without auth", () => {
  let pushed: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    pushed = await runCli(["push", "--registry", `${registry.host}/plugins`, "--layouts", layouts]);
  });

  it("pushes the four images and reports progress per image and per blob", () => {
    expect(pushed.stderr).toBe("");
    expect(pushed.code).toBe(0);
    for (const ref of ["demo-auth:1.2.3 (higress, 6 blobs)", "demo-auth:1.2.3-istio (istio, 2 blobs)", "demo-limit:0.4.0 (higress, 4 blobs)", "demo-limit:0.4.0-istio (istio, 2 blobs)"]) {
      expect(pushed.stdout).toContain(`${registry.host}/plugins/${ref}`);
    }
    // The Istio image's layer is the Higress image's last one: uploaded once, then found.
    expect(pushed.stdout).toMatch(/plugin\.tar\.gz +[\d.]+ K?B  uploaded/);
    expect(pushed.stdout).toMatch(/plugin\.tar\.gz +[\d.]+ K?B  already there/);
    expect(pushed.stdout.trim().split("\n").at(-1)).toBe("pushed 4 images");
  });

  it("serves each image back by digest: same manifest bytes, media types, layer order and module bytes", async () => {
    for (const image of localImages()) {
      const repo = `${registry.origin}/v2/plugins/${image.name}`;
      const tag = `${image.name === "demo-auth" ? "1.2.3" : "0.4.0"}${VARIANT_TAG[image.variant]}`;
      const byTag = await fetch(`${repo}/manifests/${tag}`, { method: "HEAD", headers: { accept: MANIFEST } });
      expect(byTag.headers.get("docker-content-digest")).toBe(image.digest);

      const res = await fetch(`${repo}/manifests/${image.digest}`, { headers: { accept: MANIFEST } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(MANIFEST);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.equals(image.manifestBytes)).toBe(true);

      const manifest = JSON.parse(bytes.toString());
      const blobs = [manifest.config, ...manifest.layers];
      for (const d of blobs) {
        const blob = Buffer.from(await (await fetch(`${repo}/blobs/${d.digest}`)).arrayBuffer());
        expect(sha256(blob)).toBe(d.digest);
        expect(blob.byteLength).toBe(d.size);
      }
      const last = manifest.layers.at(-1);
      expect(last.mediaType).toBe("application/vnd.oci.image.layer.v1.tar+gzip");
      if (image.variant === "istio") expect(manifest.layers).toHaveLength(1);
      else expect(manifest.layers.slice(0, 2).map((l: any) => l.mediaType)).toEqual(["application/vnd.module.wasm.spec.v1+yaml", "application/vnd.module.wasm.doc.v1+markdown"]);
      const layer = Buffer.from(await (await fetch(`${repo}/blobs/${last.digest}`)).arrayBuffer());
      expect(tarExtract(layer, "plugin.wasm").equals(readFileSync(join(fixtures.buildDir, `${image.name}.wasm`)))).toBe(true);
    }
  });

  it("is read by skopeo (inspect --raw) byte for byte", () => {
    for (const image of localImages()) {
      const tag = `${image.name === "demo-auth" ? "1.2.3" : "0.4.0"}${VARIANT_TAG[image.variant]}`;
      const run = skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/plugins/${image.name}:${tag}`]);
      expect(run.stderr).toBe("");
      expect(run.stdout.equals(image.manifestBytes)).toBe(true);
    }
  });

  it("is copied back by skopeo into an OCI layout identical to the one built", () => {
    const copy = mkdtempSync(join(tmpdir(), "oci-skopeo-copy-"));
    for (const variant of ["higress", "istio"] as const) {
      const run = skopeo(["copy", "--src-tls-verify=false", `docker://${registry.host}/plugins/demo-auth:1.2.3${VARIANT_TAG[variant]}`, `oci:${copy}:${variant}`]);
      expect(run.status, run.stderr).toBe(0);
    }
    const original = snapshotTree(join(layouts, "demo-auth"));
    const copied = snapshotTree(copy);
    const blobsOf = (tree: Record<string, string>) => Object.fromEntries(Object.entries(tree).filter(([p]) => p.startsWith("blobs/")));
    expect(blobsOf(copied)).toEqual(blobsOf(original));
    const digests = (dir: string) => JSON.parse(readFileSync(join(dir, "index.json"), "utf8")).manifests.map((m: any) => m.digest);
    expect(digests(copy)).toEqual(digests(join(layouts, "demo-auth")));
  });

  it("builds layouts skopeo accepts as a source (oci:<dir>:higress and :istio)", () => {
    for (const image of localImages().filter((i) => i.name === "demo-limit")) {
      const dest = `docker://${registry.host}/mirror/demo-limit:${image.variant}`;
      const run = skopeo(["copy", "--dest-tls-verify=false", `oci:${join(layouts, "demo-limit")}:${image.variant}`, dest]);
      expect(run.status, run.stderr).toBe(0);
      expect(sha256(skopeo(["inspect", "--raw", "--tls-verify=false", dest]).stdout)).toBe(image.digest);
    }
  });

  it("pushes under TAG and TAG-istio when a tag is given, reusing every blob", async () => {
    const run = await runCli(["push", "--registry", `${registry.host}/plugins`, "--layouts", layouts, "--tag", "v2-rc.1", "--only", "demo-limit"]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("uploaded");
    for (const image of localImages().filter((i) => i.name === "demo-limit")) {
      const res = await fetch(`${registry.origin}/v2/plugins/demo-limit/manifests/v2-rc.1${VARIANT_TAG[image.variant]}`, { method: "HEAD", headers: { accept: MANIFEST } });
      expect(res.headers.get("docker-content-digest")).toBe(image.digest);
    }
  });

  it("refuses a tag that is not a valid OCI tag, before any request", async () => {
    const run = await runCli(["push", "--registry", `${registry.host}/plugins`, "--layouts", layouts, "--tag", "bad/tag"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('TAG "bad/tag" is not a valid OCI tag');
  });
});

describe("make push when something goes wrong", () => {
  it("names the blob and the registry's reason when an upload fails, keeps the layouts, and resumes without re-uploading", async () => {
    const pluginLayer = localImages().find((i) => i.name === "demo-auth" && i.variant === "higress")!.manifest.layers.at(-1).digest;
    let failNext = true;
    const proxy = await startProxy(registry.origin, (req) => {
      if (failNext && req.method === "PUT" && req.path.includes("/blobs/uploads/") && req.path.includes(encodeURIComponent(pluginLayer))) {
        failNext = false;
        return { status: 500, body: JSON.stringify({ errors: [{ code: "UNKNOWN", message: "injected storage failure" }] }) };
      }
      return undefined;
    });
    try {
      const before = snapshotTree(layouts);
      const first = await runCli(["push", "--registry", `${proxy.host}/resume`, "--layouts", layouts]);
      expect(first.code).toBe(5);
      expect(first.stderr).toContain(`error: ${proxy.host}/resume/demo-auth:1.2.3: blob ${pluginLayer} (plugin.tar.gz,`);
      expect(first.stderr).toContain("500 UNKNOWN: injected storage failure");
      expect(first.stderr).toContain("run the same command again to resume");
      expect(snapshotTree(layouts)).toEqual(before);
      const firstUploads = uploadedBlobs(proxy.requests);
      expect(firstUploads).toHaveLength(6); // config, spec.yaml, README.md, README_EN.md, icon.png, then the failed layer
      const landed = firstUploads.slice(0, 5);

      proxy.requests.length = 0;
      const second = await runCli(["push", "--registry", `${proxy.host}/resume`, "--layouts", layouts]);
      expect(second.stderr).toBe("");
      expect(second.code).toBe(0);
      const secondUploads = uploadedBlobs(proxy.requests);
      expect(secondUploads.filter((d) => landed.includes(d))).toEqual([]);
      expect(secondUploads).toContain(`resume/demo-auth@${pluginLayer}`);
      expect(second.stdout.match(/already there/g)!.length).toBeGreaterThanOrEqual(5);
    } finally {
      await proxy.stop();
    }
  });

  it("exits 3 with the reason when the registry is down, and changes nothing locally", async () => {
    const before = snapshotTree(layouts);
    const port = await freePort();
    const run = await runCli(["push", "--registry", `127.0.0.1:${port}/plugins`, "--layouts", layouts]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(snapshotTree(layouts)).toEqual(before);
  });

  it("refuses plain HTTP to a registry that is not on loopback, before any request", async () => {
    const run = await runCli(["push", "--registry", "http://registry.example.com/plugins", "--layouts", layouts]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("refusing plain HTTP to registry.example.com");
  });

  it("exits 2 when there is nothing built to push", async () => {
    const run = await runCli(["push", "--registry", `${registry.host}/plugins`, "--layouts", join(fixtures.root, "nothing-here")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("run `make image` first");
    const unknown = await runCli(["push", "--registry", `${registry.host}/plugins`, "--layouts", layouts, "--only", "demo-limit,no-such-plugin"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no image layout for no-such-plugin");
  });
});

describe("make push with htpasswd (Basic) credentials", () => {
  let secured: RunningRegistry;
  beforeAll(async () => {
    secured = await startRegistry({ user: "alice", password: "correct horse" });
  });
  afterAll(async () => {
    await secured?.stop();
  });

  it("exits 4 and names the user when the registry refuses the password, changing nothing locally", async () => {
    const before = snapshotTree(layouts);
    const run = await runCli(["push", "--registry", `${secured.host}/plugins`, "--layouts", layouts], { REGISTRY_USERNAME: "alice", REGISTRY_PASSWORD: "wrong" });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('the registry refused the credentials of user "alice" (from REGISTRY_USERNAME/REGISTRY_PASSWORD): 401');
    expect(snapshotTree(layouts)).toEqual(before);
  });

  it("exits 4 and says no credentials were found when there are none", async () => {
    const run = await runCli(["push", "--registry", `${secured.host}/plugins`, "--layouts", layouts]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("requires a user name and password and anonymous access (no credentials");
  });

  it("pushes with the credentials of the Docker config file", async () => {
    const dockerConfig = mkdtempSync(join(tmpdir(), "oci-docker-config-"));
    const auth = Buffer.from("alice:correct horse").toString("base64");
    writeFileSync(join(dockerConfig, "config.json"), JSON.stringify({ auths: { [`http://${secured.host}`]: { auth } } }));
    const run = await runCli(["push", "--registry", `${secured.host}/plugins`, "--layouts", layouts, "--only", "demo-limit"], { DOCKER_CONFIG: dockerConfig });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const res = await fetch(`${secured.origin}/v2/plugins/demo-limit/manifests/0.4.0`, { method: "HEAD", headers: { accept: MANIFEST, authorization: `Basic ${auth}` } });
    expect(res.status).toBe(200);
  });
});

describe("make push with Bearer tokens (token service in front of the registry)", () => {
  const TOKEN = "token-for-alice";
  const tokenScopes: string[] = [];
  let front: Awaited<ReturnType<typeof startProxy>>;

  beforeAll(async () => {
    front = await startProxy(registry.origin, (req) => {
      if (req.path.startsWith("/token")) {
        const url = new URL(req.path, "http://x");
        tokenScopes.push(...url.searchParams.getAll("scope"));
        const ok = req.headers.authorization === `Basic ${Buffer.from("alice:s3cret").toString("base64")}` && url.searchParams.get("service") === "test-registry";
        return ok ? { status: 200, body: JSON.stringify({ token: TOKEN }) } : { status: 401, body: JSON.stringify({ details: "bad credentials" }) };
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        const challenge = `Bearer realm="${front.origin}/token",service="test-registry",scope="repository:tokens/demo-limit:pull"`;
        return { status: 401, headers: { "www-authenticate": challenge }, body: JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }) };
      }
      return undefined;
    });
  });
  afterAll(async () => {
    await front?.stop();
  });

  it("gets a pull+push token for the repository and pushes with it", async () => {
    const run = await runCli(["push", "--registry", `${front.host}/tokens`, "--layouts", layouts, "--only", "demo-limit"], { REGISTRY_USERNAME: "alice", REGISTRY_PASSWORD: "s3cret" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(tokenScopes).toContain("repository:tokens/demo-limit:pull,push");
    const tokenRequests = front.requests.filter((r) => r.path.startsWith("/token")).length;
    expect(tokenRequests).toBe(1); // one token serves every request of the push
  });

  it("exits 4 when the token service refuses the credentials", async () => {
    const run = await runCli(["push", "--registry", `${front.host}/tokens`, "--layouts", layouts, "--only", "demo-limit"], { REGISTRY_USERNAME: "alice", REGISTRY_PASSWORD: "nope" });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('the token service refused the credentials of user "alice"');
  });
});
