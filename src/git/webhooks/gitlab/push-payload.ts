import { isZeroSha } from "../is-zero-sha.js";
import { githubRepository, githubSender } from "./project-payload.js";
import type { GitlabCommit, GitlabPushPayload } from "./schema.js";

/**
 * A GitLab `Push Hook`/`Tag Push Hook` body as a GitHub `push` payload. `after` is `checkout_sha` when
 * GitLab sends one, so an annotated tag's `after` is the commit it tags, as the runner checks it out.
 */
export function githubPushPayload(push: GitlabPushPayload): Record<string, unknown> {
  const after = push.checkout_sha ?? push.after;
  const commits = (push.commits ?? []).map(githubCommit);
  const webUrl = push.project.web_url;
  const login = push.user_username ?? push.user_name ?? null;
  return {
    ref: push.ref,
    before: push.before,
    after,
    created: isZeroSha(push.before),
    deleted: isZeroSha(push.after),
    forced: false,
    base_ref: null,
    compare: webUrl == null ? null : `${webUrl}/-/compare/${push.before}...${after}`,
    commits,
    head_commit: commits.find((commit) => commit["id"] === after) ?? null,
    repository: githubRepository(push.project),
    pusher: { name: login, email: push.user_email ?? null },
    sender: githubSender({
      id: push.user_id,
      name: push.user_name,
      username: login,
      avatar_url: push.user_avatar,
    }),
  };
}

function githubCommit(commit: GitlabCommit): Record<string, unknown> {
  return {
    id: commit.id,
    message: commit.message ?? commit.title ?? "",
    timestamp: commit.timestamp ?? null,
    url: commit.url ?? null,
    author: { name: commit.author?.name ?? null, email: commit.author?.email ?? null },
    added: commit.added ?? [],
    modified: commit.modified ?? [],
    removed: commit.removed ?? [],
  };
}
