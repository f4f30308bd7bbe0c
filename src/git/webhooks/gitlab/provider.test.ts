import { describe, expect, it } from "vitest";
import { delivery, mergeRequestPayload, pushPayload, tagPushPayload } from "./payloads.testing.js";
import { gitlabProvider } from "./provider.js";

describe("gitlabProvider.verify", () => {
  it.each([
    ["the same token", "glwht-4f1c2d", "glwht-4f1c2d", true],
    ["a token of another length", "glwht-4f1c2", "glwht-4f1c2d", false],
    ["a token of the same length", "glwht-4f1c2e", "glwht-4f1c2d", false],
    ["a token that differs only in case", "GLWHT-4F1C2D", "glwht-4f1c2d", false],
    ["a token with a trailing newline", "glwht-4f1c2d\n", "glwht-4f1c2d", false],
  ])("with %s", (_name, token, secret, expected) => {
    expect(gitlabProvider.verify({ "x-gitlab-token": token }, Buffer.from("{}"), secret)).toBe(expected);
  });

  it("does not look at the body", () => {
    const { headers } = delivery("Push Hook", pushPayload, "t");
    expect(gitlabProvider.verify(headers, Buffer.from("anything"), "t")).toBe(true);
  });
});

describe("gitlabProvider.deliveryId", () => {
  it("prefers Idempotency-Key, which stays the same on retries", () => {
    expect(gitlabProvider.deliveryId(delivery("Push Hook", pushPayload, "t").headers)).toBe(
      "908a6d9e-45fd-46c8-97e6-c4f350f219dd",
    );
  });

  it("falls back to X-Gitlab-Event-UUID on GitLab versions without it", () => {
    const { "idempotency-key": _key, ...headers } = delivery("Push Hook", pushPayload, "t").headers;
    expect(gitlabProvider.deliveryId(headers)).toBe("4c4e1bd8-1f7a-4a2e-9d7c-2b6c1f0e9a11");
  });
});

