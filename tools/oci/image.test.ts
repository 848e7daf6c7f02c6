// `make image`: the OCI layouts built from fixture plugins: structure, media types, layer order, annotations,
// the tar+gzip layer as GNU tar reads it, and byte-for-byte reproducibility.
import { describe, expect, it, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readLayout } from "./oci-layout.ts";
import { fixtureWasm, KEY_AUTH_LIKE, RATE_LIMIT_LIKE, runCli, snapshotTree, writeFixtures } from "./testing/fixtures.ts";

const SOURCE = "https://example.org/ai-gateway-wasm";
const REVISION = "0123456789abcdef0123456789abcdef01234567";

interface Layout {
  index: any;
  blob(digest: string): Buffer;
  manifest(variant: string): any;
}

function openLayout(dir: string): Layout {
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
  const blob = (digest: string) => readFileSync(join(dir, "blobs", "sha256", digest.replace("sha256:", "")));
  const manifest = (variant: string) => {
    const entry = index.manifests.find((m: any) => m.annotations["org.opencontainers.image.ref.name"] === variant);
    return JSON.parse(blob(entry.digest).toString("utf8"));
  };
  return { index, blob, manifest };
}

const sha256 = (bytes: Uint8Array) => "sha256:" + createHash("sha256").update(bytes).digest("hex");

function gnuTar(args: string[], input: Buffer): string {
  const run = spawnSync("tar", args, { input });
  if (run.status !== 0) throw new Error(`tar ${args.join(" ")}: ${run.stderr}`);
  return run.stdout.toString("latin1");
}

async function buildInto(fixtureRoot: { pluginsDir: string; buildDir: string }, out: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const result = await runCli(["image", "--plugins", fixtureRoot.pluginsDir, "--build", fixtureRoot.buildDir, "--out", out, "--source", SOURCE, "--revision", REVISION, ...extraArgs], env);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result;
}

