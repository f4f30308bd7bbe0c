/** The artifactType of a Ferry artifact's manifest. */
export const ARTIFACT_TYPE = "application/vnd.ferry.artifact.v1";
/** Its one layer: an uncompressed tar of the pushed paths. */
export const LAYER_MEDIA_TYPE = "application/vnd.ferry.artifact.layer.v1.tar";
/** Layer types pull also extracts: the plain OCI tar layer, as other tools push it. */
export const EXTRACTABLE_LAYER_TYPES: readonly string[] = [LAYER_MEDIA_TYPE, "application/vnd.oci.image.layer.v1.tar"];

/** The OCI empty descriptor (image-spec 1.1): artifacts without a config point at the two bytes `{}`. */
export const EMPTY_CONFIG_BYTES = Buffer.from("{}");
export const EMPTY_CONFIG = {
  mediaType: "application/vnd.oci.empty.v1+json",
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2,
} as const;

export const ANNOTATIONS = {
  created: "org.opencontainers.image.created",
  title: "org.opencontainers.image.title",
  version: "org.opencontainers.image.version",
  repository: "dev.ferry.repository",
  commit: "dev.ferry.commit",
  run: "dev.ferry.run",
  job: "dev.ferry.job",
} as const;
