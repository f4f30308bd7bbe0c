import type { Git } from "../git/git.js";
import type { Mirrors } from "../git/mirror.js";
import { tryResolveCommit } from "../git/repo-info.js";
import { InputError } from "../workflow/index.js";
import { parseWorkflowText } from "../workflow/index.js";
import { matchTrigger } from "../workflow/index.js";
import type { Store } from "../store/index.js";
import { createFailedRun, createRun } from "../store/index.js";
import { appendEvent } from "../store/index.js";
import type { Bus } from "./bus.js";
import type { Scheduler } from "./scheduler.js";
import { workflowFiles } from "./trigger-commit.js";

export type PullRequestChange = {
  repo: string; url: string; provider: "github" | "gitea" | "gitlab"; action: string; number: number;
  headSha: string; baseRef: string; payload: Record<string, unknown>;
};

type Deps = { store: Store; mirrors: Mirrors; git: Git; scheduler: Scheduler; bus: Bus };
type PrEvent = "pull_request" | "pull_request_target";

const SHA = /^[0-9a-f]{40}$/;

/**
 * A pull (merge) request was opened or updated. As on GitHub:
 * - `pull_request` workflows run at the test merge of the head into the base branch (a merge
 *   commit made in the mirror, `GITHUB_SHA`; `GITHUB_REF=refs/pull/N/merge`), with the workflows
 *   of that merge. When the head conflicts with the base there is no merge: each workflow that
 *   would run gets a failed run at the head that says why, and nothing runs.
 * - `pull_request_target` workflows run at the base branch's commit, with the base's workflows.
 */
export async function triggerPullRequest(deps: Deps, pr: PullRequestChange): Promise<number[]> {
  if (!SHA.test(pr.headSha) || !Number.isInteger(pr.number) || pr.number <= 0) return [];
  const mirror = await deps.mirrors.ensure(pr.repo, pr.url);
  // A branch of the same repository arrives with a normal fetch; a fork's only through the pull ref.
  if (!(await tryResolveCommit(deps.git, mirror, pr.headSha))) await deps.mirrors.fetch(pr.repo, pr.url);
  if (!(await tryResolveCommit(deps.git, mirror, pr.headSha))) {
    const ref = pr.provider === "gitlab" ? `refs/merge-requests/${pr.number}/head` : `refs/pull/${pr.number}/head`;
    await deps.git.run(mirror, ["fetch", "--quiet", "--no-tags", "--end-of-options", pr.url, `+${ref}:refs/ferry/pull/${pr.number}/head`]);
  }
  const baseBranch = pr.baseRef.replace(/^refs\/heads\//, "");
  const baseRef = `refs/heads/${baseBranch}`;
  let base = await tryResolveCommit(deps.git, mirror, baseRef);
  if (!base) {
    await deps.mirrors.fetch(pr.repo, pr.url);
    base = await tryResolveCommit(deps.git, mirror, baseRef);
  }
  const changed = await deps.mirrors.changedFiles(pr.repo, base, pr.headSha).catch(() => undefined);
  const ids: number[] = [];

  if (base) ids.push(...await createRuns(deps, pr, "pull_request_target", { sha: base, ref: baseRef, changed }));

  const merge = base ? await deps.mirrors.mergePullRequest(pr.repo, pr.number, base, pr.headSha) : undefined;
  const ref = `refs/pull/${pr.number}/merge`;
  if (merge?.ok) {
    ids.push(...await createRuns(deps, pr, "pull_request", { sha: merge.sha, ref, changed }));
  } else {
    const why = merge
      ? `not run: pull request #${pr.number} has conflicts with ${baseBranch} that must be resolved (${merge.conflicts.join(", ")})`
      : `not run: the base branch ${baseBranch} of pull request #${pr.number} is not in the repository`;
    ids.push(...await createRuns(deps, pr, "pull_request", { sha: pr.headSha, ref, changed, notRun: why }));
  }
  return ids;
}

/** Runs of the workflows at `at.sha` that the event triggers; with `notRun`, failed runs that say why instead. */
async function createRuns(
  deps: Deps, pr: PullRequestChange, event: PrEvent, at: { sha: string; ref: string; changed: string[] | undefined; notRun?: string },
): Promise<number[]> {
  const files = await workflowFiles(deps.mirrors, pr.repo, at.sha);
  const ids: number[] = [];
  const actor = String((pr.payload.sender as { login?: string } | undefined)?.login ?? "ferry");
  for (const file of files) {
    const text = (await deps.mirrors.readFile(pr.repo, at.sha, file)) ?? "";
    const run = { repo: pr.repo, workflowFile: file, workflowName: file, workflowText: text, event, ref: at.ref, sha: at.sha, actor, payload: pr.payload, inputs: {} };
    try {
      const wf = await parseWorkflowText(text, file);
      if (!matchTrigger(wf.on, { name: event, payload: pr.payload, changedFiles: at.changed }).triggered) continue;
      const data = { repository: pr.repo, workflow: file, pullRequest: pr.number, sha: at.sha, event };
      if (at.notRun !== undefined) {
        const id = createFailedRun(deps.store, { ...run, workflowName: wf.name ?? file }, at.notRun);
        ids.push(id);
        deps.bus.emit({ type: "run-updated", runId: id, status: "completed", conclusion: "failure" });
        await appendEvent(deps.store, { actor, action: "run.not-run", kind: "WorkflowRun", name: String(id), data: { ...data, reason: at.notRun } });
        continue;
      }
      const id = createRun(deps.store, { ...run, workflowName: wf.name ?? file, jobIds: wf.jobs.map((j) => j.id) });
      ids.push(id);
      deps.bus.emit({ type: "run-updated", runId: id, status: "queued" });
      await appendEvent(deps.store, { actor, action: "run.created", kind: "WorkflowRun", name: String(id), data });
      deps.scheduler.remember(id, wf);
      await deps.scheduler.advance(id);
    } catch (error: unknown) {
      if (!(error instanceof InputError)) throw error;
      // An invalid workflow at the base cannot be the pull request's fault: only its own are reported.
      if (event === "pull_request") ids.push(createFailedRun(deps.store, run, `invalid workflow: ${error.message}`));
    }
  }
  return ids;
}
