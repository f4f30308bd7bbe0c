import { mkdir } from "node:fs/promises";
import { z } from "zod";
import { redactUrl, tryResolveCommit } from "../../git/index.js";
import { assertBranchName } from "./assert-branch-name.js";
import { gitAccess } from "./git-access.js";
import { resolveInside } from "./resolve-inside.js";
import { StepConfigError } from "./step-config-error.js";
import { StepFailedError } from "./step-failed-error.js";
import type { PromotionStep, StepDeps } from "./types.js";

export const gitCloneConfigSchema = z.strictObject({
  /** The config repository: a URL git understands (https, ssh, file or a local path). */
  repoURL: z.string().min(1),
  /** Branch to check out; the remote's default branch when omitted. */
  branch: z.string().min(1).optional(),
  /** Directory under the work directory to clone into. */
  path: z.string().min(1),
});
export type GitCloneConfig = z.infer<typeof gitCloneConfigSchema>;

/** `git-clone`: clones the config repository into the work directory. Outputs `{ path, commit, branch }`. */
export function createGitCloneStep(deps: StepDeps = {}): PromotionStep<GitCloneConfig> {
  return {
    name: "git-clone",
    configSchema: gitCloneConfigSchema,
    async run(config, ctx) {
      if (config.repoURL.startsWith("-") || config.repoURL.includes("\0") || /^ext::/i.test(config.repoURL)) {
        throw new StepConfigError(`repoURL: ${JSON.stringify(redactUrl(config.repoURL))} is not a usable repository URL`, { path: "repoURL" });
      }
      const dest = resolveInside(ctx.workDir, config.path, "path");
      if (dest === ctx.workDir) throw new StepConfigError("path: must name a directory under the work directory", { path: "path" });
      const { git } = gitAccess(deps, ctx, config.repoURL);
      await mkdir(ctx.workDir, { recursive: true });
      const args = ["clone", "--quiet", "--no-tags", "--single-branch"];
      if (config.branch !== undefined) {
        await assertBranchName(git, ctx.workDir, config.branch, "branch");
        args.push(`--branch=${config.branch}`);
      }
      ctx.log(`cloning ${redactUrl(config.repoURL)}${config.branch === undefined ? "" : ` (branch ${config.branch})`}`);
      await git.run(ctx.workDir, [...args, "--end-of-options", config.repoURL, dest]);
      const commit = await tryResolveCommit(git, dest, "HEAD");
      if (commit === null) throw new StepFailedError(`${redactUrl(config.repoURL)} has no commits to promote onto`);
      const branch = (await git.run(dest, ["symbolic-ref", "--quiet", "--short", "HEAD"])).stdout.trim();
      ctx.log(`cloned ${branch} at ${commit}`);
      return { status: "Succeeded", outputs: { path: dest, commit, branch } };
    },
  };
}
