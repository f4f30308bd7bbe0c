import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { synthesizeEvent } from "./event-payload.js";
import type { Git } from "./git.js";
import { repositoryName } from "./repo-info.js";
import { AUTHOR, COMMIT_DATE, COMMITTER, makeTempRepo, type TempRepo } from "./temp-repo.testing.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

async function repo(opts: { branch?: string } = {}): Promise<TempRepo> {
  const r = await makeTempRepo(opts);
  cleanups.push(r.cleanup);
  return r;
}

async function twoCommitRepo(): Promise<{ r: TempRepo; root: string; second: string }> {
  const r = await repo();
  await r.write("a.txt", "a\n");
  await r.write("b.txt", "b\n");
  const root = await r.commit("Initial commit");
  await r.write("a.txt", "a2\n");
  await rm(path.join(r.dir, "b.txt"));
  await r.write("src/new.ts", "export {};\n");
  const second = await r.commit("Add feature\n\nLonger description.\n");
  return { r, root, second };
}

/** Wraps a Git and records every argument list it is asked to run. */
function recording(git: Git): { git: Git; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    git: {
      run(cwd, args, opts) {
        calls.push([...args]);
        return git.run(cwd, args, opts);
      },
    },
  };
}

const base = { actor: "octocat", repository: "acme/shop" };

