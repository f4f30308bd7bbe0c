import { z } from "zod";
import { durationSchema } from "./duration-schema.js";
import { resourceSchema } from "./envelope.js";
import { gitUrlProblem } from "./git-url-problem.js";
import { secretRefSchema } from "./secret-ref-schema.js";
import { unlessMissing } from "./unless-missing.js";

const patternSchema = z.string().min(1, { error: "must not be empty" });

const webhookSchema = z
  .strictObject({
    secretRef: secretRefSchema
      .optional()
      .describe("Name of a secret holding the webhook secret; deliveries must be signed with it."),
    provider: z
      .enum(["github", "gitea", "forgejo", "gitlab"])
      .optional()
      .describe("Which forge sends the webhooks, to read its signature and payload format."),
  })
  .describe("Push notifications from the forge, in addition to polling.");

const statusReportingSchema = z
  .strictObject({
    provider: z.enum(["github", "gitea"]).describe('Commit status API to use; "gitea" also serves Forgejo.'),
    apiUrl: z
      .url({ protocol: /^https?$/, error: unlessMissing("must be an http:// or https:// URL") })
      .describe("Base URL of the forge API, e.g. https://api.github.com or https://gitea.example.com/api/v1."),
    tokenRef: secretRefSchema.describe("Name of a secret holding an API token allowed to post commit statuses."),
    owner: z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: "must be a user or organization name" }),
    repo: z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: "must be a repository name" }),
  })
  .describe("Where to post commit statuses for runs of this repository's workflows.");

export const repositorySpecSchema = z.strictObject({
  url: z
    .string()
    .superRefine((url, ctx) => {
      const problem = gitUrlProblem(url);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    })
    .describe("Git remote: https://, http://, ssh://, git://, file://, user@host:path or an absolute path."),
  branches: z
    .array(patternSchema)
    .default(() => ["**"])
    .describe('Branch filter patterns (globs; "!" excludes); commits on matching branches trigger workflows.'),
  tags: z
    .union([z.boolean(), z.array(patternSchema)], { error: unlessMissing("must be true, false or a list of tag patterns") })
    .default(true)
    .describe("Whether new tags trigger workflows: true (all), false (none) or a list of tag patterns."),
  pollInterval: durationSchema({ min: "1s", max: "24h" })
    .default("30s")
    .describe('How often to run git ls-remote, e.g. "30s", "5m", "1h"; between 1s and 24h.'),
  webhook: webhookSchema.optional(),
  credentialsRef: secretRefSchema
    .optional()
    .describe("Name of a secret with credentials for the remote (token, password or SSH key)."),
  statusReporting: statusReportingSchema.optional(),
});

/** `Repository`: a Git remote Ferry watches; new commits and tags trigger its workflows. */
export const repositorySchema = resourceSchema("Repository", repositorySpecSchema).describe(
  "A Git remote Ferry watches for new commits and tags.",
);

/** A Repository as Ferry uses it, defaults applied. */
export type Repository = z.infer<typeof repositorySchema>;

/** A Repository as written by a user, before defaults. */
export type RepositoryInput = z.input<typeof repositorySchema>;
