import { rm } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createGit, GitError } from "./git.js";
import { isolatedGit, makeTempDir } from "./temp-repo.testing.js";

describe("createGit", () => {
  it("runs git and returns stdout, stderr and the exit code", async () => {
    const git = createGit();
    const res = await git.run(process.cwd(), ["--version"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^git version /);
  });

  it("feeds input to standard input", async () => {
    const dir = await makeTempDir();
    try {
      const git = isolatedGit(dir);
      const res = await git.run(dir, ["hash-object", "--stdin"], { input: "hello\n" });
      expect(res.stdout.trim()).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("throws a GitError naming the command and git's first stderr line", async () => {
    const dir = await makeTempDir();
    try {
      const git = isolatedGit(dir);
      const error: unknown = await git.run(dir, ["rev-parse", "--verify", "HEAD"]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitError);
      const gitError = error as GitError;
      expect(gitError.code).toBe("git");
      expect(gitError.args).toEqual(["rev-parse", "--verify", "HEAD"]);
      expect(gitError.exitCode).toBe(128);
      expect(gitError.stderr).toContain("not a git repository");
      expect(gitError.message).toContain("git rev-parse");
      expect(gitError.message).toContain("not a git repository");
      expect(gitError.message).not.toContain("\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("resolves instead of throwing with allowFailure", async () => {
    const dir = await makeTempDir();
    try {
      const res = await isolatedGit(dir).run(dir, ["rev-parse", "--verify", "HEAD"], { allowFailure: true });
      expect(res.code).toBe(128);
      expect(res.stderr).toContain("not a git repository");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a missing working directory as a GitError with exitCode -1", async () => {
    const dir = await makeTempDir();
    await rm(dir, { recursive: true, force: true });
    const error: unknown = await createGit()
      .run(path.join(dir, "missing"), ["status"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).exitCode).toBe(-1);
  });

  it("always disables terminal prompts and passes extra env", async () => {
    const git = createGit({ env: { GIT_TERMINAL_PROMPT: "1", FERRY_TEST_VAR: "yes" } });
    const show = (name: string) =>
      git.run(process.cwd(), ["-c", `alias.showenv=!printenv ${name}`, "showenv"]).then((r) => r.stdout.trim());
    expect(await show("GIT_TERMINAL_PROMPT")).toBe("0");
    expect(await show("FERRY_TEST_VAR")).toBe("yes");
  });
});
