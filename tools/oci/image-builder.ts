// Assembles the two images of one plugin, in memory, from its sources:
//  - "higress": Higress's plugin image: one layer per file (spec.yaml, README*.md, icon.png) and the
//    module as plugin.wasm inside plugin.tar.gz, the LAST layer; config is oras's empty `{}` (see media-types.ts).
//  - "istio": the single-layer "compat" image older Istio fetchers require: the same plugin.tar.gz layer
//    (same digest, so registries store it once) under a standard OCI image config. Not built for a plugin
//    whose spec.yaml limits it to Higress (info.x-gateways): Istio's Envoy could not load its module.
// Every byte is a function of the inputs: no clocks, no host names, JSON with a fixed key order.
import { createHash } from "node:crypto";
import { tarSingleFile, gzipDeterministic } from "./deterministic-archive.ts";
import * as MT from "./media-types.ts";
import type { ImageVariant, PluginSource } from "./plugin-source.ts";

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface BuiltImage {
  variant: ImageVariant;
  manifest: Descriptor;
  manifestBytes: Uint8Array;
  /** config first, then layers in manifest order. */
  blobs: Descriptor[];
}

export { VARIANTS, type ImageVariant } from "./plugin-source.ts";

export interface BuiltPlugin {
  name: string;
  version: string;
  images: BuiltImage[];
  /** Every blob any of the images references, manifests included, by digest. */
  blobs: Map<string, Uint8Array>;
}

export interface ProvenanceOptions {
  /** Repository URL for org.opencontainers.image.source; left out when unknown. */
  source?: string;
  /** VCS revision for org.opencontainers.image.revision; left out when unknown. */
  revision?: string;
  /** SOURCE_DATE_EPOCH: tar mtime and org.opencontainers.image.created. Without it mtime is 0 and no date is written. */
  sourceDateEpoch?: number;
}

export function sha256Digest(bytes: Uint8Array): string {
  return "sha256:" + createHash("sha256").update(bytes).digest("hex");
}

/** JSON with keys in the order the object was built; objects are built in a fixed order below. */
function jsonBytes(value: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(value), "utf8"));
}

export async function buildPluginImages(plugin: PluginSource, wasm: Uint8Array, provenance: ProvenanceOptions): Promise<BuiltPlugin> {
  const blobs = new Map<string, Uint8Array>();
  const addBlob = (mediaType: string, bytes: Uint8Array, annotations?: Record<string, string>): Descriptor => {
    const digest = sha256Digest(bytes);
    blobs.set(digest, bytes);
    return annotations ? { mediaType, digest, size: bytes.byteLength, annotations } : { mediaType, digest, size: bytes.byteLength };
  };
  const titled = (name: string) => ({ [MT.ANNOTATION.title]: name });

  const mtimeSeconds = provenance.sourceDateEpoch ?? 0;
  const pluginTar = await tarSingleFile({ name: MT.PLUGIN_WASM_ENTRY, content: wasm, mtimeSeconds });
  const pluginLayer = addBlob(MT.OCI_LAYER_TAR_GZIP, gzipDeterministic(pluginTar), titled("plugin.tar.gz"));
  const annotations = imageAnnotations(plugin, provenance);

  // Higress: per-file layers in the order of Higress's own build (spec, docs, icon), the module last.
  const higressConfig = addBlob(MT.UNKNOWN_CONFIG, jsonBytes({}));
  const higressLayers = [
    addBlob(MT.WASM_SPEC_YAML, plugin.specYaml.bytes, titled(plugin.specYaml.name)),
    ...plugin.readmes.map((readme) => addBlob(readmeMediaType(readme.name), readme.bytes, titled(readme.name))),
    ...(plugin.icon ? [addBlob(MT.WASM_ICON_PNG, plugin.icon.bytes, titled(plugin.icon.name))] : []),
    pluginLayer,
  ];

  const images = [manifestFor("higress", higressConfig, higressLayers, annotations, addBlob)];
  if (plugin.gateways.includes("istio")) {
    // Istio compat: what `FROM scratch / COPY plugin.wasm /` produces, so docker/podman tooling reads it too.
    const istioConfig = addBlob(
      MT.OCI_IMAGE_CONFIG,
      jsonBytes({
        ...(provenance.sourceDateEpoch !== undefined ? { created: isoDate(provenance.sourceDateEpoch) } : {}),
        architecture: "wasm",
        os: "wasip1",
        config: { Labels: annotations },
        rootfs: { type: "layers", diff_ids: [sha256Digest(pluginTar)] },
      }),
    );
    images.push(manifestFor("istio", istioConfig, [pluginLayer], annotations, addBlob));
  }
  return { name: plugin.name, version: plugin.version, images, blobs };
}

function manifestFor(
  variant: ImageVariant,
  config: Descriptor,
  layers: Descriptor[],
  annotations: Record<string, string>,
  addBlob: (mediaType: string, bytes: Uint8Array) => Descriptor,
): BuiltImage {
  const manifestBytes = jsonBytes({ schemaVersion: 2, mediaType: MT.OCI_MANIFEST, config, layers, annotations });
  const manifest = addBlob(MT.OCI_MANIFEST, manifestBytes);
  return { variant, manifest, manifestBytes, blobs: [config, ...layers] };
}

function imageAnnotations(plugin: PluginSource, provenance: ProvenanceOptions): Record<string, string> {
  const entries: [string, string | undefined][] = [
    [MT.ANNOTATION.created, provenance.sourceDateEpoch !== undefined ? isoDate(provenance.sourceDateEpoch) : undefined],
    [MT.ANNOTATION.description, plugin.description.trim()],
    [MT.ANNOTATION.revision, provenance.revision],
    [MT.ANNOTATION.source, provenance.source],
    [MT.ANNOTATION.title, plugin.name],
    [MT.ANNOTATION.version, plugin.version],
  ];
  // Sorted by key so the manifest does not depend on the order these lines are written in.
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== undefined && e[1] !== "").sort(([a], [b]) => (a < b ? -1 : 1)));
}

function readmeMediaType(fileName: string): string {
  const lang = /^README_([A-Za-z]+)\.md$/.exec(fileName)?.[1];
  return lang ? MT.wasmDocMarkdownFor(lang) : MT.WASM_DOC_MARKDOWN;
}

function isoDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}
