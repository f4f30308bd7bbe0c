import { commitStatusReporters } from "../server/commit-status/index.js";
import type { CommitStatusState } from "../server/commit-status/index.js";
import type { Store } from "../store/index.js";
import { secretValues } from "../store/index.js";
import type { SecretBox } from "../store/index.js";
import type { Bus } from "./bus.js";

type StatusReporting = { provider: "github" | "gitea"; apiUrl: string; tokenRef: string; owner: string; repo: string };

/** The commit status of a run, in the words every forge understands. */
export function runStatusState(status: string, conclusion: string | null | undefined): CommitStatusState {
  if (status !== "completed") return "pending";
  if (conclusion === "success") return "success";
  if (conclusion === "failure") return "failure";
  return "error";
}

/**
 * Posts a commit status to GitHub or Gitea for each run state change, for repositories that
 * configure `spec.statusReporting`. Failures are logged and retried a few times, never fatal.
 */
export function startStatusReporting(deps: { store: Store; box: SecretBox; bus: Bus; publicUrl(): string; log(msg: string, f?: Record<string, unknown>): void }): () => void {
  const { store } = deps;
  const last = new Map<number, string>();
  return deps.bus.on((e) => {
    if (e.type !== "run-updated") return;
    const run = store.sqlite.prepare("SELECT id, repo, sha, status, conclusion, workflow_name FROM runs WHERE id = ?").get(e.runId) as
      { id: number; repo: string; sha: string; status: string; conclusion: string | null; workflow_name: string } | undefined;
    if (!run) return;
    const spec = store.sqlite.prepare("SELECT spec FROM resources WHERE kind = 'Repository' AND name = ?").get(run.repo) as { spec: string } | undefined;
    const reporting = spec ? (JSON.parse(spec.spec) as { statusReporting?: StatusReporting }).statusReporting : undefined;
    if (!reporting) return;
    const state = runStatusState(run.status, run.conclusion);
    if (last.get(run.id) === state) return;
    last.set(run.id, state);
    const reporter = commitStatusReporters.get(reporting.provider);
    const token = Object.values(secretValues(store, deps.box, run.repo, [reporting.tokenRef]))[0];
    if (!reporter || !token) {
      deps.log("cannot post commit status: no token secret", { repository: run.repo, secret: reporting.tokenRef });
      return;
    }
    const description = state === "pending" ? (run.status === "queued" ? "Queued" : "Running") : `Run ${run.id} ${run.conclusion ?? ""}`.trim();
    const post = async (attempt: number): Promise<void> => {
      try {
        await reporter.report(
          { apiUrl: reporting.apiUrl, owner: reporting.owner, repo: reporting.repo, token, sha: run.sha },
          { state, context: `ferry/${run.workflow_name}`, description, targetUrl: `${deps.publicUrl()}/runs/${run.id}` },
        );
      } catch (error: unknown) {
        const retryable = (error as { retryable?: boolean }).retryable === true;
        deps.log("commit status not posted", { repository: run.repo, run: run.id, error: error instanceof Error ? error.message : String(error) });
        if (retryable && attempt < 3) setTimeout(() => { void post(attempt + 1); }, 1000 * 2 ** attempt).unref();
      }
    };
    void post(0);
  });
}
