import { createHmac } from "node:crypto";

// Deliveries as Gitea sends them (field names from its webhook docs; values made up).

const owner = { id: 1, login: "gitea", full_name: "Gitea", email: "someone@gitea.io", username: "gitea" };
const repository = {
  id: 140,
  owner,
  name: "webhooks",
  full_name: "gitea/webhooks",
  description: "",
  private: false,
  fork: false,
  html_url: "http://localhost:3000/gitea/webhooks",
  ssh_url: "ssh://gitea@localhost:2222/gitea/webhooks.git",
  clone_url: "http://localhost:3000/gitea/webhooks.git",
  default_branch: "main",
};
const commit = {
  id: "bffeb74224043ba2feb48d137756c8a9331c449a",
  message: "Webhooks Yay!\n",
  url: "http://localhost:3000/gitea/webhooks/commit/bffeb74224043ba2feb48d137756c8a9331c449a",
  author: { name: "Gitea", email: "someone@gitea.io", username: "gitea" },
  committer: { name: "Gitea", email: "someone@gitea.io", username: "gitea" },
  verification: null,
  timestamp: "2024-03-13T13:52:11-04:00",
  added: [],
  removed: [],
  modified: ["README.md"],
};

/** A push from a Gitea that sends neither `head_commit` nor `created`/`deleted`. */
export const pushPayload = {
  ref: "refs/heads/develop",
  before: "28e1879d029cb852e4844d9c718537df08844e03",
  after: "bffeb74224043ba2feb48d137756c8a9331c449a",
  compare_url:
    "http://localhost:3000/gitea/webhooks/compare/28e1879d029cb852e4844d9c718537df08844e03...bffeb74224043ba2feb48d137756c8a9331c449a",
  commits: [commit],
  total_commits: 1,
  repository,
  pusher: owner,
  sender: owner,
};

export const tagPushPayload = {
  ref: "refs/tags/v0.3.0",
  before: "0000000000000000000000000000000000000000",
  after: "bffeb74224043ba2feb48d137756c8a9331c449a",
  compare_url: "",
  commits: [],
  total_commits: 0,
  head_commit: commit,
  repository,
  pusher: owner,
  sender: owner,
};

export const pullRequestPayload = {
  action: "synchronized",
  number: 7,
  pull_request: {
    id: 310,
    number: 7,
    user: owner,
    title: "Teach the hooks to wave",
    body: "",
    state: "open",
    merged: false,
    html_url: "http://localhost:3000/gitea/webhooks/pulls/7",
    head: {
      label: "wave",
      ref: "wave",
      sha: "4e2c1d0b9a8f7e6d5c4b3a291807f6e5d4c3b2a1",
      repo_id: 140,
      repo: repository,
    },
    base: {
      label: "main",
      ref: "main",
      sha: "bffeb74224043ba2feb48d137756c8a9331c449a",
      repo_id: 140,
      repo: repository,
    },
    merge_base: "bffeb74224043ba2feb48d137756c8a9331c449a",
  },
  repository,
  sender: owner,
  commit_id: "",
  review: null,
};

/** A delivery of `payload` as Gitea posts it (with its GitHub- and Gogs-compatible headers), signed with `secret`. */
export function delivery(event: string, payload: unknown, secret: string): { headers: Record<string, string>; body: Buffer } {
  const body = Buffer.from(JSON.stringify(payload));
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  const id = "f6266f16-1bf3-46a5-9ea4-602e06ead473";
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "Go-http-client/1.1",
      "x-github-delivery": id,
      "x-github-event": event,
      "x-gogs-delivery": id,
      "x-gogs-event": event,
      "x-gitea-delivery": id,
      "x-gitea-event": event,
      "x-gitea-event-type": event,
      "x-gitea-signature": signature,
      "x-gogs-signature": signature,
      "x-hub-signature-256": `sha256=${signature}`,
    },
  };
}
