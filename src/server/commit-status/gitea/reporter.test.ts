import { afterEach, describe, expect, it } from "vitest";
import { CommitStatusError } from "../commit-status-error.js";
import { startStatusServer } from "../status-server.testing.js";
import { giteaReporter } from "./reporter.js";

const SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";
const TOKEN = "65eaa9c8ef52460d22a93307fe0aee76289dc675";

describe("giteaReporter", () => {
  let server: Awaited<ReturnType<typeof startStatusServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("posts the status as Gitea documents it", async () => {
    server = await startStatusServer({ status: 201, body: { id: 1, status: "error" } });

    await giteaReporter.report(
      { apiUrl: `${server.url}/api/v1`, owner: "team", repo: "shop", token: TOKEN, sha: SHA },
      { state: "error", context: "ferry/ci: test", description: "Runner lost", targetUrl: "https://ferry.example.com/runs/8" },
    );

    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe(`/api/v1/repos/team/shop/statuses/${SHA}`);
    expect(req?.headers).toMatchObject({ authorization: `token ${TOKEN}`, "content-type": "application/json", accept: "application/json" });
    expect(req?.headers).not.toHaveProperty("x-github-api-version");
    expect(req?.body).toEqual({ state: "error", target_url: "https://ferry.example.com/runs/8", description: "Runner lost", context: "ferry/ci: test" });
  });

  it("turns a 404 into a CommitStatusError with Gitea's message", async () => {
    server = await startStatusServer({ status: 404, body: { message: "The target couldn't be found.", url: "https://gitea.example.com/api/swagger", errors: [] } });

    const error = await giteaReporter
      .report({ apiUrl: `${server.url}/api/v1`, owner: "team", repo: "gone", token: TOKEN, sha: SHA }, { state: "pending", context: "ferry/ci", description: "queued" })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CommitStatusError);
    expect(error).toMatchObject({ code: "commit-status", forge: "gitea", status: 404, retryable: false });
    expect((error as Error).message).toContain("The target couldn't be found.");
    expect((error as Error).message).not.toContain(TOKEN);
  });
});
