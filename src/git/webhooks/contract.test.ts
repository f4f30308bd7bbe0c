import { describe, expect, it } from "vitest";
import { giteaProvider } from "./gitea/provider.js";
import * as gitea from "./gitea/payloads.testing.js";
import { githubProvider } from "./github/provider.js";
import * as github from "./github/payloads.testing.js";
import { gitlabProvider } from "./gitlab/provider.js";
import * as gitlab from "./gitlab/payloads.testing.js";
import type { WebhookProvider } from "./types.js";

// One suite, every provider: what shared code may rely on whichever forge sent the delivery.

type Delivery = { headers: Record<string, string>; body: Buffer };
type Case = {
  provider: WebhookProvider;
  pushEvent: string;
  pushPayload: Record<string, unknown>;
  delivery(event: string, payload: unknown, secret: string): Delivery;
  /** The header that carries the signature or token. */
  authHeader: string;
  /** Whether the signature covers the body (GitLab's token does not). */
  signsBody: boolean;
  deliveryId: string;
};

const cases: Case[] = [
  {
    provider: githubProvider,
    pushEvent: "push",
    pushPayload: github.pushPayload,
    delivery: github.delivery,
    authHeader: "x-hub-signature-256",
    signsBody: true,
    deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
  },
  {
    provider: giteaProvider,
    pushEvent: "push",
    pushPayload: gitea.pushPayload,
    delivery: gitea.delivery,
    authHeader: "x-gitea-signature",
    signsBody: true,
    deliveryId: "f6266f16-1bf3-46a5-9ea4-602e06ead473",
  },
  {
    provider: gitlabProvider,
    pushEvent: "Push Hook",
    pushPayload: gitlab.pushPayload,
    delivery: gitlab.delivery,
    authHeader: "x-gitlab-token",
    signsBody: false,
    deliveryId: "908a6d9e-45fd-46c8-97e6-c4f350f219dd",
  },
];

const SECRET = "s3cr3t-for-tests";

describe.each(cases)("$provider.id provider contract", (c) => {
  const signed = (): Delivery => c.delivery(c.pushEvent, c.pushPayload, SECRET);
  const without = (headers: Record<string, string>, name: string): Record<string, string> =>
    Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));

  it("recognises its own delivery", () => {
    expect(c.provider.detect(signed().headers)).toBe(true);
  });

  it("does not recognise a delivery without headers", () => {
    expect(c.provider.detect({ "content-type": "application/json" })).toBe(false);
  });

  it("verifies a delivery signed with the secret", () => {
    const { headers, body } = signed();
    expect(c.provider.verify(headers, body, SECRET)).toBe(true);
  });

  it("rejects the wrong secret", () => {
    const { headers, body } = signed();
    expect(c.provider.verify(headers, body, `${SECRET}x`)).toBe(false);
  });

  it("rejects an empty secret, even when the delivery was made with one", () => {
    const { headers, body } = c.delivery(c.pushEvent, c.pushPayload, "");
    expect(c.provider.verify(headers, body, "")).toBe(false);
  });

  it("rejects a delivery without its signature header", () => {
    const { headers, body } = signed();
    expect(c.provider.verify(without(headers, c.authHeader), body, SECRET)).toBe(false);
  });

  it("rejects a tampered body when the forge signs the body (GitLab's token does not cover it)", () => {
    const { headers, body } = signed();
    const tampered = Buffer.from(body.toString("utf8").replace("refs/heads/", "refs/heads/x"));
    expect(tampered.equals(body)).toBe(false);
    expect(c.provider.verify(headers, tampered, SECRET)).toBe(!c.signsBody);
  });

  it.each([
    ["empty", ""],
    ["one character short", (v: string) => v.slice(0, -1)],
    ["one character long", (v: string) => `${v}0`],
    ["doubled", (v: string) => v + v],
    ["not hex", (v: string) => v.replace(/[0-9a-f]/g, "z")],
    ["non-ASCII", (v: string) => `${v.slice(0, -1)}é`],
  ] as const)("rejects a signature that is %s, without throwing", (_name, change) => {
    const { headers, body } = signed();
    const original = headers[c.authHeader] ?? "";
    const value = typeof change === "string" ? change : change(original);
    expect(() => c.provider.verify({ ...headers, [c.authHeader]: value }, body, SECRET)).not.toThrow();
    expect(c.provider.verify({ ...headers, [c.authHeader]: value }, body, SECRET)).toBe(false);
  });

  it("reports the delivery id", () => {
    expect(c.provider.deliveryId(signed().headers)).toBe(c.deliveryId);
    expect(c.provider.deliveryId({})).toBeUndefined();
  });

  it("normalizes a push to a GitHub-shaped payload", () => {
    const { headers, body } = signed();
    const result = c.provider.normalize(headers, body);
    if (!result.ok || result.event.kind !== "push") throw new Error(`expected a push, got ${JSON.stringify(result)}`);
    const { event } = result;
    expect(event.ref).toBe(c.pushPayload["ref"]);
    expect(event.payload).toMatchObject({
      ref: event.ref,
      before: event.before,
      after: event.after,
      created: event.created,
      deleted: event.deleted,
      repository: { full_name: expect.any(String) as unknown },
      pusher: { name: expect.any(String) as unknown },
      sender: { login: expect.any(String) as unknown },
      commits: expect.any(Array) as unknown,
    });
    expect(event.payload).toHaveProperty("head_commit");
    expect(event.payload).not.toHaveProperty("secret");
    expect(event.repositoryUrl).toMatch(/^https?:\/\//);
    expect(event.pusher).toEqual(expect.any(String));
  });

  it.each([
    ["not JSON", "{ref: main"],
    ["a JSON array", "[]"],
    ["JSON null", "null"],
    ["a push without a ref", JSON.stringify({ before: "a", after: "b" })],
  ])("refuses a push body that is %s", (_name, text) => {
    const { headers } = signed();
    const result = c.provider.normalize(headers, Buffer.from(text));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).not.toBe("");
  });

  it("ignores events it does not act on", () => {
    const { headers, body } = c.delivery("issues", { action: "opened" }, SECRET);
    expect(c.provider.normalize(headers, body)).toEqual({ ok: true, event: { kind: "ignored", event: "issues" } });
  });

  it("refuses a delivery that names no event", () => {
    const headers = { "content-type": "application/json" };
    expect(c.provider.normalize(headers, signed().body).ok).toBe(false);
  });
});
