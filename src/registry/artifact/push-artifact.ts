import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import type { TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { RegistryClient } from "../client/index.js";
import { OCI_MANIFEST } from "../manifest.js";
import { isRepositoryName, isTag } from "../names.js";
import { ArtifactError } from "./artifact-error.js";
import { buildArtifactManifest } from "./artifact-manifest.js";
import type { ArtifactManifest } from "./artifact-manifest.js";
import { collectEntries } from "./collect-entries.js";
import { EMPTY_CONFIG_BYTES } from "./media-types.js";
import { resolveProvenance } from "./provenance.js";
import type { Provenance } from "./provenance.js";
import { writeTar } from "./tar-writer.js";

export type PushArtifactOptions = {
  client: RegistryClient;
  /** The repository. */
  name: string;
  /** The tag. */
  version: string;
  /** Files and directories, archived with names relative to `base`. */
  paths: readonly string[];
  base: string;
  annotations?: Readonly<Record<string, string>>;
  /** Provenance fields given explicitly; the rest come from `env` (GITHUB_REPOSITORY, GITHUB_SHA, …). */
  provenance?: Provenance;
  env?: Readonly<Record<string, string | undefined>>;
  /** The creation time; default now, or SOURCE_DATE_EPOCH from `env` when set. */
  now?: () => Date;
  /** Where the tar is staged while it is hashed; default the system's temp directory. */
  tmpDir?: string;
};

export type PushedArtifact = {
  name: string;
  version: string;
  digest: string;
  manifest: ArtifactManifest;
  layer: { digest: string; size: number; uploaded: boolean };
  entries: number;
};

const READ_CHUNK = 1 << 20;

function createdAt(o: PushArtifactOptions): Date {
  if (o.now !== undefined) return o.now();
  const epoch = o.env?.SOURCE_DATE_EPOCH;
  return epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}

/** Writes the tar of `paths` to `file`, hashing it on the way. */
async function stageLayer(o: PushArtifactOptions, file: string): Promise<{ digest: string; size: number; entries: number }> {
  const entries = await collectEntries(o.paths, o.base);
  const hash = createHash("sha256");
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(Readable.from(writeTar(entries)), hashing, createWriteStream(file));
  return { digest: `sha256:${hash.digest("hex")}`, size, entries: entries.length };
}

/**
 * Pushes `paths` as an artifact `name:version`: the tar is staged in a temp file while it is hashed, then
 * the empty config, the layer (skipped when the repository has it: the same content is stored once) and
 * the manifest go up.
 */
export async function pushArtifact(o: PushArtifactOptions): Promise<PushedArtifact> {
  if (!isRepositoryName(o.name)) throw new ArtifactError("INVALID_REFERENCE", `"${o.name}" is not a repository name`);
  if (!isTag(o.version)) throw new ArtifactError("INVALID_REFERENCE", `"${o.version}" is not a version ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})`);
  const work = await mkdtemp(join(o.tmpDir ?? tmpdir(), "ferry-artifact-"));
  try {
    const file = join(work, "layer.tar");
    const staged = await stageLayer(o, file);
    await o.client.pushBlob(o.name, EMPTY_CONFIG_BYTES);
    const layer = await o.client.pushBlob(o.name, createReadStream(file, { highWaterMark: READ_CHUNK }), staged.digest, staged.size);
    const manifest = buildArtifactManifest({
      name: o.name, version: o.version, layer: staged, created: createdAt(o),
      provenance: resolveProvenance(o.provenance ?? {}, o.env ?? {}),
      ...(o.annotations === undefined ? {} : { annotations: o.annotations }),
    });
    const digest = await o.client.putManifest(o.name, o.version, manifest, OCI_MANIFEST);
    return { name: o.name, version: o.version, digest, manifest, layer: { ...staged, uploaded: layer.uploaded }, entries: staged.entries };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
