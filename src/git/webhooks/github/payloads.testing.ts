import { createHmac } from "node:crypto";

// Deliveries as GitHub sends them, trimmed to the fields a workflow commonly reads.

const repository = {
  id: 1296269,
  name: "hello-world",
  full_name: "octo-org/hello-world",
  private: false,
  owner: { login: "octo-org", id: 9919, type: "Organization" },
  html_url: "https://github.com/octo-org/hello-world",
  clone_url: "https://github.com/octo-org/hello-world.git",
  ssh_url: "git@github.com:octo-org/hello-world.git",
  default_branch: "main",
};
const sender = { login: "octocat", id: 583231, type: "User" };
const headCommit = {
  id: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
  tree_id: "f9d2a07e9488b91af2641b26b9407fe22a451433",
  distinct: true,
  message: "Update README.md",
  timestamp: "2024-05-02T10:15:30+02:00",
  url: "https://github.com/octo-org/hello-world/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
  author: { name: "The Octocat", email: "octocat@github.com", username: "octocat" },
  committer: { name: "GitHub", email: "noreply@github.com", username: "web-flow" },
  added: [],
  removed: [],
  modified: ["README.md"],
};

export const pushPayload = {
  ref: "refs/heads/main",
  before: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
  after: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
  repository,
  pusher: { name: "octocat", email: "octocat@github.com" },
  sender,
  created: false,
  deleted: false,
  forced: false,
  base_ref: null,
  compare: "https://github.com/octo-org/hello-world/compare/6113728f27ae...0d1a26e67d8f",
  commits: [headCommit],
  head_commit: headCommit,
};

export const tagPushPayload = {
  ...pushPayload,
  ref: "refs/tags/v1.2.0",
  before: "0000000000000000000000000000000000000000",
  created: true,
  base_ref: "refs/heads/main",
  compare: "https://github.com/octo-org/hello-world/compare/v1.2.0",
  commits: [],
};

export const pullRequestPayload = {
  action: "opened",
  number: 42,
  pull_request: {
    id: 1785942063,
    number: 42,
    state: "open",
    title: "Add a greeting",
    body: "Says hello.",
    draft: false,
    merged: false,
    html_url: "https://github.com/octo-org/hello-world/pull/42",
    user: sender,
    head: {
      label: "octocat:greeting",
      ref: "greeting",
      sha: "a5c3785ed8d6a35868bc169f07e40e889087fd2e",
      repo: repository,
    },
    base: {
      label: "octo-org:main",
      ref: "main",
      sha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
      repo: repository,
    },
  },
  repository,
  sender,
};

/** A delivery of `payload` as GitHub posts it, signed with `secret`. */
export function delivery(event: string, payload: unknown, secret: string): { headers: Record<string, string>; body: Buffer } {
  const body = Buffer.from(JSON.stringify(payload));
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/9b97f8a",
      "x-github-event": event,
      "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      "x-github-hook-id": "292430182",
      "x-hub-signature-256": `sha256=${signature}`,
    },
  };
}
