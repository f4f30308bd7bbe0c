import { postStatus, statusPath } from "../post-status.js";
import type { CommitStatusReporter } from "../types.js";

/**
 * Gitea's (and Forgejo's) "Create a commit status": POST {apiUrl}/repos/{owner}/{repo}/statuses/{sha}, where
 * apiUrl ends in /api/v1, with `Authorization: token <token>`.
 */
export const giteaReporter: CommitStatusReporter = {
  id: "gitea",
  async report(target, status) {
    await postStatus("gitea", {
      url: `${target.apiUrl.replace(/\/+$/, "")}${statusPath(target.owner, target.repo, target.sha)}`,
      token: target.token,
      headers: { Accept: "application/json", Authorization: `token ${target.token}` },
      body: {
        state: status.state,
        ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
        description: status.description,
        context: status.context,
      },
    });
  },
};
