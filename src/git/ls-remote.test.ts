import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createGit, GitError } from "./git.js";
import { lsRemote } from "./ls-remote.js";
import { makeTempRepo, type TempRepo } from "./temp-repo.testing.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

async function repo(): Promise<TempRepo> {
  const r = await makeTempRepo();
  cleanups.push(r.cleanup);
  return r;
}

async function failure(promise: Promise<unknown>): Promise<GitError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitError);
  return error as GitError;
}

/** Everything an error could show: message, stack, stderr, args, cause. */
function everything(error: GitError): string {
  return [error.message, error.stack, error.stderr, ...error.args, String(error.cause)].join("\n");
}

describe("lsRemote", () => {
  it("maps branches and tags to commit shas, peeling annotated tags", async () => {
    const r = await repo();
    await r.write("a.txt", "a\n");
    const first = await r.commit("first");
    await r.sh("tag", "v1");
    await r.sh("branch", "feature");
    await r.write("a.txt", "b\n");
    const second = await r.commit("second");
    await r.sh("tag", "--annotate", "--message=release 2", "v2");
    const tagObject = await r.sh("rev-parse", "refs/tags/v2");
    expect(tagObject).not.toBe(second);

    const refs = await lsRemote(r.git, r.dir);

    expect(Object.fromEntries(refs)).toEqual({
      "refs/heads/feature": first,
      "refs/heads/main": second,
      "refs/tags/v1": first,
      "refs/tags/v2": second,
    });
  });

  it("returns an empty map for an empty repository", async () => {
    const r = await repo();
    expect((await lsRemote(r.git, r.dir)).size).toBe(0);
  });

  it("names the URL in the error but never its password", async () => {
    // A stand-in ssh that echoes its arguments (which carry the password) to stderr.
    const git = createGit({
      env: {
        GIT_CONFIG_GLOBAL: "/dev/null",
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_SSH_COMMAND: 'echo "ssh args: $*" >&2; false',
      },
    });
    const url = "ssh://deploy:s3cr%40t-pw@example.invalid/owner/repo.git";

    const error = await failure(lsRemote(git, url));

    expect(error.message).toContain("git ls-remote ssh://deploy:***@example.invalid/owner/repo.git failed");
    expect(error.stderr).toContain("ssh args: deploy:***@example.invalid");
    expect(everything(error)).not.toMatch(/s3cr/);
  });

  it("hides the password when the server cannot be reached", async () => {
    const port = await closedPort();
    const url = `http://user:hunter2@127.0.0.1:${port}/repo.git`;
    const r = await repo();

    const error = await failure(lsRemote(r.git, url));

    expect(error.message).toContain(`http://user:***@127.0.0.1:${port}/repo.git`);
    expect(everything(error)).not.toContain("hunter2");
  });

  it("rejects option-like URLs without running git", async () => {
    const r = await repo();
    await expect(lsRemote(r.git, "--upload-pack=touch /tmp/x")).rejects.toThrow(/invalid repository URL/);
  });

  it("gives up after timeoutMs", async () => {
    // A server that accepts connections and never answers.
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as net.AddressInfo;
    const r = await repo();

    const error = await failure(lsRemote(r.git, `http://u:pw-secret@127.0.0.1:${port}/repo.git`, { timeoutMs: 300 }));

    expect(error.message).toContain("timed out after 300 ms");
    expect(everything(error)).not.toContain("pw-secret");
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

