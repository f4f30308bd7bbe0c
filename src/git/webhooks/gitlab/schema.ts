import { z } from "zod";

/** A project as GitLab describes it in `project` and in a merge request's `source`/`target`. */
export const gitlabProjectSchema = z.looseObject({
  id: z.number().nullish(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  web_url: z.string().nullish(),
  git_http_url: z.string().nullish(),
  git_ssh_url: z.string().nullish(),
  namespace: z.string().nullish(),
  path_with_namespace: z.string().min(1),
  default_branch: z.string().nullish(),
  visibility_level: z.number().nullish(),
});
export type GitlabProject = z.infer<typeof gitlabProjectSchema>;

export const gitlabCommitSchema = z.looseObject({
  id: z.string().min(1),
  message: z.string().nullish(),
  title: z.string().nullish(),
  timestamp: z.string().nullish(),
  url: z.string().nullish(),
  author: z.looseObject({ name: z.string().nullish(), email: z.string().nullish() }).nullish(),
  added: z.array(z.string()).nullish(),
  modified: z.array(z.string()).nullish(),
  removed: z.array(z.string()).nullish(),
});
export type GitlabCommit = z.infer<typeof gitlabCommitSchema>;

/** `Push Hook` (`object_kind: push`) and `Tag Push Hook` (`object_kind: tag_push`) bodies. */
export const gitlabPushSchema = z.looseObject({
  object_kind: z.enum(["push", "tag_push"]),
  before: z.string().min(1),
  after: z.string().min(1),
  ref: z.string().min(1),
  /** The commit the ref points at after the push (for an annotated tag, the tagged commit); null when deleted. */
  checkout_sha: z.string().nullish(),
  user_id: z.number().nullish(),
  user_name: z.string().nullish(),
  user_username: z.string().nullish(),
  user_email: z.string().nullish(),
  user_avatar: z.string().nullish(),
  project: gitlabProjectSchema,
  commits: z.array(gitlabCommitSchema).nullish(),
});
export type GitlabPushPayload = z.infer<typeof gitlabPushSchema>;

export const gitlabUserSchema = z.looseObject({
  id: z.number().nullish(),
  name: z.string().nullish(),
  username: z.string().nullish(),
  avatar_url: z.string().nullish(),
  email: z.string().nullish(),
});
export type GitlabUser = z.infer<typeof gitlabUserSchema>;

/** `Merge Request Hook` bodies. */
export const gitlabMergeRequestSchema = z.looseObject({
  object_kind: z.literal("merge_request"),
  user: gitlabUserSchema.nullish(),
  project: gitlabProjectSchema,
  labels: z.array(z.looseObject({ title: z.string() })).nullish(),
  object_attributes: z.looseObject({
    id: z.number().nullish(),
    iid: z.number().int().positive(),
    title: z.string(),
    description: z.string().nullish(),
    state: z.string().nullish(),
    action: z.string().min(1),
    /** Present on `update` only when the source branch moved. */
    oldrev: z.string().nullish(),
    source_branch: z.string().min(1),
    target_branch: z.string().min(1),
    source: gitlabProjectSchema.nullish(),
    target: gitlabProjectSchema.nullish(),
    last_commit: z.looseObject({ id: z.string().min(1) }),
    merge_commit_sha: z.string().nullish(),
    url: z.string().nullish(),
    draft: z.boolean().nullish(),
    work_in_progress: z.boolean().nullish(),
  }),
});
export type GitlabMergeRequestPayload = z.infer<typeof gitlabMergeRequestSchema>;
