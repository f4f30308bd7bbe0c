import { z } from "zod";
import { unlessMissing } from "./unless-missing.js";

/** The API version every Ferry resource carries. */
export const API_VERSION = "ferry/v1alpha1";

/** A DNS-label-like resource name: lowercase letters, digits and `-`, at most 63 characters. */
export const RESOURCE_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const resourceNameSchema = z
  .string()
  .regex(RESOURCE_NAME_PATTERN, {
    error: "must be lowercase letters, digits and '-', start and end with a letter or digit, and be at most 63 characters",
  })
  .describe("Unique name of the resource within its kind.");

export const apiVersionSchema = z.literal(API_VERSION, { error: unlessMissing(`must be "${API_VERSION}"`) });

export const metadataSchema = z
  .strictObject({
    name: resourceNameSchema,
    labels: z.record(z.string(), z.string()).optional().describe("Key/value pairs for selecting and grouping resources."),
    annotations: z.record(z.string(), z.string()).optional().describe("Free-form key/value notes for tools and people."),
  })
  .describe("Identity of the resource.");

export type Metadata = z.infer<typeof metadataSchema>;

/** The schema of one kind: the common envelope around that kind's `spec`. Unknown fields are rejected. */
export function resourceSchema<K extends string, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({
    apiVersion: apiVersionSchema,
    kind: z.literal(kind),
    metadata: metadataSchema,
    spec,
  });
}

/** The envelope alone, for documents of an unknown kind: checks apiVersion and metadata, ignores the rest. */
export const envelopeSchema = z.looseObject({
  apiVersion: apiVersionSchema,
  metadata: metadataSchema,
});
