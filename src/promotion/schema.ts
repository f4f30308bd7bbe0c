import { z } from "zod";
import { resourceNameSchema } from "../resources/index.js";

/** An OCI content digest, `sha256:<64 hex>` or `sha512:<128 hex>`. */
export const DIGEST_PATTERN = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** A Git commit id: a full SHA-1 or SHA-256 object name. */
export const COMMIT_ID_PATTERN = /^(?:[a-f0-9]{40}|[a-f0-9]{64})$/;

/** A Freight name: the first 20 hex digits of a sha256 over what the freight holds. */
export const FREIGHT_NAME_PATTERN = /^[a-f0-9]{20}$/;

export const digestSchema = z
  .string()
  .regex(DIGEST_PATTERN, { error: "must be a sha256 or sha512 digest" })
  .describe("Content digest; what the freight really pins, whatever the tag says later.");

const timestampSchema = z.iso.datetime({ offset: true }).describe("When, as an ISO 8601 timestamp.");

export const freightArtifactSchema = z
  .strictObject({
    repoURL: z.string().min(1).describe("The registry repository, host/name."),
    tag: z.string().min(1).optional().describe("The tag the version was found under, for people; the digest is what counts."),
    digest: digestSchema,
  })
  .describe("One version of an artifact or image, pinned by digest.");

export const freightCommitSchema = z
  .strictObject({
    repoURL: z.string().min(1).describe("The Git remote."),
    branch: z.string().min(1).describe("The branch the commit was found on."),
    id: z.string().regex(COMMIT_ID_PATTERN, { error: "must be a full commit id" }).describe("The commit id."),
  })
  .describe("One commit of a Git branch.");

export const freightOriginSchema = z
  .strictObject({
    runId: z.string().min(1).optional().describe("The CI workflow run that built the artifacts."),
    repository: z.string().min(1).optional().describe("The source repository the artifacts were built from."),
    commit: z.string().min(1).optional().describe("The source commit the artifacts were built from."),
  })
  .describe("Where the freight came from (provenance), as far as it is known.");

export const verifiedInSchema = z
  .strictObject({
    at: timestampSchema,
    promotionId: z.string().min(1).describe("The promotion after which verification passed."),
  })
  .describe("When the freight passed verification in a stage.");

export const approvedForSchema = z
  .strictObject({
    at: timestampSchema,
    by: z.string().min(1).describe("Who approved: a user or API token name."),
  })
  .describe("When and by whom the freight was approved for a stage.");

/**
 * `Freight`: an immutable bundle of artifact and image digests and commit ids, made by a
 * Warehouse. Only `verifiedIn` and `approvedFor` ever change. Not applied by users; the store
 * persists it.
 */
export const freightSchema = z
  .strictObject({
    name: z.string().regex(FREIGHT_NAME_PATTERN, { error: "must be 20 hex digits" }).describe("Content hash: same contents, same name."),
    alias: z.string().min(1).describe("A name for people, adjective-animal, derived from name."),
    warehouse: resourceNameSchema.describe("The Warehouse that made the freight."),
    artifacts: z.array(freightArtifactSchema).describe("Artifact versions, pinned by digest."),
    images: z.array(freightArtifactSchema).describe("Image versions, pinned by digest."),
    commits: z.array(freightCommitSchema).describe("Git commits."),
    origin: freightOriginSchema,
    createdAt: timestampSchema,
    verifiedIn: z.record(resourceNameSchema, verifiedInSchema).describe("Stages the freight passed verification in, by stage name."),
    approvedFor: z.record(resourceNameSchema, approvedForSchema).describe("Stages the freight is approved for, by stage name."),
  })
  .describe("An immutable bundle of pinned versions that moves through stages.");

export type Freight = z.infer<typeof freightSchema>;
export type FreightArtifact = z.infer<typeof freightArtifactSchema>;
export type FreightCommit = z.infer<typeof freightCommitSchema>;
export type FreightOrigin = z.infer<typeof freightOriginSchema>;

/** The phases of a promotion, in Kargo's words. */
export const PROMOTION_PHASES = ["Pending", "Running", "Succeeded", "Failed", "Errored", "Aborted"] as const;

export const promotionPhaseSchema = z.enum(PROMOTION_PHASES).describe("Where a promotion is: Pending, Running or one of its ends.");

export type PromotionPhase = z.infer<typeof promotionPhaseSchema>;

/** Phases a promotion is still in flight in. */
export const IN_FLIGHT_PHASES: readonly PromotionPhase[] = ["Pending", "Running"];
