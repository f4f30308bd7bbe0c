import { z } from "zod";

/** Lenient on purpose: manifests are remote data, so unknown fields are kept out of the way, not rejected. */
export const descriptorSchema = z.object({
  mediaType: z.string().min(1),
  digest: z.string().min(1),
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  artifactType: z.string().optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

const common = {
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  subject: descriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
};

/** An OCI image manifest or a Docker image manifest v2 schema 2. */
export const imageManifestSchema = z.object({ ...common, config: descriptorSchema, layers: z.array(descriptorSchema).default([]) });
/** An OCI image index or a Docker manifest list. */
export const imageIndexSchema = z.object({ ...common, manifests: z.array(descriptorSchema) });
