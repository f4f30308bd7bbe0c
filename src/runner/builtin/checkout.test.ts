import { cp, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkoutAction } from "./checkout.js";
import { git, gitTestEnv, makeContext, tempDir, writeFiles } from "./test-kit.js";

type Fixture = { source: string; workspace: string; first: string; second: string; root: string };

/** A source repository with two commits on main (v1 tags the first) and a workspace copied from its tree. */
async function fixture(): Promise<Fixture> {
  const root = await tempDir("ferry-checkout-");
  const source = join(root, "source");
  await writeFiles(source, { "README.md": "one\n", "src/app.ts": "export {};\n" });
  await git(source, "init", "--quiet", "--initial-branch=main");
  await git(source, "add", ".");
  await git(source, "commit", "--quiet", "-m", "first");
  await git(source, "tag", "v1");
  const first = await git(source, "rev-parse", "HEAD");
  await writeFile(join(source, "README.md"), "two\n");
  await git(source, "commit", "--quiet", "-am", "second");
  const second = await git(source, "rev-parse", "HEAD");
  const workspace = join(root, "ws");
  await cp(source, workspace, { recursive: true, filter: (path) => !path.includes(`${source}/.git`) });
  return { source, workspace, first, second, root };
}

function context(f: Fixture, inputs: Record<string, string>, env: Record<string, string> = {}) {
  return makeContext({
    workspace: f.workspace,
    stores: { artifactsDir: join(f.root, "artifacts"), cacheDir: join(f.root, "cache") },
    tempDir: join(f.root, "tmp"),
    inputs,
    sourceRepo: f.source,
    github: { repository: "octo/proj", sha: f.second, ref: "refs/heads/main", ref_name: "main" },
    env: gitTestEnv(env),
  });
}

describe("actions/checkout", () => {
  it("uses the prepared workspace for the event's own commit", async () => {
    const f = await fixture();
    for (const inputs of [{}, { ref: "main" }, { ref: f.second }, { repository: "Octo/Proj", path: "." }]) {
      const { ctx, rec } = context(f, inputs);
      await checkoutAction.main(ctx);
      expect(rec.logs).toEqual([`Using the workspace prepared from ${f.source} at ${f.second}`]);
      expect(rec.outputs).toEqual({ ref: "refs/heads/main", commit: f.second });
    }
    expect((await readdir(f.workspace)).sort()).toEqual(["README.md", "src"]);
  });

  it("checks out another commit into a sub-path, detached", async () => {
    const f = await fixture();
    const { ctx, rec } = context(f, { path: "old", ref: f.first });
    await checkoutAction.main(ctx);
    const dir = join(f.workspace, "old");
    expect(await readFile(join(dir, "README.md"), "utf8")).toBe("one\n");
    expect(await git(dir, "rev-parse", "HEAD")).toBe(f.first);
    expect(await git(dir, "rev-parse", "--abbrev-ref", "HEAD")).toBe("HEAD");
    expect(rec.outputs).toEqual({ ref: f.first, commit: f.first });
  });

  it("resolves tags and branches, and the event commit by default", async () => {
    const f = await fixture();
    const tag = context(f, { path: "tagged", ref: "v1" });
    await checkoutAction.main(tag.ctx);
    expect(tag.rec.outputs).toEqual({ ref: "refs/tags/v1", commit: f.first });

    const branch = context(f, { path: "branch", ref: "refs/heads/main" });
    await checkoutAction.main(branch.ctx);
    expect(branch.rec.outputs).toEqual({ ref: "refs/heads/main", commit: f.second });

    const plain = context(f, { path: "plain" });
    await checkoutAction.main(plain.ctx);
    expect(plain.rec.outputs).toEqual({ ref: "refs/heads/main", commit: f.second });
    expect(await readFile(join(f.workspace, "plain/README.md"), "utf8")).toBe("two\n");
  });

  it("reuses a previous checkout at the same path and cleans it", async () => {
    const f = await fixture();
    await checkoutAction.main(context(f, { path: "sub", ref: "v1" }).ctx);
    await writeFile(join(f.workspace, "sub/untracked.txt"), "x");
    const again = context(f, { path: "sub", ref: "main" });
    await checkoutAction.main(again.ctx);
    expect(again.rec.logs.some((l) => l.startsWith("Reusing the repository"))).toBe(true);
    expect(await git(join(f.workspace, "sub"), "rev-parse", "HEAD")).toBe(f.second);
    expect((await readdir(join(f.workspace, "sub"))).sort()).toEqual([".git", "README.md", "src"]);
  });

  it("replaces the workspace when another ref is asked for at the root", async () => {
    const f = await fixture();
    await writeFile(join(f.workspace, "stray.txt"), "left over");
    const { ctx } = context(f, { ref: "v1" });
    await checkoutAction.main(ctx);
    expect(await readFile(join(f.workspace, "README.md"), "utf8")).toBe("one\n");
    expect((await readdir(f.workspace)).sort()).toEqual([".git", "README.md", "src"]);
  });

  it("refuses paths outside the workspace and refs that look like options", async () => {
    const f = await fixture();
    const outside = await tempDir("ferry-outside-");
    await symlink(outside, join(f.workspace, "escape"));
    for (const path of ["../elsewhere", "/tmp", "escape/inner"]) {
      await expect(checkoutAction.main(context(f, { path, ref: f.first }).ctx)).rejects.toThrow(/is not under/);
    }
    expect(await readdir(outside)).toEqual([]);
    await expect(checkoutAction.main(context(f, { path: "x", ref: "--upload-pack=evil" }).ctx)).rejects.toThrow(/Invalid ref/);
    await expect(checkoutAction.main(context(f, { path: "x", ref: "no-such-branch" }).ctx)).rejects.toThrow(/could not be found/);
  });

  it("clones another repository from FERRY_GIT_BASE_URL, and fails clearly when it cannot", async () => {
    const f = await fixture();
    const mirrors = await tempDir("ferry-mirrors-");
    await git(mirrors, "clone", "--quiet", "--bare", f.source, join(mirrors, "other", "lib"));
    const base = `file://${mirrors}`;
    const { ctx, rec } = context(f, { repository: "other/lib", path: "deps/lib" }, { FERRY_GIT_BASE_URL: base });
    await checkoutAction.main(ctx);
    expect(rec.outputs).toEqual({ ref: "refs/heads/main", commit: f.second });
    expect(await readFile(join(f.workspace, "deps/lib/README.md"), "utf8")).toBe("two\n");
    expect(await git(join(f.workspace, "deps/lib"), "rev-list", "--count", "HEAD")).toBe("1"); // fetch-depth 1

    const tagged = context(f, { repository: "other/lib", path: "deps/tag", ref: "v1" }, { FERRY_GIT_BASE_URL: base });
    await checkoutAction.main(tagged.ctx);
    expect(tagged.rec.outputs.commit).toBe(f.first);

    const missing = context(f, { repository: "other/missing", path: "deps/m" }, { FERRY_GIT_BASE_URL: base });
    await expect(checkoutAction.main(missing.ctx)).rejects.toThrow(/Could not clone other\/missing/);
  });

  it("warns about inputs it cannot honour", async () => {
    const f = await fixture();
    const { ctx, rec } = context(f, { submodules: "recursive", lfs: "true", "fetch-depth": "0" });
    await checkoutAction.main(ctx);
    expect(rec.warnings).toHaveLength(3);
  });
});
