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

const SHA = /^[0-9a-f]{40}$/;

/**
 * A pull (merge) request was opened or updated: make sure its head commit is in the mirror
 * (fetching the forge's pull ref when the branch lives elsewhere), then run the workflows at that
 * commit that `pull_request` triggers, with the forge's payload as `github.event`.
 */
export async function triggerPullRequest(deps: { store: Store; mirrors: Mirrors; git: Git; scheduler: Scheduler; bus: Bus }, pr: PullRequestChange): Promise<number[]> {
  if (!SHA.test(pr.headSha) || !Number.isInteger(pr.number) || pr.number <= 0) return [];
  const mirror = await deps.mirrors.ensure(pr.repo, pr.url);
  // A branch of the same repository arrives with a normal fetch; a fork's only through the pull ref.
  if (!(await tryResolveCommit(deps.git, mirror, pr.headSha))) await deps.mirrors.fetch(pr.repo, pr.url);
  if (!(await tryResolveCommit(deps.git, mirror, pr.headSha))) {
    const ref = pr.provider === "gitlab" ? `refs/merge-requests/${pr.number}/head` : `refs/pull/${pr.number}/head`;
    await deps.git.run(mirror, ["fetch", "--quiet", "--no-tags", "--end-of-options", pr.url, `+${ref}:refs/ferry/pull/${pr.number}`]);
  }
  const base = await tryResolveCommit(deps.git, mirror, `refs/heads/${pr.baseRef.replace(/^refs\/heads\//, "")}`);
  const changed = await deps.mirrors.changedFiles(pr.repo, base, pr.headSha).catch(() => undefined);
  const files = await workflowFiles(deps.mirrors, pr.repo, pr.headSha);
  const ids: number[] = [];
  const ref = `refs/pull/${pr.number}/merge`;
  for (const file of files) {
    const text = (await deps.mirrors.readFile(pr.repo, pr.headSha, file)) ?? "";
    const run = {
      repo: pr.repo, workflowFile: file, workflowName: file, workflowText: text, event: "pull_request", ref, sha: pr.headSha,
      actor: String((pr.payload.sender as { login?: string } | undefined)?.login ?? "ferry"), payload: pr.payload, inputs: {},
    };
    try {
      const wf = await parseWorkflowText(text, file);
      if (!matchTrigger(wf.on, { name: "pull_request", payload: pr.payload, changedFiles: changed }).triggered) continue;
      const id = createRun(deps.store, { ...run, workflowName: wf.name ?? file, jobIds: wf.jobs.map((j) => j.id) });
      ids.push(id);
      deps.bus.emit({ type: "run-updated", runId: id, status: "queued" });
      await appendEvent(deps.store, { actor: run.actor, action: "run.created", kind: "WorkflowRun", name: String(id), data: { repository: pr.repo, workflow: file, pullRequest: pr.number, sha: pr.headSha } });
      deps.scheduler.remember(id, wf);
      await deps.scheduler.advance(id);
    } catch (error: unknown) {
      if (!(error instanceof InputError)) throw error;
      ids.push(createFailedRun(deps.store, run, `invalid workflow: ${error.message}`));
    }
  }
  return ids;
}
