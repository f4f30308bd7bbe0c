import { existsSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitError, type Git } from "./git.js";
import { lsRemote } from "./ls-remote.js";
import { createMirrors, type Mirrors } from "./mirror.js";
import { MirrorNotFoundError } from "./mirror-not-found-error.js";
import { isolatedGit, makeTempDir, makeTempRepo, type TempRepo } from "./temp-repo.testing.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

async function upstream(branch = "main"): Promise<TempRepo> {
  const r = await makeTempRepo({ branch });
  cleanups.push(r.cleanup);
  await r.write("README.md", "hello\n");
  await r.write(".ferry/workflows/ci.yml", "on: push\n");
  await r.write(".ferry/workflows/nested/deploy.yml", "on: deployment\n");
  await r.write(".ferry/other.txt", "x\n");
  await r.commit("first");
  return r;
}

async function mirrors(): Promise<{ mirrors: Mirrors; git: Git; dir: string }> {
  const dir = await makeTempDir();
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const git = isolatedGit(dir);
  return { mirrors: createMirrors({ git, dir }), git, dir };
}

async function refsOf(git: Git, repo: string): Promise<Record<string, string>> {
  const res = await git.run(repo, ["for-each-ref", "--format=%(refname) %(objectname)"]);
  return Object.fromEntries(
    res.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.split(" ") as [string, string]),
  );
}

