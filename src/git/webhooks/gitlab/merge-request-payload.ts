import { githubRepository, githubSender } from "./project-payload.js";
import type { GitlabMergeRequestPayload } from "./schema.js";

/** GitLab merge request actions in GitHub's pull_request vocabulary; `merge` is `closed` with `merged: true`. */
const ACTIONS: Readonly<Record<string, string>> = {
  open: "opened",
  reopen: "reopened",
  close: "closed",
  merge: "closed",
};

/**
 * The GitHub pull_request action for a GitLab merge request action. `update` is `synchronize` when the
 * source branch moved (GitLab then sends `oldrev`) and `edited` otherwise (title, labels, assignees...), so
 * workflows on the default `opened, synchronize, reopened` types do not rerun on every label change.
 * Actions GitHub has no name for (`approved`, `unapproved`, ...) are passed through.
 */
export function githubPullRequestAction(action: string, oldrev: string | null | undefined): string {
  if (action === "update") return oldrev == null || oldrev === "" ? "edited" : "synchronize";
  return ACTIONS[action] ?? action;
}

/** A GitLab `Merge Request Hook` body as a GitHub `pull_request` payload; `number` is the merge request's `iid`. */
export function githubPullRequestPayload(hook: GitlabMergeRequestPayload): Record<string, unknown> {
  const mr = hook.object_attributes;
  const action = githubPullRequestAction(mr.action, mr.oldrev);
  const merged = mr.action === "merge" || mr.state === "merged";
  const repository = githubRepository(hook.project);
  const synchronize = action === "synchronize" ? { before: mr.oldrev, after: mr.last_commit.id } : {};
  return {
    action,
    number: mr.iid,
    ...synchronize,
    pull_request: {
      id: mr.id ?? null,
      number: mr.iid,
      title: mr.title,
      body: mr.description ?? null,
      state: mr.state === "opened" ? "open" : "closed",
      draft: mr.draft ?? mr.work_in_progress ?? false,
      merged,
      merge_commit_sha: mr.merge_commit_sha ?? null,
      html_url: mr.url ?? null,
      labels: (hook.labels ?? []).map((label) => ({ name: label.title })),
      head: {
        ref: mr.source_branch,
        sha: mr.last_commit.id,
        repo: mr.source == null ? null : githubRepository(mr.source),
      },
      base: {
        ref: mr.target_branch,
        repo: mr.target == null ? repository : githubRepository(mr.target),
      },
    },
    repository,
    sender: hook.user == null ? null : githubSender(hook.user),
  };
}
