// Media types and annotation keys the images use. Each value is what a specific consumer looks for:
// Higress's console and image fetcher (per-file layers, plugin.wasm in the LAST tar+gzip layer), Istio's
// fetcher (last layer tar+gzip with a plugin.wasm entry), and the OCI image-spec.

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

// Higress builds its official plugin images with `oras push` 1.0, which writes this config type with the
// two-byte blob `{}`. Registries that predate OCI 1.1 accept it, unlike application/vnd.oci.empty.v1+json.
export const UNKNOWN_CONFIG = "application/vnd.unknown.config.v1+json";

// Higress Wasm plugin image spec: one file per layer, the media type names the file.
export const WASM_SPEC_YAML = "application/vnd.module.wasm.spec.v1+yaml";
export const WASM_DOC_MARKDOWN = "application/vnd.module.wasm.doc.v1+markdown";
export const wasmDocMarkdownFor = (lang: string) => `application/vnd.module.wasm.doc.v1.${lang.toLowerCase()}+markdown`;
export const WASM_ICON_PNG = "application/vnd.module.wasm.icon.v1+png";

export const ANNOTATION = {
  title: "org.opencontainers.image.title",
  description: "org.opencontainers.image.description",
  version: "org.opencontainers.image.version",
  revision: "org.opencontainers.image.revision",
  source: "org.opencontainers.image.source",
  created: "org.opencontainers.image.created",
  licenses: "org.opencontainers.image.licenses",
  refName: "org.opencontainers.image.ref.name",
} as const;

/** The file name both fetchers look for inside the tar+gzip layer. */
export const PLUGIN_WASM_ENTRY = "plugin.wasm";
