import { z } from "zod";
import { durationSchema } from "./duration-schema.js";
import { RESOURCE_NAME_PATTERN, resourceNameSchema, resourceSchema } from "./envelope.js";
import { gitUrlProblem } from "./git-url-problem.js";
import { unlessMissing } from "./unless-missing.js";

/** Why a path inside the config repository is unusable, or `undefined`. */
export function repositoryPathProblem(path: string): string | undefined {
  if (path === "") return 'must not be empty; use "." for the top of the repository';
  if (/[\x00-\x1f\x7f\\]/.test(path)) return "must not contain control characters or '\\'";
  if (path.startsWith("/")) return 'must be relative to the top of the repository, e.g. "apps/shop"';
  if (path.split("/").includes("..")) return "must not contain '..': it names a folder inside the repository";
  return undefined;
}

/** Why a branch, tag or commit name is unusable, or `undefined`. Mirrors `git check-ref-format` where it matters. */
export function revisionProblem(revision: string): string | undefined {
  if (revision === "") return "must not be empty";
  if (revision.startsWith("-")) return "must not start with '-'";
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(revision)) return "must be a branch, tag or commit: no spaces, control characters or any of ~ ^ : ? * [ \\";
  if (revision.includes("..") || revision.includes("@{") || revision.endsWith(".lock") || revision.endsWith("/") || revision.endsWith(".")) {
    return "must be a branch, tag or commit name as git accepts it";
  }
  return undefined;
}

function checked(problemOf: (text: string) => string | undefined) {
  return z.string().superRefine((text, ctx) => {
    const problem = problemOf(text);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });
}

const sourceSchema = z
  .strictObject({
    repoURL: checked(gitUrlProblem).describe(
      "Git remote of the config repository: https://, http://, ssh://, git://, file://, user@host:path or an absolute path.",
    ),
    path: checked(repositoryPathProblem)
      .default(".")
      .describe('Folder inside the repository whose *.yaml and *.yml files (recursively) define the Services; "." for the top.'),
    targetRevision: checked(revisionProblem)
      .default("HEAD")
      .describe('Branch, tag or commit to deliver; "HEAD" follows the default branch.'),
  })
  .describe("Where the desired state is: a path at a revision of a Git repository.");

const destinationSchema = z
  .strictObject({
    agent: z
      .string()
      .regex(RESOURCE_NAME_PATTERN, { error: "must be the name of an agent: lowercase letters, digits and '-', at most 63 characters" })
      .default("local")
      .describe('Name of the agent that runs the Services; "local" is the agent of ferry up.'),
    runtime: z
      .enum(["process", "podman"], { error: unlessMissing('must be one of "process", "podman"') })
      .default("process")
      .describe('How the agent runs Services: "process" (plain processes from artifacts) or "podman" (containers).'),
  })
  .default(() => ({ agent: "local", runtime: "process" as const }))
  .describe("Where the Services run.");

const automatedSchema = z
  .strictObject({
    prune: z.boolean().default(false).describe("Delete Services that are no longer in Git."),
    selfHeal: z.boolean().default(false).describe("Put back what drifted from Git (a stopped or changed Service) without waiting for a new commit."),
    allowEmpty: z.boolean().default(false).describe("Let pruning delete every Service when the path defines none."),
  })
  .describe("Sync automatically whenever Git or the environment changes; without it, syncs happen only when asked.");

const syncPolicySchema = z
  .strictObject({ automated: automatedSchema.optional() })
  .default(() => ({}))
  .describe("When and how to sync.");

export const applicationSpecSchema = z.strictObject({
  source: sourceSchema,
  destination: destinationSchema,
  syncPolicy: syncPolicySchema,
  refreshInterval: durationSchema({ min: "1s", max: "24h" })
    .default("30s")
    .describe('How often the agent fetches the source revision, e.g. "30s", "5m"; between 1s and 24h.'),
  dependsOn: z
    .array(resourceNameSchema.describe("Name of an Application."))
    .default(() => [])
    .refine((names) => new Set(names).size === names.length, { error: "must not name an Application twice" })
    .describe("Applications that must be synced and healthy before this one is synced."),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `Application`: a path of a config repository delivered by an agent to a runtime. */
export const applicationSchema = resourceSchema("Application", applicationSpecSchema)
  .superRefine(
    (application, ctx) => {
      const name: unknown = isRecord(application.metadata) ? application.metadata.name : undefined;
      const spec: unknown = application.spec;
      const dependsOn: unknown = isRecord(spec) ? spec.dependsOn : undefined;
      if (!Array.isArray(dependsOn)) return;
      (dependsOn as unknown[]).forEach((dependency, index) => {
        if (dependency === name) ctx.addIssue({ code: "custom", path: ["spec", "dependsOn", index], message: "an Application cannot depend on itself" });
      });
    },
    { when: (payload) => isRecord(payload.value) },
  )
  .describe("A GitOps unit: the Services at a path of a config repository, kept running by an agent.");

/** An Application as Ferry uses it, defaults applied. */
export type Application = z.infer<typeof applicationSchema>;

/** An Application as written by a user, before defaults. */
export type ApplicationInput = z.input<typeof applicationSchema>;
