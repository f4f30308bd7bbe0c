// Test support (imported only by *.test.ts): a bare "config" repository in a temp dir, a work
// directory for promotions, and a Git configuration that ignores the machine's.
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createGit, type Git } from "../../git/index.js";
import type { StepContext, StepDeps } from "./types.js";

export const VALUES_YAML = `# Desired state of the app in dev.
# Edited by Ferry promotions; keep comments.
apiVersion: ferry/v1alpha1
kind: Service
metadata:
  name: app   # the service name
spec:
  # The artifact to run, pinned by digest.
  artifact: "registry.local/app@sha256:1111"   # old build
  replicas: 2
  env:
    - name: LOG_LEVEL
      value: info
`;

export type ConfigRepo = {
  root: string;
  /** The bare repository; its path is the clone URL. */
  bare: string;
  workDir: string;
  deps: StepDeps;
  git: Git;
  /** Commits `content` to `file` on main from another clone, as a concurrent promotion would. */
  pushFromElsewhere(file: string, content: string, message: string): Promise<string>;
  /** `git show main:<file>` in the bare repository. */
  remoteFile(file: string, branch?: string): Promise<string>;
  remoteHead(branch?: string): Promise<string>;
  cleanup(): Promise<void>;
};

const ISOLATED = {
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test", GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test", GIT_COMMITTER_EMAIL: "test@example.com",
};

export async function makeConfigRepo(files: Record<string, string> = { "dev/values.yaml": VALUES_YAML }): Promise<ConfigRepo> {
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), "ferry-steps-")));
  const createTestGit = (opts?: { env?: Record<string, string> }): Git =>
    createGit({ env: { ...ISOLATED, GIT_CEILING_DIRECTORIES: root, ...opts?.env } });
  const git = createTestGit();
  const bare = path.join(root, "config.git");
  const seed = path.join(root, "seed");
  const workDir = path.join(root, "work");
  await mkdir(workDir);
  await git.run(root, ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  await git.run(root, ["clone", "--quiet", bare, seed]);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(seed, file)), { recursive: true });
    await writeFile(path.join(seed, file), content);
  }
  await git.run(seed, ["add", "--all"]);
  await git.run(seed, ["commit", "--quiet", "-m", "initial config"]);
  await git.run(seed, ["push", "--quiet", "origin", "HEAD:refs/heads/main"]);
  const sh = async (cwd: string, ...args: string[]): Promise<string> => (await git.run(cwd, args)).stdout;
  return {
    root, bare, workDir, git,
    deps: { createGit: createTestGit },
    async pushFromElsewhere(file, content, message) {
      await sh(seed, "pull", "--quiet", "--rebase", "origin", "main");
      await writeFile(path.join(seed, file), content);
      await sh(seed, "add", "--all");
      await sh(seed, "commit", "--quiet", "-m", message);
      await sh(seed, "push", "--quiet", "origin", "HEAD:refs/heads/main");
      return (await sh(seed, "rev-parse", "HEAD")).trim();
    },
    remoteFile: (file, branch = "main") => sh(bare, "show", `${branch}:${file}`),
    remoteHead: async (branch = "main") => (await sh(bare, "rev-parse", `refs/heads/${branch}`)).trim(),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** A step context over `workDir` whose log lines are collected in `lines`. */
export function makeContext(workDir: string, extra: Partial<StepContext> = {}): StepContext & { lines: string[] } {
  const lines: string[] = [];
  return { workDir, vars: {}, signal: new AbortController().signal, log: (line) => lines.push(line), lines, ...extra };
}
