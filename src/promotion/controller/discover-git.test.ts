import { mkdir, mkdtemp, readdir, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGit } from "../../git/index.js";
import type { Git } from "../../git/index.js";
import { warehouseSchema } from "../../resources/index.js";
import { planFreight } from "../plan-freight.js";
import { createGitDiscovery } from "./discover-git.js";
import type { GitDiscovery } from "./discover-git.js";
import { discoverWarehouse } from "./discover-warehouse.js";
import { GitDiscoveryError } from "./git-discovery-error.js";

let root: string;
let app: string;
let git: Git;
let discovery: GitDiscovery;

const sh = async (...args: string[]): Promise<string> => (await git.run(app, args)).stdout.trim();

/** Writes the files (path → content) and commits them on the current branch; returns the commit id. */
async function commit(files: Record<string, string>, message = "change"): Promise<string> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(app, file)), { recursive: true });
    await writeFile(path.join(app, file), content);
  }
  await sh("add", "-A");
  await sh("commit", "--quiet", "--allow-empty", "-m", message);
  return sh("rev-parse", "HEAD");
}

beforeEach(async () => {
  root = await realpath(await mkdtemp(path.join(os.tmpdir(), "ferry-discover-git-")));
  app = path.join(root, "app");
  git = createGit({
    env: {
      GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_CEILING_DIRECTORIES: root,
      GIT_AUTHOR_NAME: "Dev", GIT_AUTHOR_EMAIL: "dev@example.com", GIT_COMMITTER_NAME: "Dev", GIT_COMMITTER_EMAIL: "dev@example.com",
    },
  });
  await git.run(root, ["init", "--quiet", "--initial-branch=main", app]);
  discovery = createGitDiscovery({ git, workDir: path.join(root, "promotions") });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("Git subscription discovery", () => {
  it("finds the head of the branch, and a new commit on the next discovery", async () => {
    await commit({ "src/a.ts": "1" });
    const head = await commit({ "README.md": "hello" });
    expect(await discovery.newestCommit({ repoURL: app, branch: "main" })).toEqual({ id: head });

    const next = await commit({ "src/a.ts": "2" });
    expect(await discovery.newestCommit({ repoURL: app, branch: "main" })).toEqual({ id: next });
    // The cache is a bare repository under the promotion work directory.
    expect(discovery.cacheDir(app).startsWith(path.join(root, "promotions", "git-cache"))).toBe(true);
    expect((await git.run(discovery.cacheDir(app), ["rev-parse", "--is-bare-repository"])).stdout.trim()).toBe("true");
  });

  it("follows the named branch, and a branch rewritten by a force-push", async () => {
    const base = await commit({ "a.txt": "1" });
    await sh("checkout", "--quiet", "-b", "release");
    const release = await commit({ "a.txt": "release" });
    await sh("checkout", "--quiet", "main");
    const main = await commit({ "a.txt": "main" });
    expect(await discovery.newestCommit({ repoURL: app, branch: "release" })).toEqual({ id: release });
    expect(await discovery.newestCommit({ repoURL: app, branch: "main" })).toEqual({ id: main });

    await sh("reset", "--quiet", "--hard", base);
    const rewritten = await commit({ "a.txt": "again" });
    expect(await discovery.newestCommit({ repoURL: app, branch: "main" })).toEqual({ id: rewritten });
  });

  it("with include and exclude paths, picks the newest commit that changes an included file that is not excluded", async () => {
    const shop = await commit({ "apps/shop/values.yaml": "v: 1" });
    const docs = await commit({ "apps/shop/README.md": "docs" });
    await commit({ "apps/billing/values.yaml": "v: 1" });
    await commit({}, "empty");
    const sub = { repoURL: app, branch: "main", includePaths: ["apps/shop/**"], excludePaths: ["**/*.md"] };
    expect(await discovery.newestCommit(sub)).toEqual({ id: shop });
    expect(await discovery.newestCommit({ repoURL: app, branch: "main", includePaths: ["apps/shop/**"] })).toEqual({ id: docs });
    expect(await discovery.newestCommit({ repoURL: app, branch: "main", excludePaths: ["apps/billing/**"] })).toEqual({ id: docs });

    // A commit that touches an included file among excluded ones counts.
    const both = await commit({ "apps/shop/README.md": "more docs", "apps/shop/values.yaml": "v: 2" });
    expect(await discovery.newestCommit(sub)).toEqual({ id: both });
  });

  it("counts a merge by what it brought to the branch", async () => {
    await commit({ "apps/shop/values.yaml": "v: 1" });
    await sh("checkout", "--quiet", "-b", "feature");
    await commit({ "apps/shop/values.yaml": "v: 2" });
    await sh("checkout", "--quiet", "main");
    await commit({ "docs/notes.md": "n" });
    await sh("merge", "--quiet", "--no-ff", "-m", "merge feature", "feature");
    const merge = await sh("rev-parse", "HEAD");
    expect(await discovery.newestCommit({ repoURL: app, branch: "main", includePaths: ["apps/**"] })).toEqual({ id: merge });
  });

  it("finds nothing when no commit within the walk limit changes an included path", async () => {
    await commit({ "apps/shop/values.yaml": "v: 1" });
    await commit({ "docs/a.md": "a" });
    await commit({ "docs/b.md": "b" });
    const short = createGitDiscovery({ git, workDir: path.join(root, "promotions"), walkLimit: 2 });
    expect(await short.newestCommit({ repoURL: app, branch: "main", includePaths: ["apps/**"] })).toBeUndefined();
    expect(await short.newestCommit({ repoURL: app, branch: "main", includePaths: ["docs/**"] })).toBeDefined();
  });

  it("lets concurrent discoveries of one remote share one cache", async () => {
    const head = await commit({ "a.txt": "1" });
    const sub = { repoURL: app, branch: "main" };
    const found = await Promise.all([1, 2, 3, 4].map(() => discovery.newestCommit(sub)));
    expect(found).toEqual([{ id: head }, { id: head }, { id: head }, { id: head }]);
    const cacheRoot = path.join(root, "promotions", "git-cache");
    expect((await readdir(cacheRoot)).filter((f) => !f.startsWith("."))).toEqual([path.basename(discovery.cacheDir(app))]);
    expect(await readdir(path.join(cacheRoot, ".incoming"))).toEqual([]);
  });

  it("fails with a clear error for a remote that is not a repository, and for a missing branch", async () => {
    await commit({ "a.txt": "1" });
    const missing = path.join(root, "nowhere");
    const bad = await discovery.newestCommit({ repoURL: missing, branch: "main" }).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(GitDiscoveryError);
    expect(bad).toMatchObject({ code: "fetch-failed" });
    expect((bad as Error).message).toContain(`cannot fetch branch "main" of ${missing}`);

    const noBranch = await discovery.newestCommit({ repoURL: app, branch: "release" }).catch((error: unknown) => error);
    expect(noBranch).toBeInstanceOf(GitDiscoveryError);
    expect(noBranch).toMatchObject({ code: "branch-not-found", message: `no branch "release" of ${app}` });
    // Once the cache exists, a missing branch is a failed fetch of it.
    const again = await discovery.newestCommit({ repoURL: app, branch: "release" }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(GitDiscoveryError);
    expect((again as Error).message).toContain(`branch "release" of ${app}`);
  });

  it("makes freight of a Git-only warehouse with the commit as its provenance", async () => {
    const head = await commit({ "apps/shop/values.yaml": "v: 1" });
    await commit({ "docs/a.md": "a" });
    const warehouse = warehouseSchema.parse({
      apiVersion: "ferry/v1alpha1", kind: "Warehouse", metadata: { name: "shop" },
      spec: { subscriptions: [{ git: { repoURL: app, excludePaths: ["docs/**"] } }] },
    });
    const registry = { urlFor: (host: string) => `http://${host}`, tokenFor: () => undefined };
    const latest = await discoverWarehouse(warehouse, registry, discovery);
    expect(latest).toEqual([{ id: head }]);
    const plan = planFreight({ warehouse, latest, existing: [], now: new Date() });
    if (plan.action !== "create") throw new Error(`expected freight, got ${plan.reason}`);
    expect(plan.freight.commits).toEqual([{ repoURL: app, branch: "main", id: head }]);
    expect(plan.freight.origin).toEqual({ repository: app, commit: head });
  });
});
