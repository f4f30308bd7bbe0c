import semver from "semver";
import { z } from "zod";
import { repositoryPathProblem, revisionProblem } from "./application.js";
import { gitUrlProblem } from "./git-url-problem.js";
import { artifactReferenceProblem, imageReferenceProblem } from "./image-reference.js";
import { integerSchema } from "./integer-schema.js";
import { unlessMissing } from "./unless-missing.js";

/** How a registry subscription orders the versions it finds; the first is the newest. */
export const SELECTION_STRATEGIES = ["SemVer", "NewestBuild", "Lexical"] as const;

function hasTagOrDigest(text: string): boolean {
  return text.includes("@") || text.slice(text.lastIndexOf("/") + 1).includes(":");
}

/**
 * Why a registry repository (`host[:port]/name`, no tag or digest) is unusable for a subscription,
 * or `undefined`. Artifacts need the registry host (the built-in registry too, e.g.
 * `localhost:7000/team/web`); images may leave it out (`nginx` is `docker.io/library/nginx`).
 */
export function registryRepositoryProblem(text: string, needsHost: boolean): string | undefined {
  if (hasTagOrDigest(text)) return "must name a repository without a tag or digest: the warehouse discovers the versions";
  if (needsHost) {
    const first = text.slice(0, Math.max(0, text.indexOf("/")));
    if (!(first.includes(".") || first.includes(":") || first === "localhost")) {
      return "must start with the registry host, e.g. localhost:7000/team/web";
    }
    return artifactReferenceProblem(`${text}:latest`);
  }
  return imageReferenceProblem(text);
}

/** Why a regular expression does not compile, or `undefined`. */
export function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "u");
    return undefined;
  } catch (error: unknown) {
    if (error instanceof SyntaxError) return `must be a regular expression: ${error.message}`;
    throw error;
  }
}

function checked(problemOf: (text: string) => string | undefined) {
  return z.string().superRefine((text, ctx) => {
    const problem = problemOf(text);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });
}

function registrySubscriptionSchema(what: "artifact" | "image") {
  const needsHost = what === "artifact";
  const example = needsHost ? "localhost:7000/team/web" : "docker.io/library/nginx";
  return z
    .strictObject({
      repoURL: checked((text) => registryRepositoryProblem(text, needsHost)).describe(
        `Repository in an OCI registry, without tag or digest, e.g. ${example}.`,
      ),
      semverConstraint: checked((range) =>
        semver.validRange(range) === null ? 'must be a semantic version range, e.g. "^1.2.0" or ">=2.0.0 <3"' : undefined,
      )
        .optional()
        .describe('Only versions in this range, e.g. "^1.2.0"; pre-releases only when the range names one. Needs strategy SemVer.'),
      tagPattern: checked(regexProblem)
        .optional()
        .describe('Only tags this regular expression finds a match in; anchor it ("^v1\\\\.") to match whole tags.'),
      strategy: z
        .enum(SELECTION_STRATEGIES, { error: unlessMissing('must be one of "SemVer", "NewestBuild", "Lexical"') })
        .optional()
        .describe(
          'Which version is newest: "SemVer" (highest semantic version), "NewestBuild" (latest created) or "Lexical" (last tag in sort order). Defaults to SemVer with a semverConstraint, NewestBuild without.',
        ),
      discoveryLimit: integerSchema(1, 100).default(20).describe("How many of the newest versions to keep discovered, from 1 to 100."),
    })
    .superRefine(
      (subscription, ctx) => {
        const strategy: unknown = subscription.strategy;
        if (subscription.semverConstraint !== undefined && strategy !== undefined && strategy !== "SemVer") {
          ctx.addIssue({ code: "custom", path: ["semverConstraint"], message: 'applies only to strategy "SemVer"' });
        }
      },
      { when: () => true },
    )
    .transform((subscription) => ({
      ...subscription,
      strategy: subscription.strategy ?? (subscription.semverConstraint === undefined ? ("NewestBuild" as const) : ("SemVer" as const)),
    }));
}

export const artifactSubscriptionSchema = registrySubscriptionSchema("artifact").describe(
  "Versions of an artifact published to an OCI registry (ferry/publish, ferry artifact push).",
);

export const imageSubscriptionSchema = registrySubscriptionSchema("image").describe("Versions (tags) of a container image.");

const pathPatternSchema = checked(repositoryPathProblem);

export const gitSubscriptionSchema = z
  .strictObject({
    repoURL: checked(gitUrlProblem).describe("Git remote: https://, http://, ssh://, git://, file://, user@host:path or an absolute path."),
    branch: checked(revisionProblem).default("main").describe("Branch whose newest commit goes into freight."),
    includePaths: z
      .array(pathPatternSchema)
      .optional()
      .describe('Only commits that change a file matching one of these globs count, e.g. ["apps/shop/**"].'),
    excludePaths: z
      .array(pathPatternSchema)
      .optional()
      .describe("Commits that change only files matching these globs are ignored."),
  })
  .describe("Commits of a branch of a Git repository.");

/** The kinds of subscription; a subscription sets exactly one of them. */
export const SUBSCRIPTION_KINDS = ["artifact", "image", "git"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One subscription of a Warehouse: exactly one of `artifact`, `image` or `git`. */
export const subscriptionSchema = z
  .strictObject({
    artifact: artifactSubscriptionSchema.optional(),
    image: imageSubscriptionSchema.optional(),
    git: gitSubscriptionSchema.optional(),
  })
  .superRefine(
    (subscription, ctx) => {
      if (!isRecord(subscription)) return;
      const set = SUBSCRIPTION_KINDS.filter((kind) => subscription[kind] !== undefined);
      if (set.length === 0) ctx.addIssue({ code: "custom", message: "must set one of artifact, image or git" });
      for (const extra of set.slice(1)) {
        ctx.addIssue({ code: "custom", path: [extra], message: `must not be set together with ${set[0]}: one source per subscription` });
      }
    },
    { when: () => true },
  )
  .describe("A source of new versions: an artifact, an image or a Git branch.");

/** A subscription, defaults applied (registry strategies resolved). */
export type Subscription = z.infer<typeof subscriptionSchema>;

/** An artifact or image subscription, defaults applied. */
export type RegistrySubscription = z.infer<typeof artifactSubscriptionSchema>;

/** A Git subscription, defaults applied. */
export type GitSubscription = z.infer<typeof gitSubscriptionSchema>;

/** The strategy of a registry subscription. */
export type SelectionStrategy = (typeof SELECTION_STRATEGIES)[number];
