import { z } from "zod";
import { GitError, headSha } from "../../git/index.js";
import { gitAccess } from "./git-access.js";
import { realPathInside } from "./resolve-inside.js";
import type { PromotionStep, StepDeps } from "./types.js";

const oneLine = z.string().min(1).regex(/^[^\n\r\0<>]*$/, { error: "must be one line without < or >" });

export const gitCommitConfigSchema = z.strictObject({
  /** The clone (the `path` output of git-clone). */
  path: z.string().min(1),
  message: z.string().min(1),
  /** Author and committer; defaults to Ferry. */
  author: z.strictObject({ name: oneLine, email: oneLine }).optional(),
});
export type GitCommitConfig = z.infer<typeof gitCommitConfigSchema>;

export const DEFAULT_AUTHOR = { name: "Ferry", email: "ferry@localhost" } as const;

/** `git-commit`: commits every change in the clone. Outputs `{ commit, committed }` (no commit when nothing changed). */
export function createGitCommitStep(deps: StepDeps = {}): PromotionStep<GitCommitConfig> {
  return {
    name: "git-commit",
    configSchema: gitCommitConfigSchema,
    async run(config, ctx) {
      const dir = await realPathInside(ctx.workDir, config.path, "path");
      const author = config.author ?? DEFAULT_AUTHOR;
      const { git } = gitAccess(deps, ctx, undefined, {
        GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email,
      });
      await git.run(dir, ["add", "--all"]);
      const diff = await git.run(dir, ["diff", "--cached", "--quiet"], { allowFailure: true });
      if (diff.code !== 0 && diff.code !== 1) throw new GitError(["diff", "--cached"], diff.stderr, diff.code);
      if (diff.code === 0) {
        const commit = await headSha(git, dir);
        ctx.log(`nothing to commit; staying at ${commit}`);
        return { status: "Succeeded", message: "nothing to commit", outputs: { commit, committed: false } };
      }
      await git.run(dir, ["-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "--file=-"], { input: config.message });
      const commit = await headSha(git, dir);
      ctx.log(`committed ${commit}`);
      return { status: "Succeeded", outputs: { commit, committed: true } };
    },
  };
}
