import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { createBasicAuthorizer } from "./auth-basic.js";
import type { RegistryAction } from "./types.js";

const tokens: Record<string, string> = { admin: "admin", operator: "operator", viewer: "viewer", runner: "runner" };
const authorize = createBasicAuthorizer({
  verify: (token) => Promise.resolve(tokens[token] === undefined ? undefined : { role: tokens[token] }),
  publicRepositories: (name) => name === "public/base",
});
const request = (authorization?: string): FastifyRequest => ({ headers: authorization === undefined ? {} : { authorization } }) as FastifyRequest;
const basic = (token: string): string => `Basic ${Buffer.from(`anyuser:${token}`).toString("base64")}`;

describe("createBasicAuthorizer", () => {
  it.each([
    ["admin", "push", true], ["admin", "delete", true], ["admin", "pull", true],
    ["operator", "push", true], ["operator", "delete", true], ["operator", "pull", true],
    ["runner", "push", true], ["runner", "delete", true], ["runner", "pull", true],
    ["viewer", "pull", true], ["viewer", "push", false], ["viewer", "delete", false],
    ["unknown", "pull", false],
  ] as const)("%s may %s: %s", async (token, action: RegistryAction, allowed) => {
    expect(await authorize(request(basic(token)), action, "app")).toBe(allowed);
    expect(await authorize(request(`Bearer ${token}`), action, "app")).toBe(allowed);
  });

  it("lets anyone pull a public repository but not push to it, and needs a valid token for /v2/", async () => {
    expect(await authorize(request(), "pull", "public/base")).toBe(true);
    expect(await authorize(request(basic("")), "pull", "public/base")).toBe(true);
    expect(await authorize(request(), "push", "public/base")).toBe(false);
    expect(await authorize(request(), "pull", "private")).toBe(false);
    expect(await authorize(request(), "pull", "")).toBe(false);
    expect(await authorize(request(basic("viewer")), "pull", "")).toBe(true);
  });
});
