import { z } from "zod";
import { headSha, type Git } from "../../git/index.js";
import { assertBranchName } from "./assert-branch-name.js";
import { gitAccess } from "./git-access.js";
import { DEFAULT_AUTHOR } from "./git-commit.js";
import { realPathInside } from "./resolve-inside.js";
import { StepFailedError } from "./step-failed-error.js";
import type { PromotionStep, StepContext, StepDeps } from "./types.js";

export const gitPushConfigSchema = z.strictObject({
  /** The clone (the `path` output of git-clone). */
  path: z.string().min(1),
  /** Remote branch to push to; the clone's current branch when omitted. */
  branch: z.string().min(1).optional(),
  /** How often to fetch, rebase and push again after the remote moved on. */
  retries: z.number().int().min(0).max(50).default(5),
});
export type GitPushConfig = z.infer<typeof gitPushConfigSchema>;

async function currentBranch(git: Git, dir: string): Promise<string> {
  const res = await git.run(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"], { allowFailure: true });
  const branch = res.stdout.trim();
  if (res.code !== 0 || branch === "") throw new StepFailedError("the clone has no current branch (detached HEAD); set branch");
  return branch;
}

/**
 * After a rejected push: fetches the remote branch and, if it moved on (the push was not a fast
 * forward), rebases onto it. Returns false when the rejection had another cause.
 */
async function catchUp(git: Git, dir: string, branch: string, ctx: StepContext): Promise<boolean> {
  const fetched = await git.run(dir, ["fetch", "--quiet", "--no-tags", "--end-of-options", "origin", `refs/heads/${branch}`], { allowFailure: true });
  if (fetched.code !== 0) return false;
  const remote = (await git.run(dir, ["rev-parse", "--verify", "FETCH_HEAD^{commit}"])).stdout.trim();
  const behind = await git.run(dir, ["merge-base", "--is-ancestor", remote, "HEAD"], { allowFailure: true });
  if (behind.code === 0) return false;
  ctx.log(`${branch} moved on to ${remote}; rebasing`);
  const rebased = await git.run(dir, ["rebase", "--quiet", remote], { allowFailure: true });
  if (rebased.code !== 0) {
    await git.run(dir, ["rebase", "--abort"], { allowFailure: true });
    throw new StepFailedError(`cannot rebase onto ${branch} at ${remote}: the changes conflict`);
  }
  return true;
}

/**
 * `git-push`: pushes the clone's HEAD to the branch. When the remote moved on meanwhile it
 * fetches, rebases and tries again. Outputs `{ commit, branch }`, the pushed head.
 */
export function createGitPushStep(deps: StepDeps = {}): PromotionStep<GitPushConfig> {
  return {
    name: "git-push",
    configSchema: gitPushConfigSchema,
    async run(config, ctx) {
      const dir = await realPathInside(ctx.workDir, config.path, "path");
      const url = (await gitAccess(deps, ctx, undefined).git.run(dir, ["remote", "get-url", "origin"])).stdout.trim();
      const { git, redact } = gitAccess(deps, ctx, url, {
        GIT_COMMITTER_NAME: DEFAULT_AUTHOR.name, GIT_COMMITTER_EMAIL: DEFAULT_AUTHOR.email,
      });
      const branch = config.branch ?? (await currentBranch(git, dir));
      await assertBranchName(git, dir, branch, "branch");
      for (let attempt = 0; ; attempt++) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const pushed = await git.run(dir, ["push", "--quiet", "--end-of-options", "origin", `HEAD:refs/heads/${branch}`], { allowFailure: true });
        if (pushed.code === 0) {
          const commit = await headSha(git, dir);
          ctx.log(`pushed ${commit} to ${branch}`);
          ctx.pushed?.({ repoURL: url, branch, commit });
          return { status: "Succeeded", outputs: { commit, branch } };
        }
        const why = redact(pushed.stderr.trim().split("\n").filter((l) => l.trim() !== "").slice(-6).join(" / "));
        if (attempt >= config.retries) {
          throw new StepFailedError(`push to ${branch} rejected after ${attempt + 1} attempts: ${why}`);
        }
        if (!(await catchUp(git, dir, branch, ctx))) throw new StepFailedError(`push to ${branch} failed: ${why}`);
      }
    },
  };
}
