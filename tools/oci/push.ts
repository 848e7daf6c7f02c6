// Pushes the built layouts (build/oci/<name>) to a registry: for each plugin the Higress image as <tag>
// and the Istio compat image as <tag>-istio. Blobs the registry already has are skipped (HEAD first), so
// a re-run after a failure uploads only what is missing. Reads the layouts, never writes them.
import { resolveCredentials } from "./credentials.ts";
import { RegistryClient, RegistryError } from "./registry-client.ts";
import { displayReference, isValidTag, repositoryFor, tagFor, type RegistryRef } from "./registry-ref.ts";
import { listLayouts, readBlob, readLayout, type LayoutImage, type LayoutPlugin } from "./oci-layout.ts";
import { ANNOTATION } from "./media-types.ts";
import type { ImageVariant } from "./image-builder.ts";

export interface PushOptions {
  registry: RegistryRef;
  layoutsDir: string;
  /** Same tag for every plugin; default: each plugin's own version. */
  tag?: string;
  /** Only these plugins (default: every layout under layoutsDir). */
  only?: string[];
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  timeoutMs?: number;
}

export interface PushedImage {
  name: string;
  variant: ImageVariant;
  reference: string;
  digest: string;
  uploaded: number;
  skipped: number;
}

/** A push failure that says which image and blob it was at; `registryError` keeps the registry's own words. */
export class PushError extends Error {
  constructor(
    message: string,
    readonly registryError: RegistryError,
  ) {
    super(message);
  }
}

export class PushUsageError extends Error {}

export async function pushAll(options: PushOptions): Promise<PushedImage[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const built = listLayouts(options.layoutsDir);
  const names = options.only ?? built;
  if (names.length === 0) throw new PushUsageError(`no image layouts under ${options.layoutsDir}: run \`make image\` first`);
  const missing = names.filter((n) => !built.includes(n));
  if (missing.length) throw new PushUsageError(`no image layout for ${missing.join(", ")} under ${options.layoutsDir}: run \`make image\` first`);
  if (options.tag !== undefined && (!isValidTag(options.tag) || !isValidTag(`${options.tag}-istio`))) {
    throw new PushUsageError(`TAG "${options.tag}" is not a valid OCI tag ([A-Za-z0-9_][A-Za-z0-9._-]*, at most 122 characters)`);
  }
  // Read (and digest-check) every layout before the first request, so a broken build fails before any upload.
  const layouts = names.map((name) => readLayout(options.layoutsDir, name));
  const pushed: PushedImage[] = [];
  for (const layout of layouts) {
    const repository = repositoryFor(options.registry, layout.name);
    const client = new RegistryClient(options.registry, repository, resolveCredentials(options.registry.host, repository, options.env), {
      timeoutMs: options.timeoutMs,
    });
    for (const image of layout.images) {
      pushed.push(await pushImage(client, options.registry, layout, image, options.tag ?? layout.version, log));
    }
  }
  return pushed;
}

async function pushImage(client: RegistryClient, registry: RegistryRef, layout: LayoutPlugin, image: LayoutImage, baseTag: string, log: (line: string) => void): Promise<PushedImage> {
  const tag = tagFor(baseTag, image.variant);
  const reference = displayReference(registry, layout.name, tag);
  const blobs = [image.parsed.config, ...image.parsed.layers];
  log(`${reference} (${image.variant}, ${blobs.length} blobs)`);
  let uploaded = 0;
  let skipped = 0;
  for (const blob of blobs) {
    const label = blob === image.parsed.config ? "config" : (blob.annotations?.[ANNOTATION.title] ?? blob.mediaType);
    const what = `blob ${blob.digest} (${label}, ${formatSize(blob.size)})`;
    try {
      if (await client.hasBlob(blob.digest)) {
        skipped++;
        log(`  ${short(blob.digest)}  ${label.padEnd(16)} ${formatSize(blob.size).padStart(9)}  already there`);
        continue;
      }
      await client.uploadBlob(blob.digest, readBlob(layout.dir, blob));
      uploaded++;
      log(`  ${short(blob.digest)}  ${label.padEnd(16)} ${formatSize(blob.size).padStart(9)}  uploaded`);
    } catch (e) {
      throw wrap(e, `${reference}: ${what}`);
    }
  }
  try {
    const digest = await client.putManifest(tag, image.manifest.mediaType, image.manifestBytes, image.manifest.digest);
    log(`  manifest ${digest} pushed`);
    return { name: layout.name, variant: image.variant, reference, digest, uploaded, skipped };
  } catch (e) {
    throw wrap(e, `${reference}: manifest ${image.manifest.digest}`);
  }
}

function wrap(e: unknown, where: string): unknown {
  return e instanceof RegistryError ? new PushError(`${where}: ${e.message}`, e) : e;
}

function short(digest: string): string {
  return digest.slice(0, "sha256:".length + 12);
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}