describe("createMirrors", () => {
  it("creates a bare mirror with the upstream's branches, peeled tags and default branch", async () => {
    const r = await upstream("trunk");
    await r.sh("branch", "feature");
    await r.sh("tag", "--annotate", "--message=one", "v1");
    const { mirrors: m, git } = await mirrors();

    const repo = await m.ensure("owner/app", r.dir);

    expect(repo).toBe(m.pathFor("owner/app"));
    expect(repo.endsWith(path.join("owner", "app.git"))).toBe(true);
    expect((await git.run(repo, ["rev-parse", "--is-bare-repository"])).stdout.trim()).toBe("true");
    expect(existsSync(path.join(repo, "hooks"))).toBe(false);
    expect(Object.fromEntries(await lsRemote(git, repo))).toEqual(Object.fromEntries(await lsRemote(r.git, r.dir)));
    expect((await git.run(repo, ["symbolic-ref", "HEAD"])).stdout.trim()).toBe("refs/heads/trunk");
    expect(await m.ensure("owner/app", r.dir)).toBe(repo);
  });

  it("fetch picks up new commits and prunes deleted branches and tags", async () => {
    const r = await upstream();
    await r.sh("branch", "doomed");
    await r.sh("tag", "old");
    const { mirrors: m, git } = await mirrors();
    const repo = await m.ensure("app", r.dir);
    expect(Object.keys(await refsOf(git, repo)).sort()).toEqual(["refs/heads/doomed", "refs/heads/main", "refs/tags/old"]);

    await r.write("README.md", "changed\n");
    const second = await r.commit("second");
    await r.sh("branch", "--delete", "--force", "doomed");
    await r.sh("tag", "--delete", "old");
    await r.sh("branch", "fresh");
    await m.fetch("app", r.dir);

    expect(await refsOf(git, repo)).toEqual({ "refs/heads/fresh": second, "refs/heads/main": second });
  });

  it("fetch with refs updates only those refs", async () => {
    const r = await upstream();
    await r.sh("branch", "other");
    const { mirrors: m, git } = await mirrors();
    const repo = await m.ensure("app", r.dir);
    const before = await refsOf(git, repo);

    await r.write("README.md", "changed\n");
    const second = await r.commit("second");
    await r.sh("branch", "--force", "other", "HEAD");
    await m.fetch("app", r.dir, ["refs/heads/main"]);

    expect(await refsOf(git, repo)).toEqual({ "refs/heads/main": second, "refs/heads/other": before["refs/heads/other"] });
    await expect(m.fetch("app", r.dir, ["main"])).rejects.toThrow(/invalid ref/);
    await expect(m.fetch("app", r.dir, ["refs/heads/*"])).rejects.toThrow(/invalid ref/);
  });

  it("fetch creates a missing mirror", async () => {
    const r = await upstream();
    const { mirrors: m } = await mirrors();
    await m.fetch("app", r.dir, ["refs/heads/main"]);
    const sha = await r.sh("rev-parse", "HEAD");
    expect(await m.readFile("app", sha, "README.md")).toBe("hello\n");
  });

  it("reads files and lists directories at a commit", async () => {
    const r = await upstream();
    const first = await r.sh("rev-parse", "HEAD");
    await r.write("README.md", "second version\n");
    await r.write("data.bin", "\u00fcnicode \u2713\n");
    await r.write(".ferry/workflows/late.yml", "on: push\n");
    const second = await r.commit("second");
    const { mirrors: m } = await mirrors();
    await m.ensure("app", r.dir);

    expect(await m.readFile("app", first, "README.md")).toBe("hello\n");
    expect(await m.readFile("app", second, "README.md")).toBe("second version\n");
    expect(await m.readFile("app", second, "data.bin")).toBe("\u00fcnicode \u2713\n");
    expect(await m.readFile("app", first, "data.bin")).toBeUndefined();
    expect(await m.readFile("app", first, ".ferry/workflows")).toBeUndefined();

    expect(await m.listFiles("app", first, [".ferry/workflows"])).toEqual([
      ".ferry/workflows/ci.yml",
      ".ferry/workflows/nested/deploy.yml",
    ]);
    expect(await m.listFiles("app", second, ["./.ferry/workflows/", "missing", "README.md"])).toEqual([
      ".ferry/workflows/ci.yml",
      ".ferry/workflows/late.yml",
      ".ferry/workflows/nested/deploy.yml",
    ]);
    expect(await m.listFiles("app", first, [""])).toEqual([
      ".ferry/other.txt",
      ".ferry/workflows/ci.yml",
      ".ferry/workflows/nested/deploy.yml",
      "README.md",
    ]);
    expect(await m.listFiles("app", first, [])).toEqual([]);
  });

  it("rejects unknown commits, bad shas and bad paths", async () => {
    const r = await upstream();
    const sha = await r.sh("rev-parse", "HEAD");
    const { mirrors: m } = await mirrors();
    await m.ensure("app", r.dir);

    await expect(m.readFile("app", "0".repeat(40), "README.md")).rejects.toBeInstanceOf(GitError);
    await expect(m.readFile("app", "HEAD", "README.md")).rejects.toThrow(/invalid commit sha/);
    await expect(m.readFile("app", `--output=${"0".repeat(31)}`, "README.md")).rejects.toThrow(/invalid commit sha/);
    for (const bad of ["-x", "../etc/passwd", "/abs", "a//b", "a\nb"]) {
      await expect(m.readFile("app", sha, bad)).rejects.toThrow(/invalid file path/);
    }
    await expect(m.listFiles("app", sha, ["--all"])).rejects.toThrow(/invalid directory/);
    await expect(m.commit("app", "main")).rejects.toThrow(/invalid commit sha/);
  });

  it("reports commit info and changed files", async () => {
    const r = await upstream();
    const first = await r.sh("rev-parse", "HEAD");
    await r.write("README.md", "changed\n");
    await r.write("new.txt", "new\n");
    const second = await r.commit("Second\n\nbody");
    const { mirrors: m } = await mirrors();
    await m.ensure("app", r.dir);

    expect(await m.changedFiles("app", first, second)).toEqual(["README.md", "new.txt"]);
    expect(await m.changedFiles("app", null, first)).toHaveLength(4);
    const info = await m.commit("app", second);
    expect(info).toMatchObject({ id: second, message: "Second\n\nbody", added: ["new.txt"], modified: ["README.md"] });
  });

  it("queues concurrent fetches of one mirror and runs different mirrors in parallel", async () => {
    const a = await upstream();
    const b = await upstream();
    const { mirrors: m, git } = await mirrors();

    await Promise.all([
      m.fetch("a", a.dir),
      m.fetch("a", a.dir),
      m.ensure("a", a.dir),
      m.fetch("b", b.dir),
      m.fetch("b", b.dir),
    ]);
    await a.write("README.md", "more\n");
    const next = await a.commit("more");
    await Promise.all([m.fetch("a", a.dir), m.fetch("a", a.dir, ["refs/heads/main"]), m.fetch("a", a.dir)]);

    expect((await refsOf(git, m.pathFor("a")))["refs/heads/main"]).toBe(next);
    expect((await refsOf(git, m.pathFor("b")))["refs/heads/main"]).toBe(await b.sh("rev-parse", "HEAD"));
  });

  it("keeps a failed first fetch invisible and its password out of the error", async () => {
    const { mirrors: m, dir } = await mirrors();
    const url = `file://user:pa55word@localhost${path.join(dir, "nowhere")}`;

    const error: unknown = await m.ensure("app", url).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain("user:***@localhost");
    expect(JSON.stringify({ ...(error as GitError), message: (error as GitError).message })).not.toContain("pa55word");
    expect(existsSync(m.pathFor("app"))).toBe(false);
    expect(await readdir(path.join(dir, ".incoming"))).toEqual([]);
    await expect(m.readFile("app", "0".repeat(40), "x")).rejects.toBeInstanceOf(MirrorNotFoundError);
  });

  it.each(["", "../up", "-opt", "a/../b", ".hidden", "x.git", "a//b", "a/", "x.lock", "sp ace"])(
    "rejects the mirror name %j",
    (name) => {
      const m = createMirrors({ git: isolatedGit("/tmp"), dir: "/tmp/mirrors" });
      expect(() => m.pathFor(name)).toThrow(/invalid mirror name/);
    },
  );
});
