import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { delivery, pullRequestPayload, pushPayload, tagPushPayload } from "./payloads.testing.js";
import { giteaProvider } from "./provider.js";

const hex = (secret: string, body: Buffer): string => createHmac("sha256", secret).update(body).digest("hex");

/** Headers as Forgejo sends them: its own names plus Gitea's. */
function forgejoHeaders(event: string, body: Buffer, secret: string): Record<string, string> {
  const signature = hex(secret, body);
  return {
    "content-type": "application/json",
    "x-forgejo-event": event,
    "x-forgejo-delivery": "a1b2c3d4-0000-4000-8000-000000000001",
    "x-forgejo-signature": signature,
    "x-gitea-event": event,
    "x-gitea-delivery": "a1b2c3d4-0000-4000-8000-000000000001",
    "x-gitea-signature": signature,
    "x-github-event": event,
  };
}

describe("giteaProvider.verify", () => {
  it.each([
    ["X-Gitea-Signature", "x-gitea-signature"],
    ["X-Forgejo-Signature", "x-forgejo-signature"],
  ])("accepts the bare hex HMAC-SHA256 of the body in %s", (_name, header) => {
    const body = Buffer.from(JSON.stringify(pushPayload));
    expect(giteaProvider.verify({ [header]: hex("gitea-secret", body) }, body, "gitea-secret")).toBe(true);
    expect(giteaProvider.verify({ [header]: hex("gitea-secret", body) }, body, "other-secret")).toBe(false);
  });

  it("rejects a GitHub-style sha256= prefix in X-Gitea-Signature", () => {
    const body = Buffer.from("{}");
    expect(giteaProvider.verify({ "x-gitea-signature": `sha256=${hex("k", body)}` }, body, "k")).toBe(false);
  });

  it("checks Forgejo's signature when there is one, and does not fall back to Gitea's", () => {
    const body = Buffer.from("{}");
    const good = hex("k", body);
    const bad = hex("not-k", body);
    expect(giteaProvider.verify({ "x-forgejo-signature": good, "x-gitea-signature": bad }, body, "k")).toBe(true);
    expect(giteaProvider.verify({ "x-forgejo-signature": bad, "x-gitea-signature": good }, body, "k")).toBe(false);
  });
});

describe("giteaProvider.normalize", () => {
  it("fills in the GitHub push fields this Gitea left out", () => {
    const { headers, body } = delivery("push", pushPayload, "k");
    const result = giteaProvider.normalize(headers, body);
    if (!result.ok || result.event.kind !== "push") throw new Error(JSON.stringify(result));
    expect(result.event).toMatchObject({
      ref: "refs/heads/develop",
      before: "28e1879d029cb852e4844d9c718537df08844e03",
      after: "bffeb74224043ba2feb48d137756c8a9331c449a",
      created: false,
      deleted: false,
      repositoryUrl: "http://localhost:3000/gitea/webhooks.git",
      pusher: "gitea",
    });
    expect(result.event.payload).toMatchObject({
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: pushPayload.compare_url,
      compare_url: pushPayload.compare_url,
      total_commits: 1,
      head_commit: pushPayload.commits[0],
      commits: pushPayload.commits,
      repository: { full_name: "gitea/webhooks" },
      pusher: { name: "gitea", login: "gitea", email: "someone@gitea.io" },
      sender: { login: "gitea" },
    });
  });

  it("drops the secret old Gitea versions put in the body", () => {
    const { headers, body } = delivery("push", { secret: "3gEsCfjlV2ugRwgpU#w1*WaW*wa4NXgGmpCfkbG3", ...pushPayload }, "k");
    const result = giteaProvider.normalize(headers, body);
    expect(result.ok && result.event.kind === "push" && "secret" in result.event.payload).toBe(false);
  });

  it("reads a tag push as a push of refs/tags", () => {
    const { headers, body } = delivery("push", tagPushPayload, "k");
    expect(giteaProvider.normalize(headers, body)).toMatchObject({
      ok: true,
      event: { kind: "push", ref: "refs/tags/v0.3.0", created: true, deleted: false, payload: { head_commit: tagPushPayload.head_commit } },
    });
  });

  it("requires repository.full_name", () => {
    const { headers, body } = delivery("push", { ...pushPayload, repository: { name: "webhooks" } }, "k");
    const result = giteaProvider.normalize(headers, body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain("repository.full_name");
  });

  it("reads a pull request", () => {
    const { headers, body } = delivery("pull_request", pullRequestPayload, "k");
    expect(giteaProvider.normalize(headers, body)).toMatchObject({
      ok: true,
      event: {
        kind: "pull_request",
        action: "synchronize",
        number: 7,
        title: "Teach the hooks to wave",
        headRef: "wave",
        headSha: "4e2c1d0b9a8f7e6d5c4b3a291807f6e5d4c3b2a1",
        baseRef: "main",
        payload: { action: "synchronize", number: 7, pull_request: { merge_base: pullRequestPayload.pull_request.merge_base } },
      },
    });
  });

  it.each([
    ["opened", "opened"],
    ["reopened", "reopened"],
    ["closed", "closed"],
    ["edited", "edited"],
    ["synchronized", "synchronize"],
    ["label_updated", "labeled"],
    ["label_cleared", "unlabeled"],
    ["review_requested", "review_requested"],
  ])("spells Gitea's %s action as GitHub's %s", (action, expected) => {
    const { headers, body } = delivery("pull_request", { ...pullRequestPayload, action }, "k");
    expect(giteaProvider.normalize(headers, body)).toMatchObject({ ok: true, event: { action: expected, payload: { action: expected } } });
  });

  it("reads a pull_request_sync event as a pull request", () => {
    const { headers, body } = delivery("pull_request_sync", pullRequestPayload, "k");
    expect(giteaProvider.normalize(headers, body)).toMatchObject({ ok: true, event: { kind: "pull_request", action: "synchronize" } });
  });

  it.each(["create", "delete", "release", "issues"])("ignores %s", (event) => {
    const { headers, body } = delivery(event, { ref: "v0.3.0", ref_type: "tag" }, "k");
    expect(giteaProvider.normalize(headers, body)).toEqual({ ok: true, event: { kind: "ignored", event } });
  });
});

describe("giteaProvider with Forgejo headers", () => {
  it("detects, verifies, names the delivery and reads the event", () => {
    const body = Buffer.from(JSON.stringify(pushPayload));
    const headers = forgejoHeaders("push", body, "forgejo-secret");
    expect(giteaProvider.detect(headers)).toBe(true);
    expect(giteaProvider.verify(headers, body, "forgejo-secret")).toBe(true);
    expect(giteaProvider.deliveryId(headers)).toBe("a1b2c3d4-0000-4000-8000-000000000001");
    expect(giteaProvider.normalize(headers, body)).toMatchObject({ ok: true, event: { kind: "push", ref: "refs/heads/develop" } });
  });

  it("detects a delivery that carries only Forgejo's headers", () => {
    expect(giteaProvider.detect({ "x-forgejo-event": "push" })).toBe(true);
    expect(giteaProvider.deliveryId({ "x-forgejo-delivery": "d-1" })).toBe("d-1");
  });
});
