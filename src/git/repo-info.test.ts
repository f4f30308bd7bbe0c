import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  changedFiles,
  commitInfo,
  currentRef,
  defaultBranch,
  firstParent,
  headSha,
  isRepo,
  remoteUrl,
  repositoryName,
  resolveCommit,
} from "./repo-info.js";
import { AUTHOR, COMMIT_DATE, COMMITTER, isolatedGit, makeTempDir, makeTempRepo, type TempRepo } from "./temp-repo.testing.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

async function repo(opts: { branch?: string; name?: string } = {}): Promise<TempRepo> {
  const r = await makeTempRepo(opts);
  cleanups.push(r.cleanup);
  return r;
}

/** Two commits: the root adds a.txt, b.txt, dir/c.txt; the second modifies a, removes b, adds "d e.txt" and ü.txt. */
async function twoCommitRepo(): Promise<{ r: TempRepo; root: string; second: string }> {
  const r = await repo();
  await r.write("a.txt", "a\n");
  await r.write("b.txt", "b\n");
  await r.write("dir/c.txt", "c\n");
  const root = await r.commit("root commit");
  await r.write("a.txt", "a2\n");
  await rm(path.join(r.dir, "b.txt"));
  await r.write("dir/d e.txt", "d\n");
  await r.write("ü.txt", "u\n");
  const second = await r.commit("Second commit\n\nWith a body.\n");
  return { r, root, second };
}

describe("isRepo", () => {
  it("is true inside a work tree and false elsewhere", async () => {
    const r = await repo();
    await r.write("sub/x.txt", "x");
    expect(await isRepo(r.git, r.dir)).toBe(true);
    expect(await isRepo(r.git, path.join(r.dir, "sub"))).toBe(true);

    const plain = await makeTempDir();
    cleanups.push(() => rm(plain, { recursive: true, force: true }));
    const git = isolatedGit(plain);
    expect(await isRepo(git, plain)).toBe(false);
    expect(await isRepo(git, path.join(plain, "missing"))).toBe(false);
  });
});

describe("headSha / currentRef / firstParent", () => {
  it("reads HEAD on a branch and when detached", async () => {
    const { r, root, second } = await twoCommitRepo();
    expect(await headSha(r.git, r.dir)).toBe(second);
    expect(await currentRef(r.git, r.dir)).toBe("refs/heads/main");
    expect(await firstParent(r.git, r.dir, second)).toBe(root);
    expect(await firstParent(r.git, r.dir, root)).toBeNull();

    await r.sh("checkout", "--quiet", "--detach", root);
    expect(await headSha(r.git, r.dir)).toBe(root);
    expect(await currentRef(r.git, r.dir)).toBeNull();
  });

  it("reports an unborn branch's ref but has no HEAD commit", async () => {
    const r = await repo({ branch: "trunk" });
    expect(await currentRef(r.git, r.dir)).toBe("refs/heads/trunk");
    await expect(headSha(r.git, r.dir)).rejects.toMatchObject({ code: "git" });
  });
});

describe("commitInfo", () => {
  it("describes a commit relative to its first parent", async () => {
    const { r, root, second } = await twoCommitRepo();
    const info = await commitInfo(r.git, r.dir, second);
    expect(info).toEqual({
      id: second,
      treeId: await r.sh("rev-parse", `${second}^{tree}`),
      message: "Second commit\n\nWith a body.",
      timestamp: COMMIT_DATE,
      author: { ...AUTHOR, username: "octocat" },
      committer: { ...COMMITTER, username: "bot" },
      added: ["dir/d e.txt", "ü.txt"],
      removed: ["b.txt"],
      modified: ["a.txt"],
    });
    expect(await commitInfo(r.git, r.dir, "HEAD~1")).toMatchObject({
      id: root,
      message: "root commit",
      added: ["a.txt", "b.txt", "dir/c.txt"],
      removed: [],
      modified: [],
    });
  });

  it("refuses option-like revisions without running them as options", async () => {
    const { r } = await twoCommitRepo();
    await expect(commitInfo(r.git, r.dir, "--output=pwned.txt")).rejects.toThrow(/invalid revision/);
    expect(existsSync(path.join(r.dir, "pwned.txt"))).toBe(false);
  });
});

describe("changedFiles", () => {
  it("lists repo-relative paths between two commits, even from a subdirectory", async () => {
    const { r, root, second } = await twoCommitRepo();
    const sub = path.join(r.dir, "dir");
    expect(await changedFiles(r.git, sub, root, second)).toEqual(["a.txt", "b.txt", "dir/d e.txt", "ü.txt"]);
    expect(await changedFiles(r.git, r.dir, second, second)).toEqual([]);
  });

  it("treats every file as changed when there is no parent (root commit)", async () => {
    const { r, root } = await twoCommitRepo();
    expect(await changedFiles(r.git, path.join(r.dir, "dir"), null, root)).toEqual(["a.txt", "b.txt", "dir/c.txt"]);
  });
});

describe("resolveCommit", () => {
  it("resolves names and treats option-looking input as invalid", async () => {
    const { r, second } = await twoCommitRepo();
    expect(await resolveCommit(r.git, r.dir, "main")).toBe(second);
    await expect(resolveCommit(r.git, r.dir, "-h")).rejects.toThrow(/invalid revision/);
    await expect(resolveCommit(r.git, r.dir, "no-such-branch")).rejects.toMatchObject({ code: "git" });
  });
});

describe("remoteUrl / repositoryName / defaultBranch", () => {
  it("falls back to local/<basename> without an origin", async () => {
    const r = await repo({ name: "my-project" });
    expect(await remoteUrl(r.git, r.dir)).toBeNull();
    expect(await repositoryName(r.git, r.dir)).toBe("local/my-project");
    await mkdir(path.join(r.dir, "nested"));
    expect(await repositoryName(r.git, path.join(r.dir, "nested"))).toBe("local/my-project");
  });

  it.each([
    ["git@example.com:acme/shop.git", "acme/shop"],
    ["https://example.com/acme/shop.git", "acme/shop"],
    ["/srv/git/acme/shop.git", "local/checkout"],
  ])("derives the name from origin %s", async (url, expected) => {
    const r = await repo({ name: "checkout" });
    await r.sh("remote", "add", "origin", url);
    expect(await remoteUrl(r.git, r.dir)).toBe(url);
    expect(await remoteUrl(r.git, r.dir, "upstream")).toBeNull();
    expect(await repositoryName(r.git, r.dir)).toBe(expected);
  });

  it("rejects option-like remote names", async () => {
    const r = await repo();
    await expect(remoteUrl(r.git, r.dir, "--help")).rejects.toThrow(/invalid remote name/);
  });

  it("prefers origin/HEAD, then the current branch, then main", async () => {
    const r = await repo({ branch: "feature" });
    await r.commit("one");
    expect(await defaultBranch(r.git, r.dir)).toBe("feature");
    await r.sh("checkout", "--quiet", "--detach");
    expect(await defaultBranch(r.git, r.dir)).toBe("main");
    await r.sh("update-ref", "refs/remotes/origin/trunk", "HEAD");
    await r.sh("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
    expect(await defaultBranch(r.git, r.dir)).toBe("trunk");
  });
});
