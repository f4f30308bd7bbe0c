// Test support (imported only by *.test.ts): throwaway Git repositories whose
// behaviour does not depend on the machine's Git configuration.
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createGit, type Git } from "./git.js";

export interface TempRepo {
  dir: string;
  git: Git;
  /** Runs git in the repository and returns trimmed stdout. */
  sh: (...args: string[]) => Promise<string>;
  write: (file: string, content: string) => Promise<void>;
  /** Stages everything and commits; returns the new commit's sha. */
  commit: (message: string) => Promise<string>;
  cleanup: () => Promise<void>;
}

export const AUTHOR = { name: "Octo Cat", email: "12345+octocat@users.noreply.github.com" };
export const COMMITTER = { name: "Release Bot", email: "bot@example.com" };
export const COMMIT_DATE = "2024-01-02T03:04:05+02:00";

export async function makeTempDir(): Promise<string> {
  return realpath(await mkdtemp(path.join(os.tmpdir(), "ferry-git-")));
}

export function isolatedGit(ceiling: string): Git {
  return createGit({
    env: {
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CEILING_DIRECTORIES: path.dirname(ceiling),
      GIT_AUTHOR_NAME: AUTHOR.name,
      GIT_AUTHOR_EMAIL: AUTHOR.email,
      GIT_AUTHOR_DATE: COMMIT_DATE,
      GIT_COMMITTER_NAME: COMMITTER.name,
      GIT_COMMITTER_EMAIL: COMMITTER.email,
      GIT_COMMITTER_DATE: COMMIT_DATE,
    },
  });
}

export async function makeTempRepo(opts: { branch?: string; name?: string } = {}): Promise<TempRepo> {
  const parent = await makeTempDir();
  const dir = path.join(parent, opts.name ?? "repo");
  await mkdir(dir);
  const git = isolatedGit(parent);
  const sh = async (...args: string[]): Promise<string> => (await git.run(dir, args)).stdout.trim();
  await sh("init", "--quiet", `--initial-branch=${opts.branch ?? "main"}`);
  return {
    dir,
    git,
    sh,
    write: async (file, content) => {
      const full = path.join(dir, file);
      await mkdir(path.dirname(full), { recursive: true });
      await writeFile(full, content);
    },
    commit: async (message) => {
      await sh("add", "--all");
      await git.run(dir, ["commit", "--quiet", "--allow-empty", "--no-verify", "--file=-"], { input: message });
      return sh("rev-parse", "HEAD");
    },
    cleanup: () => rm(parent, { recursive: true, force: true }),
  };
}
