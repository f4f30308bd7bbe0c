import type { RegistryClient } from "../client/index.js";
import type { Descriptor } from "../schema.js";
import { ANNOTATIONS } from "./media-types.js";
import { provenanceFromAnnotations } from "./provenance.js";
import type { Provenance } from "./provenance.js";
import { resolveReference } from "./pull-artifact.js";
import type { ArtifactReference } from "./reference.js";

export type ArtifactInfo = {
  name: string;
  tag: string | undefined;
  digest: string;
  mediaType: string;
  artifactType: string | undefined;
  /** The manifest's own size. */
  manifestSize: number;
  /** The content's size: the sum of the layers. */
  size: number;
  layers: Descriptor[];
  created: string | undefined;
  provenance: Provenance;
  annotations: Record<string, string>;
  /** Manifests that name this one as their subject: signatures, SBOMs, attestations. */
  referrers: Descriptor[];
};

/** What the registry knows about an artifact, without pulling its content. */
export async function inspectArtifact(client: RegistryClient, reference: ArtifactReference): Promise<ArtifactInfo> {
  const { ref, tag } = await resolveReference(client, reference);
  const fetched = await client.getManifest(reference.name, ref);
  const m = (typeof fetched.json === "object" && fetched.json !== null ? fetched.json : {}) as { artifactType?: unknown; config?: { mediaType?: unknown }; layers?: Descriptor[]; annotations?: Record<string, string> };
  const layers = Array.isArray(m.layers) ? m.layers : [];
  const annotations = m.annotations ?? {};
  return {
    name: reference.name,
    tag,
    digest: fetched.digest,
    mediaType: fetched.mediaType,
    artifactType: typeof m.artifactType === "string" ? m.artifactType : typeof m.config?.mediaType === "string" ? m.config.mediaType : undefined,
    manifestSize: fetched.size,
    size: layers.reduce((n, l) => n + (typeof l.size === "number" ? l.size : 0), 0),
    layers,
    created: annotations[ANNOTATIONS.created],
    provenance: provenanceFromAnnotations(annotations),
    annotations,
    referrers: await client.referrers(reference.name, fetched.digest),
  };
}