describe("make image (OCI layouts)", () => {
  let fixtures: Awaited<ReturnType<typeof writeFixtures>>;
  let out: string;
  let layout: Layout;

  beforeAll(async () => {
    fixtures = await writeFixtures([KEY_AUTH_LIKE, RATE_LIMIT_LIKE]);
    out = join(fixtures.root, "oci");
    await buildInto(fixtures, out);
    layout = openLayout(join(out, "demo-auth"));
  });

  it("writes one OCI layout per plugin and skips plugins/common and plugins/testing", () => {
    expect(existsSync(join(out, "demo-auth", "oci-layout"))).toBe(true);
    expect(existsSync(join(out, "demo-limit", "oci-layout"))).toBe(true);
    expect(existsSync(join(out, "common"))).toBe(false);
    expect(existsSync(join(out, "testing"))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, "demo-auth", "oci-layout"), "utf8"))).toEqual({ imageLayoutVersion: "1.0.0" });
    expect(layout.index.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(layout.index.manifests.map((m: any) => [m.mediaType, m.annotations["org.opencontainers.image.ref.name"]])).toEqual([
      ["application/vnd.oci.image.manifest.v1+json", "higress"],
      ["application/vnd.oci.image.manifest.v1+json", "istio"],
    ]);
  });

  it("stores every blob under its own sha256 and nothing else", () => {
    const files = Object.entries(snapshotTree(join(out, "demo-auth"))).filter(([path]) => path.startsWith("blobs/"));
    for (const [path, hash] of files) expect(path).toBe(`blobs/sha256/${hash}`);
    const referenced = new Set<string>();
    for (const variant of ["higress", "istio"]) {
      const m = layout.manifest(variant);
      for (const d of [m.config, ...m.layers]) {
        referenced.add(d.digest);
        expect(layout.blob(d.digest).byteLength).toBe(d.size);
      }
    }
    for (const entry of layout.index.manifests) referenced.add(entry.digest);
    expect(new Set(files.map(([path]) => "sha256:" + path.split("/")[2]))).toEqual(referenced);
  });

  it("builds the Higress image: one file per layer, plugin.tar.gz last, oras's empty config", () => {
    const m = layout.manifest("higress");
    expect(m.schemaVersion).toBe(2);
    expect(m.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(m.config.mediaType).toBe("application/vnd.unknown.config.v1+json");
    expect(layout.blob(m.config.digest).toString()).toBe("{}");
    expect(m.layers.map((l: any) => [l.mediaType, l.annotations["org.opencontainers.image.title"]])).toEqual([
      ["application/vnd.module.wasm.spec.v1+yaml", "spec.yaml"],
      ["application/vnd.module.wasm.doc.v1+markdown", "README.md"],
      ["application/vnd.module.wasm.doc.v1.en+markdown", "README_EN.md"],
      ["application/vnd.module.wasm.icon.v1+png", "icon.png"],
      ["application/vnd.oci.image.layer.v1.tar+gzip", "plugin.tar.gz"],
    ]);
    const pluginDir = join(fixtures.pluginsDir, "demo-auth");
    expect(layout.blob(m.layers[0].digest).equals(readFileSync(join(pluginDir, "spec.yaml")))).toBe(true);
    expect(layout.blob(m.layers[1].digest).equals(readFileSync(join(pluginDir, "README.md")))).toBe(true);
    expect(layout.blob(m.layers[3].digest).equals(readFileSync(join(pluginDir, "icon.png")))).toBe(true);
  });

  it("leaves out optional layers a plugin does not have", () => {
    const m = openLayout(join(out, "demo-limit")).manifest("higress");
    expect(m.layers.map((l: any) => l.annotations["org.opencontainers.image.title"])).toEqual(["spec.yaml", "README.md", "plugin.tar.gz"]);
  });

  it("builds the Istio compat image: the same plugin.tar.gz as its only layer, under a standard image config", () => {
    const higress = layout.manifest("higress");
    const istio = layout.manifest("istio");
    expect(istio.layers).toEqual([higress.layers.at(-1)]);
    expect(istio.config.mediaType).toBe("application/vnd.oci.image.config.v1+json");
    const config = JSON.parse(layout.blob(istio.config.digest).toString());
    const tarBytes = gnuTarDecompress(layout.blob(istio.layers[0].digest));
    expect(config).toMatchObject({ architecture: "wasm", os: "wasip1", rootfs: { type: "layers", diff_ids: [sha256(tarBytes)] } });
    expect(config.config.Labels["org.opencontainers.image.version"]).toBe("1.2.3");
  });

  it("builds only the Higress image for a plugin limited to Higress (spec.yaml x-gateways)", async () => {
    const only = await writeFixtures([{ ...RATE_LIMIT_LIKE, gateways: ["higress"] }]);
    const dir = join(only.root, "oci");
    await buildInto(only, dir);
    const built = openLayout(join(dir, "demo-limit"));
    expect(built.index.manifests.map((m: any) => m.annotations["org.opencontainers.image.ref.name"])).toEqual(["higress"]);
    // The layout reader used by `make push` accepts it and yields the one image.
    expect(readLayout(dir, "demo-limit").images.map((i) => i.variant)).toEqual(["higress"]);
  });

  it("packs plugin.wasm alone, owned by 0:0, mode 0644, at time 0, readable by GNU tar", () => {
    const layer = layout.blob(layout.manifest("higress").layers.at(-1).digest);
    // gzip header: no FNAME/FEXTRA/FCOMMENT flags, MTIME zero.
    expect([...layer.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]);
    expect([...layer.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    const listing = gnuTar(["--numeric-owner", "-tvzf", "-"], layer).trim().split("\n");
    expect(listing).toHaveLength(1);
    expect(listing[0]).toMatch(/^-rw-r--r-- 0\/0 +\d+ 1970-01-01 00:00 plugin\.wasm$/);
    const extracted = Buffer.from(gnuTar(["-xzOf", "-", "plugin.wasm"], layer), "latin1");
    expect(extracted.equals(readFileSync(join(fixtures.buildDir, "demo-auth.wasm")))).toBe(true);
  });

  it("annotates both images with source, revision, version, title and description", () => {
    for (const variant of ["higress", "istio"]) {
      expect(layout.manifest(variant).annotations).toEqual({
        "org.opencontainers.image.description": "Fixture plugin demo-auth for the OCI tooling tests.",
        "org.opencontainers.image.revision": REVISION,
        "org.opencontainers.image.source": SOURCE,
        "org.opencontainers.image.title": "demo-auth",
        "org.opencontainers.image.version": "1.2.3",
      });
    }
  });

  it("produces identical bytes when built again from the same inputs", async () => {
    const again = join(fixtures.root, "oci-again");
    await buildInto(fixtures, again);
    expect(snapshotTree(again)).toEqual(snapshotTree(out));
  });

  it("does not depend on the source files' modes or times", async () => {
    const touched = await writeFixtures([KEY_AUTH_LIKE, RATE_LIMIT_LIKE]);
    for (const path of [join(touched.pluginsDir, "demo-auth", "spec.yaml"), join(touched.buildDir, "demo-auth.wasm")]) {
      chmodSync(path, 0o600);
      utimesSync(path, new Date("2031-05-06T07:08:09Z"), new Date("2031-05-06T07:08:09Z"));
    }
    const dir = join(touched.root, "oci");
    await buildInto(touched, dir);
    expect(snapshotTree(dir)).toEqual(snapshotTree(out));
  });

  it("changes digests when an input changes: the revision or SOURCE_DATE_EPOCH", async () => {
    const before = layout.index.manifests.map((m: any) => m.digest);
    const other = join(fixtures.root, "oci-other-rev");
    await buildInto(fixtures, other, ["--only", "demo-auth", "--revision", "fedcba9876543210fedcba9876543210fedcba98"]);
    const afterRevision = openLayout(join(other, "demo-auth"));
    expect(afterRevision.index.manifests.map((m: any) => m.digest)).not.toContain(before[0]);
    // Same module, same layer: only manifests change with the revision.
    expect(afterRevision.manifest("higress").layers.at(-1).digest).toBe(layout.manifest("higress").layers.at(-1).digest);

    const dated = join(fixtures.root, "oci-dated");
    await buildInto(fixtures, dated, ["--only", "demo-auth"], { SOURCE_DATE_EPOCH: "1700000000" });
    const datedLayout = openLayout(join(dated, "demo-auth"));
    expect(datedLayout.manifest("higress").annotations["org.opencontainers.image.created"]).toBe("2023-11-14T22:13:20Z");
    const listing = gnuTar(["--numeric-owner", "-tvzf", "-"], datedLayout.blob(datedLayout.manifest("higress").layers.at(-1).digest));
    expect(listing).toContain("2023-11-14 22:13");
  });

  it("replaces a layout whole, dropping blobs of the previous build and layouts of removed plugins", async () => {
    const copy = await writeFixtures([KEY_AUTH_LIKE, RATE_LIMIT_LIKE]);
    const dir = join(copy.root, "oci");
    await buildInto(copy, dir);
    const firstLayer = openLayout(join(dir, "demo-auth")).manifest("higress").layers.at(-1).digest;
    writeFileSync(join(copy.buildDir, "demo-auth.wasm"), await fixtureWasm("changed"));
    rmSync(join(copy.pluginsDir, "demo-limit"), { recursive: true });
    await buildInto(copy, dir);
    expect(existsSync(join(dir, "demo-limit"))).toBe(false);
    const rebuilt = openLayout(join(dir, "demo-auth"));
    expect(rebuilt.manifest("higress").layers.at(-1).digest).not.toBe(firstLayer);
    const referenced = new Set<string>(rebuilt.index.manifests.map((m: any) => m.digest));
    for (const v of ["higress", "istio"]) for (const d of [rebuilt.manifest(v).config, ...rebuilt.manifest(v).layers]) referenced.add(d.digest);
    const stored = Object.keys(snapshotTree(join(dir, "demo-auth"))).filter((p) => p.startsWith("blobs/")).map((p) => "sha256:" + p.split("/")[2]);
    expect(new Set(stored)).toEqual(referenced);
  });
});

describe("make image refuses bad inputs with a message naming the problem", () => {
  async function failingBuild(mutate: (f: Awaited<ReturnType<typeof writeFixtures>>) => void) {
    const f = await writeFixtures([RATE_LIMIT_LIKE]);
    mutate(f);
    const result = await runCli(["image", "--plugins", f.pluginsDir, "--build", f.buildDir, "--out", join(f.root, "oci")]);
    expect(result.code).toBe(1);
    expect(existsSync(join(f.root, "oci", "demo-limit"))).toBe(false);
    return result.stderr;
  }
  const specPath = (f: { pluginsDir: string }) => join(f.pluginsDir, "demo-limit", "spec.yaml");

  it("when the module has not been built", async () => {
    const stderr = await failingBuild((f) => rmSync(join(f.buildDir, "demo-limit.wasm")));
    expect(stderr).toContain("demo-limit.wasm is missing: run `make build`");
  });

  it("when the module is not valid WebAssembly", async () => {
    const stderr = await failingBuild((f) => writeFileSync(join(f.buildDir, "demo-limit.wasm"), Buffer.from("\0asm\x01\0\0\0\x99garbage")));
    expect(stderr).toContain("demo-limit.wasm is not a valid WebAssembly module");
  });

  it("when spec.yaml has an unknown phase", async () => {
    const stderr = await failingBuild((f) => writeFileSync(specPath(f), readFileSync(specPath(f), "utf8").replace("UNSPECIFIED_PHASE", "AUTHENTICATE")));
    expect(stderr).toContain("spec.yaml/spec/phase must be equal to one of the allowed values: UNSPECIFIED_PHASE, AUTHN, AUTHZ, STATS");
  });

  it("when spec.yaml names another plugin than its directory", async () => {
    const stderr = await failingBuild((f) => writeFileSync(specPath(f), readFileSync(specPath(f), "utf8").replace("name: demo-limit/v1", "name: other/v1")));
    expect(stderr).toContain('info.name "other/v1" does not name this directory (demo-limit)');
  });

  it("when the version cannot be an image tag", async () => {
    const stderr = await failingBuild((f) => writeFileSync(specPath(f), readFileSync(specPath(f), "utf8").replace("version: 0.4.0", "version: 0.4.0+build 7")));
    expect(stderr).toContain("spec.yaml/info/version must match pattern");
  });

  it("when README.md is missing", async () => {
    const stderr = await failingBuild((f) => rmSync(join(f.pluginsDir, "demo-limit", "README.md")));
    expect(stderr).toContain("README.md is missing");
  });
});

function gnuTarDecompress(layer: Buffer): Buffer {
  const run = spawnSync("gzip", ["-dc"], { input: layer });
  if (run.status !== 0) throw new Error(`gzip -dc: ${run.stderr}`);
  return run.stdout;
}
