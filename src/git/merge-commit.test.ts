import { afterEach, describe, expect, it } from "vitest";
import { createMergeCommit } from "./merge-commit.js";
import { makeTempRepo, type TempRepo } from "./temp-repo.testing.js";

describe("createMergeCommit", () => {
  let repo: TempRepo;
  afterEach(async () => {
    await repo.cleanup();
  });

  /** main and feature diverge from one commit; returns their heads. */
  async function diverge(mainFile: [string, string], featureFile: [string, string]): Promise<{ base: string; head: string }> {
    repo = await makeTempRepo();
    await repo.write("README.md", "readme\n");
    await repo.commit("initial");
    await repo.sh("checkout", "--quiet", "-b", "feature");
    await repo.write(...featureFile);
    const head = await repo.commit("feature");
    await repo.sh("checkout", "--quiet", "main");
    await repo.write(...mainFile);
    const base = await repo.commit("main");
    return { base, head };
  }

  it("makes a commit with parents base and head holding both sides, at the ref, the same one every time", async () => {
    const { base, head } = await diverge(["base.txt", "base\n"], ["head.txt", "head\n"]);
    const first = await createMergeCommit(repo.git, repo.dir, { base, head, ref: "refs/ferry/pull/7/merge" });
    if (!first.ok) throw new Error("conflicts");
    expect(await repo.sh("rev-parse", "refs/ferry/pull/7/merge")).toBe(first.sha);
    expect((await repo.sh("show", "--no-patch", "--format=%P", first.sha)).split(" ")).toEqual([base, head]);
    expect(await repo.sh("ls-tree", "--name-only", first.sha)).toBe("README.md\nbase.txt\nhead.txt");
    // Nothing in the working tree or the branches changed.
    expect(await repo.sh("rev-parse", "main")).toBe(base);
    expect(await repo.sh("status", "--porcelain")).toBe("");
    expect(await createMergeCommit(repo.git, repo.dir, { base, head, ref: "refs/ferry/pull/7/merge" })).toEqual(first);
  });

  it("reports the conflicting files and writes nothing", async () => {
    const { base, head } = await diverge(["README.md", "main's\n"], ["README.md", "feature's\n"]);
    expect(await createMergeCommit(repo.git, repo.dir, { base, head, ref: "refs/ferry/pull/8/merge" })).toEqual({ ok: false, conflicts: ["README.md"] });
    expect((await repo.git.run(repo.dir, ["rev-parse", "--verify", "--quiet", "refs/ferry/pull/8/merge"], { allowFailure: true })).code).not.toBe(0);
  });

  it.each([
    ["a branch name as base", { base: "main", head: "0".repeat(40), ref: "refs/ferry/pull/1/merge" }],
    ["an option as head", { base: "0".repeat(40), head: "--output=/tmp/x", ref: "refs/ferry/pull/1/merge" }],
    ["a ref outside refs/ferry/pull", { base: "0".repeat(40), head: "1".repeat(40), ref: "refs/heads/main" }],
  ])("refuses %s", async (_what, o) => {
    repo = await makeTempRepo();
    await expect(createMergeCommit(repo.git, repo.dir, o)).rejects.toThrow(/invalid/);
  });
});
