import { z } from "zod";
import { isZeroSha } from "./is-zero-sha.js";
import type { NormalizedEvent } from "./types.js";

/**
 * The parts of a GitHub `push` payload Ferry reads. Every provider's push payload, as handed to workflows,
 * passes this schema; fields not named here are kept as they are.
 */
export const githubPushSchema = z.looseObject({
  ref: z.string().min(1),
  before: z.string().min(1),
  after: z.string().min(1),
  created: z.boolean().nullish(),
  deleted: z.boolean().nullish(),
  repository: z.looseObject({ clone_url: z.string().nullish(), html_url: z.string().nullish() }).nullish(),
  pusher: z.looseObject({ name: z.string().nullish() }).nullish(),
});
export type GithubPushPayload = z.infer<typeof githubPushSchema>;

/** The parts of a GitHub `pull_request` payload Ferry reads; fields not named here are kept as they are. */
export const githubPullRequestSchema = z.looseObject({
  action: z.string().min(1),
  number: z.number().int().positive(),
  pull_request: z.looseObject({
    title: z.string(),
    head: z.looseObject({ ref: z.string().min(1), sha: z.string().min(1) }),
    base: z.looseObject({ ref: z.string().min(1) }),
  }),
});
export type GithubPullRequestPayload = z.infer<typeof githubPullRequestSchema>;

export type PushEvent = Extract<NormalizedEvent, { kind: "push" }>;
export type PullRequestEvent = Extract<NormalizedEvent, { kind: "pull_request" }>;

/** The normalized event of a GitHub-shaped push payload. */
export function pushEventFrom(payload: GithubPushPayload): PushEvent {
  const repositoryUrl = payload.repository?.clone_url ?? payload.repository?.html_url;
  const pusher = payload.pusher?.name;
  return {
    kind: "push",
    ref: payload.ref,
    before: payload.before,
    after: payload.after,
    deleted: payload.deleted ?? isZeroSha(payload.after),
    created: payload.created ?? isZeroSha(payload.before),
    ...(typeof repositoryUrl === "string" && repositoryUrl !== "" ? { repositoryUrl } : {}),
    ...(typeof pusher === "string" && pusher !== "" ? { pusher } : {}),
    payload,
  };
}

/** The normalized event of a GitHub-shaped pull_request payload. */
export function pullRequestEventFrom(payload: GithubPullRequestPayload): PullRequestEvent {
  const pr = payload.pull_request;
  return {
    kind: "pull_request",
    action: payload.action,
    number: payload.number,
    title: pr.title,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    payload,
  };
}
