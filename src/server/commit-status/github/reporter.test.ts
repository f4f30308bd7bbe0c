import { afterEach, describe, expect, it } from "vitest";
import { CommitStatusError } from "../commit-status-error.js";
import { startStatusServer } from "../status-server.testing.js";
import { githubReporter } from "./reporter.js";

const SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";
const TOKEN = "ghp_testtoken0123456789";

describe("githubReporter", () => {
  let server: Awaited<ReturnType<typeof startStatusServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("posts the status as GitHub documents it", async () => {
    server = await startStatusServer({ status: 201, body: { id: 1, state: "success" } });

    await githubReporter.report(
      { apiUrl: `${server.url}/`, owner: "octo-org", repo: "hello.world", token: TOKEN, sha: SHA },
      { state: "success", context: "ferry/ci: build", description: "Build passed", targetUrl: "https://ferry.example.com/runs/7" },
    );

    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe(`/repos/octo-org/hello.world/statuses/${SHA}`);
    expect(req?.headers).toMatchObject({
      accept: "application/vnd.github+json",
      authorization: `Bearer ${TOKEN}`,
      "x-github-api-version": "2022-11-28",
      "content-type": "application/json",
    });
    expect(req?.body).toEqual({ state: "success", target_url: "https://ferry.example.com/runs/7", description: "Build passed", context: "ferry/ci: build" });
  });

  it("leaves target_url out when there is none and shortens long descriptions to 140 characters", async () => {
    server = await startStatusServer({ status: 201, body: {} });

    await githubReporter.report(
      { apiUrl: server.url, owner: "o", repo: "r", token: TOKEN, sha: SHA },
      { state: "pending", context: "ferry/ci", description: "x".repeat(200) },
    );

    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body).not.toHaveProperty("target_url");
    expect(body.description).toBe(`${"x".repeat(139)}…`);
  });

  it("turns a 422 into a CommitStatusError with GitHub's message", async () => {
    server = await startStatusServer({ status: 422, body: { message: "Validation Failed", documentation_url: "https://docs.github.com/rest" } });

    const error = await githubReporter
      .report({ apiUrl: server.url, owner: "o", repo: "r", token: TOKEN, sha: SHA }, { state: "failure", context: "ferry/ci", description: "failed" })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CommitStatusError);
    expect(error).toMatchObject({ code: "commit-status", forge: "github", status: 422, retryable: false });
    expect((error as Error).message).toContain("Validation Failed");
    expect((error as Error).message).toContain("github");
    expect((error as Error).message).not.toContain(TOKEN);
  });
});
