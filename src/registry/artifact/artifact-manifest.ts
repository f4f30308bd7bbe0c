import { OCI_MANIFEST } from "../manifest.js";
import { imageManifestSchema } from "../schema.js";
import type { Descriptor } from "../schema.js";
import { ArtifactError } from "./artifact-error.js";
import { ANNOTATIONS, ARTIFACT_TYPE, EMPTY_CONFIG, EXTRACTABLE_LAYER_TYPES, LAYER_MEDIA_TYPE } from "./media-types.js";
import { provenanceAnnotations } from "./provenance.js";
import type { Provenance } from "./provenance.js";

export type ArtifactManifest = {
  schemaVersion: 2;
  mediaType: typeof OCI_MANIFEST;
  artifactType: typeof ARTIFACT_TYPE;
  config: typeof EMPTY_CONFIG;
  layers: [Descriptor];
  annotations: Record<string, string>;
};

export type ManifestInput = {
  name: string;
  version: string;
  layer: { digest: string; size: number };
  created: Date;
  provenance: Provenance;
  /** The caller's own annotations; they win over the ones derived here. */
  annotations?: Readonly<Record<string, string>>;
};

const sorted = (r: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * The image manifest of an artifact (pure): the empty config, one tar layer, and annotations for the
 * creation time, name, version and provenance. The layer is titled `<name>-<version>.tar`, so tools that
 * save titled layers as files (oras) save the tar.
 */
export function buildArtifactManifest(m: ManifestInput): ArtifactManifest {
  const shortName = m.name.slice(m.name.lastIndexOf("/") + 1);
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: ARTIFACT_TYPE,
    config: EMPTY_CONFIG,
    layers: [{ mediaType: LAYER_MEDIA_TYPE, digest: m.layer.digest, size: m.layer.size, annotations: { [ANNOTATIONS.title]: `${shortName}-${m.version}.tar` } }],
    annotations: sorted({
      [ANNOTATIONS.created]: m.created.toISOString(),
      [ANNOTATIONS.title]: m.name,
      [ANNOTATIONS.version]: m.version,
      ...provenanceAnnotations(m.provenance),
      ...m.annotations,
    }),
  };
}

export type ReadArtifact = { artifactType: string | undefined; layers: Descriptor[]; layer: Descriptor; annotations: Record<string, string> };

/**
 * Checks that a pulled manifest is an artifact Ferry can extract: an image manifest with exactly one tar
 * layer. Other artifact types with a plain OCI tar layer are accepted too.
 */
export function readArtifactManifest(json: unknown, label: string): ReadArtifact {
  const parsed = imageManifestSchema.safeParse(json);
  if (!parsed.success || (parsed.data.mediaType !== undefined && parsed.data.mediaType !== OCI_MANIFEST)) {
    throw new ArtifactError("NOT_AN_ARTIFACT", `${label} is not an OCI image manifest (an index or another format)`);
  }
  const m = parsed.data;
  const layer = m.layers[0];
  if (m.layers.length !== 1 || layer === undefined || !EXTRACTABLE_LAYER_TYPES.includes(layer.mediaType)) {
    const types = m.layers.map((l) => l.mediaType).join(", ") || "none";
    throw new ArtifactError("NOT_AN_ARTIFACT", `${label} is not a Ferry artifact (artifactType ${m.artifactType ?? m.config.mediaType}; layers: ${types}); expected one ${LAYER_MEDIA_TYPE} layer`);
  }
  return { artifactType: m.artifactType, layers: m.layers, layer, annotations: m.annotations ?? {} };
}
