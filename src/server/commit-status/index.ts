import { giteaReporter } from "./gitea/reporter.js";
import { githubReporter } from "./github/reporter.js";
import type { CommitStatusReporter } from "./types.js";

export type { CommitStatus, CommitStatusReporter, CommitStatusState, CommitStatusTarget } from "./types.js";
export { CommitStatusError } from "./commit-status-error.js";
export { giteaReporter } from "./gitea/reporter.js";
export { githubReporter } from "./github/reporter.js";

/** Commit status reporters keyed by id: the `provider` of a Repository's `statusReporting`. */
export const commitStatusReporters: ReadonlyMap<CommitStatusReporter["id"], CommitStatusReporter> = new Map(
  [githubReporter, giteaReporter].map((reporter) => [reporter.id, reporter] as const),
);