describe("gitlabProvider.normalize: pushes", () => {
  it("maps a Push Hook to a GitHub push payload", () => {
    const { headers, body } = delivery("Push Hook", pushPayload, "t");
    const result = gitlabProvider.normalize(headers, body);
    if (!result.ok || result.event.kind !== "push") throw new Error(JSON.stringify(result));
    const { payload, ...event } = result.event;
    expect(event).toEqual({
      kind: "push",
      ref: "refs/heads/main",
      before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
      after: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      created: false,
      deleted: false,
      repositoryUrl: "https://gitlab.example.com/mike/diaspora.git",
      pusher: "jsmith",
    });
    const second = {
      id: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      message: "fixed readme",
      timestamp: "2024-02-04T10:12:02+02:00",
      url: "https://gitlab.example.com/mike/diaspora/-/commit/da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      author: { name: "GitLab dev user", email: "gitlabdev@dv6700.(none)" },
      added: [],
      modified: ["README.md"],
      removed: ["docs/old.md"],
    };
    expect(payload).toEqual({
      ref: "refs/heads/main",
      before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
      after: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare:
        "https://gitlab.example.com/mike/diaspora/-/compare/95790bf891e76fee5e1747ab589903a6a1f80f22...da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      commits: [expect.objectContaining({ id: "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327", added: ["CHANGELOG"] }), second],
      head_commit: second,
      repository: {
        id: 15,
        name: "Diaspora",
        full_name: "mike/diaspora",
        owner: { login: "mike", name: "Mike" },
        description: "",
        private: true,
        visibility: "private",
        html_url: "https://gitlab.example.com/mike/diaspora",
        clone_url: "https://gitlab.example.com/mike/diaspora.git",
        ssh_url: "git@gitlab.example.com:mike/diaspora.git",
        default_branch: "main",
      },
      pusher: { name: "jsmith", email: "john@example.com" },
      sender: {
        login: "jsmith",
        id: 4,
        name: "John Smith",
        avatar_url: "https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=8",
        type: "User",
      },
    });
  });

  it("maps a Tag Push Hook to a push of refs/tags at the tagged commit", () => {
    const { headers, body } = delivery("Tag Push Hook", tagPushPayload, "t");
    expect(gitlabProvider.normalize(headers, body)).toMatchObject({
      ok: true,
      event: {
        kind: "push",
        ref: "refs/tags/v1.0.0",
        before: "0000000000000000000000000000000000000000",
        after: "82b3d5ae55f7080f1e6022629cdb57bfae7cccc8",
        created: true,
        deleted: false,
        payload: { ref: "refs/tags/v1.0.0", after: "82b3d5ae55f7080f1e6022629cdb57bfae7cccc8", commits: [], head_commit: null },
      },
    });
  });

  it("maps a branch deletion", () => {
    const zero = "0000000000000000000000000000000000000000";
    const { headers, body } = delivery("Push Hook", { ...pushPayload, after: zero, checkout_sha: null, commits: [] }, "t");
    expect(gitlabProvider.normalize(headers, body)).toMatchObject({
      ok: true,
      event: { kind: "push", after: zero, deleted: true, created: false },
    });
  });

  it.each([
    ["a Push Hook with a tag_push body", "Push Hook", tagPushPayload, "object_kind"],
    ["a Tag Push Hook with a push body", "Tag Push Hook", pushPayload, "object_kind"],
    ["a Merge Request Hook with a push body", "Merge Request Hook", pushPayload, "object_kind"],
    ["a push without its project", "Push Hook", { ...pushPayload, project: undefined }, "project"],
    ["a push with a numeric ref", "Push Hook", { ...pushPayload, ref: 7 }, "ref"],
  ])("refuses %s", (_name, event, payload, mentioned) => {
    const { headers, body } = delivery(event, payload, "t");
    const result = gitlabProvider.normalize(headers, body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(mentioned);
  });

  it.each(["Issue Hook", "Pipeline Hook", "Note Hook", "System Hook"])("ignores %s", (event) => {
    const { headers, body } = delivery(event, { object_kind: "issue" }, "t");
    expect(gitlabProvider.normalize(headers, body)).toEqual({ ok: true, event: { kind: "ignored", event } });
  });
});

describe("gitlabProvider.normalize: merge requests", () => {
  it("maps a Merge Request Hook to a GitHub pull_request payload", () => {
    const { headers, body } = delivery("Merge Request Hook", mergeRequestPayload("open"), "t");
    const result = gitlabProvider.normalize(headers, body);
    if (!result.ok || result.event.kind !== "pull_request") throw new Error(JSON.stringify(result));
    const { payload, ...event } = result.event;
    expect(event).toEqual({
      kind: "pull_request",
      action: "opened",
      number: 1,
      title: "MS-Viewport",
      headRef: "ms-viewport",
      headSha: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      baseRef: "main",
    });
    expect(payload).toMatchObject({
      action: "opened",
      number: 1,
      pull_request: {
        id: 99,
        number: 1,
        title: "MS-Viewport",
        body: "Adds a viewport meta tag.",
        state: "open",
        draft: false,
        merged: false,
        html_url: "https://gitlab.example.com/mike/diaspora/-/merge_requests/1",
        labels: [{ name: "API" }],
        head: { ref: "ms-viewport", sha: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", repo: { full_name: "mike/diaspora" } },
        base: { ref: "main", repo: { full_name: "mike/diaspora" } },
      },
      repository: { full_name: "mike/diaspora" },
      sender: { login: "root", id: 1 },
    });
  });

  it.each([
    ["open", {}, "opened", false],
    ["reopen", {}, "reopened", false],
    ["close", {}, "closed", false],
    ["merge", {}, "closed", true],
    ["update", { oldrev: "95790bf891e76fee5e1747ab589903a6a1f80f22" }, "synchronize", false],
    ["update", {}, "edited", false],
    ["approved", {}, "approved", false],
  ])("maps action %s %j to %s (merged: %s)", (action, extra, expected, merged) => {
    const { headers, body } = delivery("Merge Request Hook", mergeRequestPayload(action, extra), "t");
    expect(gitlabProvider.normalize(headers, body)).toMatchObject({
      ok: true,
      event: { kind: "pull_request", action: expected, payload: { action: expected, pull_request: { merged } } },
    });
  });

  it("gives a push to the source branch GitHub's before and after", () => {
    const oldrev = "95790bf891e76fee5e1747ab589903a6a1f80f22";
    const { headers, body } = delivery("Merge Request Hook", mergeRequestPayload("update", { oldrev }), "t");
    expect(gitlabProvider.normalize(headers, body)).toMatchObject({
      ok: true,
      event: { payload: { before: oldrev, after: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7" } },
    });
  });

  it("records the merge commit of a merged request", () => {
    const { headers, body } = delivery("Merge Request Hook", mergeRequestPayload("merge"), "t");
    expect(gitlabProvider.normalize(headers, body)).toMatchObject({
      ok: true,
      event: {
        payload: { pull_request: { state: "closed", merged: true, merge_commit_sha: "a8b2c3d4e5f60718293a4b5c6d7e8f9012345678" } },
      },
    });
  });

  it("says what a merge request body lacks", () => {
    const { headers, body } = delivery("Merge Request Hook", mergeRequestPayload("open", { iid: "1", last_commit: null }), "t");
    const result = gitlabProvider.normalize(headers, body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain("object_attributes.iid");
      expect(result.error).toContain("object_attributes.last_commit");
    }
  });
});
