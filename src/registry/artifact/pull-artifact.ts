import { readdir } from "node:fs/promises";
import { resolve } from "node:path";
import type { RegistryClient } from "../client/index.js";
import type { Descriptor } from "../schema.js";
import { ArtifactError } from "./artifact-error.js";
import { readArtifactManifest } from "./artifact-manifest.js";
import { DEFAULT_MAX_ENTRIES, extractTar } from "./extract-tar.js";
import type { ExtractResult } from "./extract-tar.js";
import { latestVersion, listVersions } from "./list-versions.js";
import { formatReference } from "./reference.js";
import type { ArtifactReference } from "./reference.js";

export type PullArtifactOptions = {
  client: RegistryClient;
  /** Without a tag or digest, the most recently created version is pulled. */
  reference: ArtifactReference;
  dir: string;
  /** Most content bytes extracted; default the layer's size (a tar holds no more content than its size). */
  maxBytes?: number;
  maxEntries?: number;
};

export type PulledArtifact = ExtractResult & {
  name: string;
  /** The tag pulled, when pulled by tag or chosen as the latest. */
  tag: string | undefined;
  digest: string;
  layer: Descriptor;
  annotations: Record<string, string>;
};

/** The manifest reference to fetch: the digest or tag given, else the latest version's tag. */
export async function resolveReference(client: RegistryClient, reference: ArtifactReference): Promise<{ ref: string; tag: string | undefined }> {
  if (reference.digest !== undefined) return { ref: reference.digest, tag: undefined };
  if (reference.tag !== undefined) return { ref: reference.tag, tag: reference.tag };
  const latest = latestVersion(reference.name, await listVersions(client, reference.name));
  return { ref: latest.digest, tag: latest.tag };
}

async function checkTarget(dir: string): Promise<void> {
  const present = await readdir(dir).catch((error: unknown) => {
    if ((error as { code?: string }).code === "ENOENT") return [];
    throw error;
  });
  if (present.length > 0) throw new ArtifactError("TARGET_NOT_EMPTY", `${dir} is not empty; pull into a new or empty directory`);
}

/**
 * Pulls an artifact into `dir` (new or empty): the manifest is checked against its digest, the layer is
 * verified while it streams into a safe extraction, and on any failure — a digest mismatch included —
 * nothing is left in `dir`.
 */
export async function pullArtifact(o: PullArtifactOptions): Promise<PulledArtifact> {
  const name = o.reference.name;
  const dir = resolve(o.dir);
  await checkTarget(dir);
  const { ref, tag } = await resolveReference(o.client, o.reference);
  const fetched = await o.client.getManifest(name, ref);
  const artifact = readArtifactManifest(fetched.json, formatReference(o.reference));
  const stream = await o.client.pullBlob(name, artifact.layer.digest, artifact.layer.size);
  try {
    const result = await extractTar(stream, dir, { maxBytes: o.maxBytes ?? artifact.layer.size, maxEntries: o.maxEntries ?? DEFAULT_MAX_ENTRIES });
    return { ...result, name, tag, digest: fetched.digest, layer: artifact.layer, annotations: artifact.annotations };
  } finally {
    stream.destroy();
  }
}
