import type { Git } from "../../git/index.js";
import { StepConfigError } from "./step-config-error.js";

/** Checks `branch` is a valid branch name that cannot be read as an option or a refspec. */
export async function assertBranchName(git: Git, cwd: string, branch: string, field: string): Promise<void> {
  const invalid = branch.startsWith("-") || branch.includes(":") || branch.includes("\0");
  const res = invalid ? undefined : await git.run(cwd, ["check-ref-format", `refs/heads/${branch}`], { allowFailure: true });
  if (res?.code !== 0) throw new StepConfigError(`${field}: ${JSON.stringify(branch)} is not a valid branch name`, { path: field });
}
