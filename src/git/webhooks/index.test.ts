import { describe, expect, it } from "vitest";
import * as gitea from "./gitea/payloads.testing.js";
import * as github from "./github/payloads.testing.js";
import * as gitlab from "./gitlab/payloads.testing.js";
import { detectProvider, githubProvider, webhookProviders } from "./index.js";

describe("webhookProviders", () => {
  it("holds each provider under its id", () => {
    expect([...webhookProviders.keys()].sort()).toEqual(["gitea", "github", "gitlab"]);
    for (const [id, provider] of webhookProviders) expect(provider.id).toBe(id);
  });
});

describe("detectProvider", () => {
  const giteaHeaders = gitea.delivery("push", gitea.pushPayload, "k").headers;

  it.each([
    ["a GitHub delivery", github.delivery("push", github.pushPayload, "k").headers, "github"],
    ["a Gitea delivery (which also carries X-GitHub-Event)", giteaHeaders, "gitea"],
    ["a Forgejo delivery", { "x-forgejo-event": "push", "x-github-event": "push" }, "gitea"],
    ["a Gitea delivery with only its signature header", { "x-gitea-signature": "ab", "x-github-event": "push" }, "gitea"],
    ["a GitLab delivery", gitlab.delivery("Push Hook", gitlab.pushPayload, "k").headers, "gitlab"],
    ["a GitHub ping", { "x-github-event": "ping", "x-github-delivery": "d" }, "github"],
  ])("picks %s", (_name, headers, expected) => {
    expect(detectProvider(headers)?.id).toBe(expected);
  });

  it.each([
    ["no forge headers", { "content-type": "application/json" }],
    ["an empty event header", { "x-github-event": "" }],
    ["no headers at all", {}],
  ])("picks nothing for %s", (_name, headers) => {
    expect(detectProvider(headers)).toBeUndefined();
  });

  it("asks Gitea before GitHub, whose detector alone would claim Gitea's deliveries", () => {
    expect(githubProvider.detect(giteaHeaders)).toBe(true);
    expect(detectProvider(giteaHeaders)?.id).toBe("gitea");
  });
});
