/** Where a status goes. `apiUrl` is the forge's API root: https://api.github.com, https://gitea.example.com/api/v1. */
export type CommitStatusTarget = { apiUrl: string; owner: string; repo: string; token: string; sha: string };

/** The states every forge accepts (Gitea also has "warning", which Ferry does not send). */
export type CommitStatusState = "pending" | "success" | "failure" | "error";

export type CommitStatus = {
  state: CommitStatusState;
  /** Label that tells this status apart from others on the commit, e.g. "ferry/ci: build". */
  context: string;
  description: string;
  /** Link shown with the status, e.g. the run's page in the dashboard. */
  targetUrl?: string | undefined;
};

/** Posts commit statuses to one kind of forge. Throws CommitStatusError; never puts the token in an error. */
export type CommitStatusReporter = {
  id: "github" | "gitea";
  report(target: CommitStatusTarget, status: CommitStatus): Promise<void>;
};
