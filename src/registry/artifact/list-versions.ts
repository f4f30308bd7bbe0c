import type { RegistryClient } from "../client/index.js";
import { ArtifactError } from "./artifact-error.js";
import { ANNOTATIONS } from "./media-types.js";

export type ArtifactVersion = {
  tag: string;
  digest: string;
  /** The manifest's creation annotation; undefined when it has none. */
  created: string | undefined;
  /** The content size: the sum of the layers. */
  size: number;
  artifactType: string | undefined;
};

const CONCURRENCY = 8;

function describe(tag: string, digest: string, json: unknown): ArtifactVersion {
  const m = (typeof json === "object" && json !== null ? json : {}) as { artifactType?: unknown; annotations?: Record<string, unknown>; layers?: Array<{ size?: unknown }> };
  const created = m.annotations?.[ANNOTATIONS.created];
  const size = Array.isArray(m.layers) ? m.layers.reduce((n, l) => n + (typeof l.size === "number" ? l.size : 0), 0) : 0;
  return { tag, digest, created: typeof created === "string" ? created : undefined, size, artifactType: typeof m.artifactType === "string" ? m.artifactType : undefined };
}

/** Every tag of `name` with its manifest's digest, creation time and size, in tag order. */
export async function listVersions(client: RegistryClient, name: string): Promise<ArtifactVersion[]> {
  const tags = await client.listTags(name);
  const out: ArtifactVersion[] = new Array<ArtifactVersion>(tags.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < tags.length; i = next++) {
      const tag = tags[i] ?? "";
      const m = await client.getManifest(name, tag);
      out[i] = describe(tag, m.digest, m.json);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tags.length) }, worker));
  return out;
}

/** The most recently created version (by the creation annotation; versions without one come last). */
export function latestVersion(name: string, versions: readonly ArtifactVersion[]): ArtifactVersion {
  const ranked = [...versions].sort((a, b) => (b.created ?? "").localeCompare(a.created ?? "") || (a.tag < b.tag ? 1 : -1));
  const first = ranked[0];
  if (first === undefined) throw new ArtifactError("NO_VERSIONS", `${name} has no versions; push one with ferry artifact push ${name}:VERSION PATH...`);
  return first;
}
