// Packs one file into a tar+gzip blob whose bytes depend only on the file's name and content (and on the
// optional fixed timestamp), so the layer digest is reproducible on any machine.
//
// Why these libraries: tar-stream lets us set every header field ourselves (node-tar copies mode, owner and
// times from the file system). pako is a pure-JavaScript deflate: Node's built-in zlib is Chromium's fork,
// whose output may differ between CPUs with and without its SIMD paths, while pako's output depends only
// on its (pinned) version. pako's gzip header has mtime 0, no file name, OS byte 3.
import { pack } from "tar-stream";
import { gzip } from "pako";

export interface ArchiveEntry {
  name: string;
  content: Uint8Array;
  /** Seconds since the epoch written as the entry's mtime; 0 unless SOURCE_DATE_EPOCH asks otherwise. */
  mtimeSeconds: number;
}

/** Returns the tar (uncompressed) bytes: one regular file, mode 0644, owner 0:0 with empty names. */
export async function tarSingleFile(entry: ArchiveEntry): Promise<Uint8Array> {
  const archive = pack();
  const chunks: Uint8Array[] = [];
  archive.on("data", (chunk: unknown) => chunks.push(chunk as Uint8Array));
  const finished = new Promise<void>((resolve, reject) => {
    archive.on("end", () => resolve());
    archive.on("error", reject);
  });
  archive.entry(
    {
      name: entry.name,
      type: "file",
      size: entry.content.byteLength,
      mode: 0o644,
      uid: 0,
      gid: 0,
      uname: "",
      gname: "",
      mtime: new Date(entry.mtimeSeconds * 1000),
    },
    Buffer.from(entry.content.buffer, entry.content.byteOffset, entry.content.byteLength),
  );
  archive.finalize();
  await finished;
  return new Uint8Array(Buffer.concat(chunks));
}

/** gzip at maximum compression with a header that carries no name and no time. */
export function gzipDeterministic(data: Uint8Array): Uint8Array {
  return gzip(data, { level: 9 });
}
