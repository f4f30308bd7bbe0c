// Deliveries as GitLab sends them (field names from its webhook events docs; values made up).

const project = {
  id: 15,
  name: "Diaspora",
  description: "",
  web_url: "https://gitlab.example.com/mike/diaspora",
  avatar_url: null,
  git_ssh_url: "git@gitlab.example.com:mike/diaspora.git",
  git_http_url: "https://gitlab.example.com/mike/diaspora.git",
  namespace: "Mike",
  visibility_level: 0,
  path_with_namespace: "mike/diaspora",
  default_branch: "main",
  homepage: "https://gitlab.example.com/mike/diaspora",
  url: "git@gitlab.example.com:mike/diaspora.git",
  ssh_url: "git@gitlab.example.com:mike/diaspora.git",
  http_url: "https://gitlab.example.com/mike/diaspora.git",
};
const repository = {
  name: "Diaspora",
  url: "git@gitlab.example.com:mike/diaspora.git",
  description: "",
  homepage: "https://gitlab.example.com/mike/diaspora",
  git_http_url: "https://gitlab.example.com/mike/diaspora.git",
  git_ssh_url: "git@gitlab.example.com:mike/diaspora.git",
  visibility_level: 0,
};
const user = {
  user_id: 4,
  user_name: "John Smith",
  user_username: "jsmith",
  user_email: "john@example.com",
  user_avatar: "https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=8",
};

export const pushPayload = {
  object_kind: "push",
  event_name: "push",
  before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
  after: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
  ref: "refs/heads/main",
  ref_protected: true,
  checkout_sha: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
  message: null,
  ...user,
  project_id: 15,
  project,
  commits: [
    {
      id: "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
      message: "Update Catalan translation to e38cb41.\n\nSee https://gitlab.com/gitlab-org/gitlab for more information",
      title: "Update Catalan translation to e38cb41.",
      timestamp: "2024-02-03T23:36:29+02:00",
      url: "https://gitlab.example.com/mike/diaspora/-/commit/b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
      author: { name: "Jordi Mallach", email: "jordi@softcatala.org" },
      added: ["CHANGELOG"],
      modified: ["app/controller/application.rb"],
      removed: [],
    },
    {
      id: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      message: "fixed readme",
      title: "fixed readme",
      timestamp: "2024-02-04T10:12:02+02:00",
      url: "https://gitlab.example.com/mike/diaspora/-/commit/da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      author: { name: "GitLab dev user", email: "gitlabdev@dv6700.(none)" },
      added: [],
      modified: ["README.md"],
      removed: ["docs/old.md"],
    },
  ],
  total_commits_count: 2,
  push_options: {},
  repository,
};

/** An annotated tag: `after` is the tag object, `checkout_sha` the commit it tags. */
export const tagPushPayload = {
  object_kind: "tag_push",
  event_name: "tag_push",
  before: "0000000000000000000000000000000000000000",
  after: "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7",
  ref: "refs/tags/v1.0.0",
  ref_protected: true,
  checkout_sha: "82b3d5ae55f7080f1e6022629cdb57bfae7cccc8",
  message: "Tag message",
  ...user,
  project_id: 1,
  project,
  commits: [],
  total_commits_count: 0,
  push_options: {},
  repository,
};

const side = {
  name: "Diaspora",
  description: "",
  web_url: "https://gitlab.example.com/mike/diaspora",
  avatar_url: null,
  git_ssh_url: "git@gitlab.example.com:mike/diaspora.git",
  git_http_url: "https://gitlab.example.com/mike/diaspora.git",
  namespace: "Mike",
  visibility_level: 0,
  path_with_namespace: "mike/diaspora",
  default_branch: "main",
};

/** A merge request hook with `action` (and, for a push to the source branch, `oldrev`) as given. */
export function mergeRequestPayload(action: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object_kind: "merge_request",
    event_type: "merge_request",
    user: {
      id: 1,
      name: "Administrator",
      username: "root",
      avatar_url: "https://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=80&d=identicon",
      email: "admin@example.com",
    },
    project,
    object_attributes: {
      id: 99,
      iid: 1,
      target_branch: "main",
      source_branch: "ms-viewport",
      source_project_id: 15,
      author_id: 51,
      title: "MS-Viewport",
      description: "Adds a viewport meta tag.",
      created_at: "2024-03-01T14:02:05Z",
      updated_at: "2024-03-01T14:04:22Z",
      state: action === "merge" ? "merged" : action === "close" ? "closed" : "opened",
      merge_status: "can_be_merged",
      target_project_id: 15,
      url: "https://gitlab.example.com/mike/diaspora/-/merge_requests/1",
      source: side,
      target: side,
      last_commit: {
        id: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
        message: "fixed readme",
        title: "fixed readme",
        timestamp: "2024-02-04T10:12:02+02:00",
        url: "https://gitlab.example.com/mike/diaspora/-/commit/da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
        author: { name: "GitLab dev user", email: "gitlabdev@dv6700.(none)" },
      },
      work_in_progress: false,
      draft: false,
      merge_commit_sha: action === "merge" ? "a8b2c3d4e5f60718293a4b5c6d7e8f9012345678" : null,
      action,
      ...extra,
    },
    labels: [{ id: 206, title: "API", color: "#ffffff", project_id: 14, type: "ProjectLabel", group_id: 41 }],
    changes: {},
    repository,
  };
}

/** A delivery of `payload` as GitLab posts it, with `secret` as its token. */
export function delivery(event: string, payload: unknown, secret: string): { headers: Record<string, string>; body: Buffer } {
  return {
    body: Buffer.from(JSON.stringify(payload)),
    headers: {
      "content-type": "application/json",
      "user-agent": "GitLab/17.5.0",
      "x-gitlab-event": event,
      "x-gitlab-token": secret,
      "x-gitlab-instance": "https://gitlab.example.com",
      "x-gitlab-webhook-uuid": "2b4d1f0e-9a6c-4e3b-8d27-5f1c0a9e7b31",
      "x-gitlab-event-uuid": "4c4e1bd8-1f7a-4a2e-9d7c-2b6c1f0e9a11",
      "idempotency-key": "908a6d9e-45fd-46c8-97e6-c4f350f219dd",
    },
  };
}
