import { postStatus, statusPath } from "../post-status.js";
import type { CommitStatusReporter } from "../types.js";

/** GitHub refuses descriptions longer than this. */
const MAX_DESCRIPTION = 140;

/** GitHub's "Create a commit status": POST {apiUrl}/repos/{owner}/{repo}/statuses/{sha}, bearer token. */
export const githubReporter: CommitStatusReporter = {
  id: "github",
  async report(target, status) {
    const chars = [...status.description];
    const description = chars.length > MAX_DESCRIPTION ? `${chars.slice(0, MAX_DESCRIPTION - 1).join("")}…` : status.description;
    await postStatus("github", {
      url: `${target.apiUrl.replace(/\/+$/, "")}${statusPath(target.owner, target.repo, target.sha)}`,
      token: target.token,
      headers: {
        Accept: "application/vnd.github+json",
        Authorization: `Bearer ${target.token}`,
        "X-GitHub-Api-Version": "2022-11-28",
      },
      body: {
        state: status.state,
        ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
        description,
        context: status.context,
      },
    });
  },
};
