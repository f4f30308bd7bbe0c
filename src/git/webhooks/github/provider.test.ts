import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { delivery, pullRequestPayload, pushPayload, tagPushPayload } from "./payloads.testing.js";
import { githubProvider } from "./provider.js";

const sign = (secret: string, body: Buffer): string => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("githubProvider.verify", () => {
  it("accepts GitHub's documented example", () => {
    // docs.github.com, "Validating webhook deliveries" > "Testing the webhook payload validation".
    const headers = { "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" };
    expect(githubProvider.verify(headers, Buffer.from("Hello, World!"), "It's a Secret to Everybody")).toBe(true);
    expect(githubProvider.verify(headers, Buffer.from("Hello, World?"), "It's a Secret to Everybody")).toBe(false);
    expect(githubProvider.verify(headers, Buffer.from("Hello, World!"), "It's a Secret to Everyone")).toBe(false);
  });

  it.each([
    ["an ASCII body", "k", Buffer.from('{"zen":"Keep it logically awesome."}')],
    ["an empty body", "secret", Buffer.alloc(0)],
    ["a UTF-8 body", "ключ", Buffer.from('{"message":"Grüße, 世界 🚀"}')],
    ["bytes that are not UTF-8", "secret", Buffer.from([0xff, 0xfe, 0x00, 0x80])],
    ["a long secret", "x".repeat(200), Buffer.from("payload=%7B%7D")],
  ])("accepts a signature of %s", (_name, secret, body) => {
    expect(githubProvider.verify({ "x-hub-signature-256": sign(secret, body) }, body, secret)).toBe(true);
  });

  it.each([
    ["without the sha256= prefix", (s: string) => s.slice("sha256=".length)],
    ["with another algorithm's prefix", (s: string) => s.replace("sha256=", "sha1=")],
    ["with an upper-case prefix", (s: string) => s.replace("sha256=", "SHA256=")],
    ["with surrounding spaces", (s: string) => ` ${s} `],
    ["truncated to half", (s: string) => s.slice(0, 39)],
  ])("rejects a signature %s", (_name, change) => {
    const body = Buffer.from("{}");
    expect(githubProvider.verify({ "x-hub-signature-256": change(sign("k", body)) }, body, "k")).toBe(false);
  });

  it("ignores the legacy SHA-1 header", () => {
    const body = Buffer.from("{}");
    const sha1 = `sha1=${createHmac("sha1", "k").update(body).digest("hex")}`;
    expect(githubProvider.verify({ "x-hub-signature": sha1 }, body, "k")).toBe(false);
  });

  it("accepts upper-case hex digits", () => {
    const body = Buffer.from("{}");
    const upper = `sha256=${createHmac("sha256", "k").update(body).digest("hex").toUpperCase()}`;
    expect(githubProvider.verify({ "x-hub-signature-256": upper }, body, "k")).toBe(true);
  });
});

describe("githubProvider.normalize", () => {
  it("passes a branch push through", () => {
    const { headers, body } = delivery("push", pushPayload, "k");
    expect(githubProvider.normalize(headers, body)).toEqual({
      ok: true,
      event: {
        kind: "push",
        ref: "refs/heads/main",
        before: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        after: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        deleted: false,
        created: false,
        repositoryUrl: "https://github.com/octo-org/hello-world.git",
        pusher: "octocat",
        payload: pushPayload,
      },
    });
  });

  it("reads a tag push as a push of refs/tags", () => {
    const { headers, body } = delivery("push", tagPushPayload, "k");
    const result = githubProvider.normalize(headers, body);
    expect(result).toMatchObject({ ok: true, event: { kind: "push", ref: "refs/tags/v1.2.0", created: true, deleted: false } });
  });

  it("reads a branch deletion", () => {
    const zero = "0000000000000000000000000000000000000000";
    const { created: _c, deleted: _d, ...withoutFlags } = pushPayload;
    const { headers, body } = delivery("push", { ...withoutFlags, after: zero, head_commit: null, commits: [] }, "k");
    expect(githubProvider.normalize(headers, body)).toMatchObject({
      ok: true,
      event: { kind: "push", after: zero, deleted: true, created: false },
    });
  });

  it("passes a pull request through", () => {
    const { headers, body } = delivery("pull_request", pullRequestPayload, "k");
    expect(githubProvider.normalize(headers, body)).toEqual({
      ok: true,
      event: {
        kind: "pull_request",
        action: "opened",
        number: 42,
        title: "Add a greeting",
        headRef: "greeting",
        headSha: "a5c3785ed8d6a35868bc169f07e40e889087fd2e",
        baseRef: "main",
        payload: pullRequestPayload,
      },
    });
  });

  it("reads a body posted as a form", () => {
    const form = new URLSearchParams({ payload: JSON.stringify(pushPayload) }).toString();
    const headers = { ...delivery("push", pushPayload, "k").headers, "content-type": "application/x-www-form-urlencoded" };
    expect(githubProvider.normalize(headers, Buffer.from(form))).toMatchObject({ ok: true, event: { kind: "push" } });
  });

  it.each([
    ["ping", { kind: "ping" }],
    ["create", { kind: "ignored", event: "create" }],
    ["delete", { kind: "ignored", event: "delete" }],
    ["workflow_run", { kind: "ignored", event: "workflow_run" }],
  ])("reads %s", (event, expected) => {
    const { headers, body } = delivery(event, { zen: "Design for failure.", hook_id: 292430182 }, "k");
    expect(githubProvider.normalize(headers, body)).toEqual({ ok: true, event: expected });
  });

  it("says which fields a pull request body lacks", () => {
    const { pull_request: pr, ...rest } = pullRequestPayload;
    const broken = { ...rest, number: "42", pull_request: { ...pr, head: { ref: "greeting" } } };
    const { headers, body } = delivery("pull_request", broken, "k");
    const result = githubProvider.normalize(headers, body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain("number");
      expect(result.error).toContain("pull_request.head.sha");
    }
  });
});

describe("githubProvider.detect and deliveryId", () => {
  it("reads X-GitHub-Event and X-GitHub-Delivery", () => {
    const { headers } = delivery("push", pushPayload, "k");
    expect(githubProvider.detect(headers)).toBe(true);
    expect(githubProvider.deliveryId(headers)).toBe("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    expect(githubProvider.detect({ "x-gitlab-event": "Push Hook" })).toBe(false);
  });
});
