// Writes and reads OCI image layout directories (image-spec "image-layout.md"): one per plugin,
// <outDir>/<name>/{oci-layout, index.json, blobs/sha256/<hex>}. index.json lists the plugin's manifests (two,
// or only Higress's for a Higress-only plugin), told apart by org.opencontainers.image.ref.name =
// "higress" | "istio", so skopeo and other tools address them as oci:<outDir>/<name>:higress and :istio.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ANNOTATION, OCI_INDEX } from "./media-types.ts";
import { sha256Digest, VARIANTS, type BuiltPlugin, type Descriptor, type ImageVariant } from "./image-builder.ts";

export interface LayoutImage {
  variant: ImageVariant;
  manifest: Descriptor;
  manifestBytes: Uint8Array;
  parsed: { config: Descriptor; layers: Descriptor[]; annotations?: Record<string, string> };
}

export interface LayoutPlugin {
  name: string;
  dir: string;
  version: string;
  images: LayoutImage[];
}

export class LayoutError extends Error {}

/** Replaces <outDir>/<name> as a whole (written beside it, then renamed), so no stale blob survives a rebuild. */
export function writeLayout(outDir: string, built: BuiltPlugin): string {
  const finalDir = join(outDir, built.name);
  const tmpDir = join(outDir, `.${built.name}.partial`);
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(join(tmpDir, "blobs", "sha256"), { recursive: true });
  for (const digest of [...built.blobs.keys()].sort()) {
    writeFileSync(join(tmpDir, "blobs", "sha256", digest.slice("sha256:".length)), built.blobs.get(digest)!);
  }
  writeFileSync(join(tmpDir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: built.images.map((image) => ({
      ...image.manifest,
      annotations: { [ANNOTATION.refName]: image.variant },
    })),
  };
  writeFileSync(join(tmpDir, "index.json"), JSON.stringify(index));
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(tmpDir, finalDir);
  return finalDir;
}

/** Names of the layouts under outDir (directories with an oci-layout file), sorted. */
export function listLayouts(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir)
    .filter((name) => !name.startsWith(".") && existsSync(join(outDir, name, "oci-layout")))
    .sort();
}

/** Reads a layout back and checks every blob it references against its digest and size. */
export function readLayout(outDir: string, name: string): LayoutPlugin {
  const dir = join(outDir, name);
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
  const images: LayoutImage[] = [];
  for (const variant of VARIANTS) {
    const entry = index.manifests.find((m: any) => m.annotations?.[ANNOTATION.refName] === variant);
    // A Higress-only plugin has no Istio image (image-builder.ts); every plugin has a Higress one.
    if (!entry && variant !== "higress") continue;
    if (!entry) throw new LayoutError(`${dir}: index.json has no "${variant}" image; rebuild with \`make image\``);
    const manifest: Descriptor = { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
    const manifestBytes = readBlob(dir, manifest);
    const parsed = JSON.parse(Buffer.from(manifestBytes).toString("utf8"));
    for (const blob of [parsed.config, ...parsed.layers]) readBlob(dir, blob);
    images.push({ variant, manifest, manifestBytes, parsed });
  }
  const version = images[0].parsed.annotations?.[ANNOTATION.version];
  if (!version) throw new LayoutError(`${dir}: manifest has no ${ANNOTATION.version} annotation`);
  return { name, dir, version, images };
}

export function readBlob(layoutDir: string, descriptor: Descriptor): Uint8Array {
  if (!/^sha256:[a-f0-9]{64}$/.test(descriptor.digest)) throw new LayoutError(`${layoutDir}: unsupported digest "${descriptor.digest}"`);
  const path = join(layoutDir, "blobs", ...descriptor.digest.split(":"));
  if (!existsSync(path)) throw new LayoutError(`${layoutDir}: blob ${descriptor.digest} is missing`);
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.byteLength !== descriptor.size || sha256Digest(bytes) !== descriptor.digest) {
    throw new LayoutError(`${layoutDir}: blob ${descriptor.digest} does not match its digest or size; rebuild with \`make image\``);
  }
  return bytes;
}