describe("synthesizeEvent: push", () => {
  it("builds a push payload for HEAD on a branch", async () => {
    const { r, root, second } = await twoCommitRepo();
    await r.sh("remote", "add", "origin", "git@example.com:acme/shop.git");
    const repository = await repositoryName(r.git, r.dir);
    expect(repository).toBe("acme/shop");

    const event = await synthesizeEvent(r.git, r.dir, { eventName: "push", actor: "octocat", repository });
    expect(event.sha).toBe(second);
    expect(event.ref).toBe("refs/heads/main");
    expect(event.changedFiles).toEqual(["a.txt", "b.txt", "src/new.ts"]);

    const headCommit = {
      id: second,
      tree_id: await r.sh("rev-parse", "HEAD^{tree}"),
      distinct: true,
      message: "Add feature\n\nLonger description.",
      timestamp: COMMIT_DATE,
      url: `https://github.com/acme/shop/commit/${second}`,
      author: { ...AUTHOR, username: "octocat" },
      committer: { ...COMMITTER, username: "bot" },
      added: ["src/new.ts"],
      removed: ["b.txt"],
      modified: ["a.txt"],
    };
    expect(event.payload).toEqual({
      ref: "refs/heads/main",
      before: root,
      after: second,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `https://github.com/acme/shop/compare/${root}...${second}`,
      commits: [headCommit],
      head_commit: headCommit,
      pusher: { name: "octocat", email: COMMITTER.email },
      sender: { login: "octocat", type: "User" },
      repository: {
        name: "shop",
        full_name: "acme/shop",
        private: false,
        fork: false,
        html_url: "https://github.com/acme/shop",
        owner: { login: "acme", name: "acme" },
        default_branch: "main",
        master_branch: "main",
      },
    });
  });

  it("uses the https origin for the repository name", async () => {
    const { r } = await twoCommitRepo();
    await r.sh("remote", "add", "origin", "https://example.com/acme/shop.git");
    const repository = await repositoryName(r.git, r.dir);
    const event = await synthesizeEvent(r.git, r.dir, { ...base, eventName: "push", repository });
    expect(event.payload).toMatchObject({ repository: { full_name: "acme/shop", name: "shop", owner: { login: "acme" } } });
  });

  it("handles a root commit: zero before sha, created, all files added", async () => {
    const r = await repo();
    await r.write("README.md", "hi\n");
    await r.write("lib/x.js", "x\n");
    const sha = await r.commit("root");
    const event = await synthesizeEvent(r.git, r.dir, { ...base, eventName: "push" });
    expect(event.sha).toBe(sha);
    expect(event.changedFiles).toEqual(["README.md", "lib/x.js"]);
    expect(event.payload).toMatchObject({
      before: "0".repeat(40),
      after: sha,
      created: true,
      compare: `https://github.com/acme/shop/commit/${sha}`,
      head_commit: { id: sha, added: ["README.md", "lib/x.js"], removed: [], modified: [] },
    });
  });

  it("uses refs/heads/<default branch> when HEAD is detached", async () => {
    const { r, root } = await twoCommitRepo();
    await r.sh("checkout", "--quiet", "--detach", root);
    let event = await synthesizeEvent(r.git, r.dir, { ...base, eventName: "push" });
    expect(event.ref).toBe("refs/heads/main");
    expect(event.sha).toBe(root);
    expect(event.payload).toMatchObject({ ref: "refs/heads/main", after: root, before: "0".repeat(40) });

    await r.sh("update-ref", "refs/remotes/origin/trunk", root);
    await r.sh("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
    event = await synthesizeEvent(r.git, r.dir, { ...base, eventName: "push" });
    expect(event.ref).toBe("refs/heads/trunk");
    expect(event.payload).toMatchObject({ repository: { default_branch: "trunk", master_branch: "trunk" } });
  });

  it("honours a custom server URL", async () => {
    const { r, second } = await twoCommitRepo();
    const event = await synthesizeEvent(r.git, r.dir, {
      ...base,
      eventName: "push",
      serverUrl: "https://ghe.example.com/",
    });
    expect(event.payload).toMatchObject({
      head_commit: { url: `https://ghe.example.com/acme/shop/commit/${second}` },
      repository: { html_url: "https://ghe.example.com/acme/shop" },
    });
  });
});

describe("synthesizeEvent: pull requests", () => {
  it("builds an opened pull_request from the current branch into the default branch", async () => {
    const { r, root } = await twoCommitRepo();
    await r.sh("checkout", "--quiet", "-b", "feature/x");
    await r.sh("branch", "--quiet", "--force", "main", root);
    await r.sh("update-ref", "refs/remotes/origin/main", root);
    await r.sh("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main");
    const head = await r.sh("rev-parse", "HEAD");

    const event = await synthesizeEvent(r.git, r.dir, { ...base, eventName: "pull_request" });
    expect(event.sha).toBe(head);
    expect(event.ref).toBe("refs/pull/1/merge");
    expect(event.changedFiles).toEqual(["a.txt", "b.txt", "src/new.ts"]);
    expect(event.payload).toMatchObject({
      action: "opened",
      number: 1,
      sender: { login: "octocat" },
      repository: { full_name: "acme/shop", default_branch: "main" },
      pull_request: {
        number: 1,
        state: "open",
        title: "Add feature",
        body: "Longer description.",
        user: { login: "octocat" },
        head: { ref: "feature/x", sha: head, label: "acme:feature/x", repo: { full_name: "acme/shop" } },
        base: { ref: "main", sha: root, label: "acme:main", repo: { full_name: "acme/shop" } },
      },
    });

    const target = await synthesizeEvent(r.git, r.dir, { ...base, eventName: "pull_request_target" });
    expect(target.ref).toBe("refs/heads/main");
    expect(target.sha).toBe(head);
    expect(target.payload).toMatchObject({ action: "opened", pull_request: { base: { ref: "main", sha: root } } });
  });

  it("falls back to the local default branch, then HEAD, for the base sha", async () => {
    const { r, root, second } = await twoCommitRepo();
    await r.sh("checkout", "--quiet", "-b", "topic");
    await r.sh("branch", "--quiet", "--force", "main", root);
    // origin/HEAD names main, but refs/remotes/origin/main does not exist.
    await r.sh("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main");
    let event = await synthesizeEvent(r.git, r.dir, { ...base, eventName: "pull_request" });
    expect(event.payload).toMatchObject({
      pull_request: { head: { ref: "topic", sha: second }, base: { ref: "main", sha: root } },
    });

    await r.sh("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/nowhere");
    event = await synthesizeEvent(r.git, r.dir, { ...base, eventName: "pull_request" });
    expect(event.payload).toMatchObject({ pull_request: { base: { ref: "nowhere", sha: second } } });
  });
});

describe("synthesizeEvent: other events", () => {
  it("builds workflow_dispatch with inputs and ref", async () => {
    const { r, second } = await twoCommitRepo();
    const event = await synthesizeEvent(r.git, r.dir, {
      ...base,
      eventName: "workflow_dispatch",
      inputs: { environment: "staging", dry_run: "true" },
    });
    expect(event).toEqual({
      sha: second,
      ref: "refs/heads/main",
      changedFiles: undefined,
      payload: {
        inputs: { environment: "staging", dry_run: "true" },
        ref: "refs/heads/main",
        sender: { login: "octocat", type: "User" },
        repository: expect.objectContaining({ full_name: "acme/shop" }) as unknown,
      },
    });
    const noInputs = await synthesizeEvent(r.git, r.dir, { ...base, eventName: "workflow_dispatch" });
    expect(noInputs.payload).toMatchObject({ inputs: {} });
  });

  it("builds a minimal payload for any other event", async () => {
    const { r, second } = await twoCommitRepo();
    const event = await synthesizeEvent(r.git, r.dir, { ...base, eventName: "schedule" });
    expect(event.sha).toBe(second);
    expect(event.ref).toBe("refs/heads/main");
    expect(event.changedFiles).toBeUndefined();
    expect(Object.keys(event.payload).sort()).toEqual(["repository", "sender"]);
  });

  it("fails with a GitError when the repository has no commits", async () => {
    const r = await repo();
    await expect(synthesizeEvent(r.git, r.dir, { ...base, eventName: "push" })).rejects.toMatchObject({ code: "git" });
  });
});

describe("synthesizeEvent: hostile branch names", () => {
  it("never passes a branch name beginning with '-' to git as an option", async () => {
    const { r, root } = await twoCommitRepo();
    const evil = "--output=pwned.txt";
    const evilBase = "-base";
    // `git branch` refuses such names, but plumbing can create them (e.g. a fetched repository).
    await r.sh("update-ref", `refs/heads/${evil}`, "HEAD");
    await r.sh("symbolic-ref", "HEAD", `refs/heads/${evil}`);
    await r.sh("update-ref", `refs/remotes/origin/${evilBase}`, root);
    await r.sh("symbolic-ref", "refs/remotes/origin/HEAD", `refs/remotes/origin/${evilBase}`);
    const { git, calls } = recording(r.git);

    const push = await synthesizeEvent(git, r.dir, { ...base, eventName: "push" });
    expect(push.ref).toBe(`refs/heads/${evil}`);
    expect(push.payload).toMatchObject({ ref: `refs/heads/${evil}`, repository: { default_branch: evilBase } });

    const pr = await synthesizeEvent(git, r.dir, { ...base, eventName: "pull_request" });
    expect(pr.payload).toMatchObject({
      pull_request: { head: { ref: evil }, base: { ref: evilBase, sha: root } },
    });

    await r.sh("checkout", "--quiet", "--detach");
    const detached = await synthesizeEvent(git, r.dir, { ...base, eventName: "push" });
    expect(detached.ref).toBe(`refs/heads/${evilBase}`);

    expect(calls.length).toBeGreaterThan(0);
    for (const args of calls) {
      for (const arg of args) {
        expect(arg === evil || arg === evilBase || arg.startsWith("--output")).toBe(false);
      }
    }
    expect(existsSync(path.join(r.dir, "pwned.txt"))).toBe(false);
  });
});
