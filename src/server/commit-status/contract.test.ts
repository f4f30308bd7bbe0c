import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CommitStatusError } from "./commit-status-error.js";
import { commitStatusReporters } from "./index.js";
import { startStatusServer } from "./status-server.testing.js";
import type { CommitStatus, CommitStatusReporter } from "./types.js";

// One suite, every reporter: what shared code may rely on whichever forge it reports to.

const SHA = "0123456789abcdef0123456789abcdef01234567";
const TOKEN = "tok-SECRET-4f1c2d";
const STATUS: CommitStatus = { state: "success", context: "ferry/ci", description: "ok" };

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("commitStatusReporters", () => {
  it("holds one reporter per provider, keyed by its id", () => {
    expect([...commitStatusReporters.keys()].sort()).toEqual(["gitea", "github"]);
    for (const [id, reporter] of commitStatusReporters) expect(reporter.id).toBe(id);
  });
});

describe.each([...commitStatusReporters.values()])("$id reporter contract", (reporter: CommitStatusReporter) => {
  let server: Awaited<ReturnType<typeof startStatusServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("resolves on a 2xx answer after exactly one POST", async () => {
    server = await startStatusServer({ status: 201, body: {} });
    await reporter.report({ apiUrl: server.url, owner: "o", repo: "r", token: TOKEN, sha: SHA }, STATUS);
    expect(server.requests.map((r) => r.method)).toEqual(["POST"]);
  });

  it("encodes owner, repo and sha as path segments", async () => {
    server = await startStatusServer({ status: 201, body: {} });
    await reporter.report({ apiUrl: server.url, owner: "a b", repo: "c?d", token: TOKEN, sha: "e/f" }, STATUS);
    expect(server.requests[0]?.path).toBe("/repos/a%20b/c%3Fd/statuses/e%2Ff");
  });

  it.each([
    { status: 401, retryable: false },
    { status: 403, retryable: false },
    { status: 429, retryable: true },
    { status: 502, retryable: true },
  ])("maps HTTP $status to a CommitStatusError (retryable: $retryable)", async ({ status, retryable }) => {
    server = await startStatusServer({ status, body: { message: `refused; token ${TOKEN} is no good` } });
    const error = await reporter.report({ apiUrl: server.url, owner: "o", repo: "r", token: TOKEN, sha: SHA }, STATUS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitStatusError);
    expect(error).toMatchObject({ forge: reporter.id, status, retryable });
    expect((error as Error).message).toContain("refused; token *** is no good");
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("uses the start of the body when the error is not JSON", async () => {
    server = await startStatusServer({ status: 400, body: "plain" });
    const error = await reporter.report({ apiUrl: server.url, owner: "o", repo: "r", token: TOKEN, sha: SHA }, STATUS).catch((e: unknown) => e);
    expect((error as Error).message).toContain('"plain"');
  });

  it("reports an unreachable forge as a retryable CommitStatusError without a status", async () => {
    const port = await closedPort();
    const error = await reporter.report({ apiUrl: `http://127.0.0.1:${port}`, owner: "o", repo: "r", token: TOKEN, sha: SHA }, STATUS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitStatusError);
    expect(error).toMatchObject({ forge: reporter.id, status: undefined, retryable: true });
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect((error as Error).message).not.toContain(TOKEN);
  });
});
