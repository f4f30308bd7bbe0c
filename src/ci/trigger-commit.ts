import { posix } from "node:path";
import type { Mirrors } from "../git/mirror.js";
import { parseRepositoryUrl } from "../git/parse-repository-url.js";
import { InputError } from "../workflow/index.js";
import { parseWorkflowText } from "../workflow/index.js";
import { matchTrigger } from "../workflow/index.js";
import type { Store } from "../store/index.js";
import { createFailedRun, createRun } from "../store/index.js";
import { appendEvent } from "../store/index.js";
import type { Scheduler } from "./scheduler.js";
import type { Bus } from "./bus.js";

export const WORKFLOW_DIRS = [".ferry/workflows", ".gitea/workflows", ".github/workflows"] as const;
const ZERO = "0".repeat(40);

export type RefChange = { repo: string; url: string; ref: string; before: string | null; after: string; actor: string };

/** `owner/name` for the github context: from the remote URL, else `ferry/<resource name>`. */
export function repositoryFullName(repo: string, url: string): string {
  const parsed = parseRepositoryUrl(url);
  return parsed && !parsed.startsWith("local/") ? parsed : `ferry/${repo}`;
}

/**
 * A branch or tag moved: read the workflows at the new commit from the mirror, run the trigger
 * rules against a GitHub-shaped push payload, and create a run for each workflow it triggers.
 * An invalid workflow becomes a failed run that says why, as on GitHub.
 */
export async function triggerPush(deps: { store: Store; mirrors: Mirrors; scheduler: Scheduler; bus?: Bus }, change: RefChange): Promise<number[]> {
  const { store, mirrors } = deps;
  // Independent git reads run side by side: they are most of the time from a push to a run.
  const [files, head, changed] = await Promise.all([
    workflowFiles(mirrors, change.repo, change.after),
    mirrors.commit(change.repo, change.after),
    mirrors.changedFiles(change.repo, change.before, change.after).catch(() => undefined),
  ]);
  if (files.length === 0) return [];
  const fullName = repositoryFullName(change.repo, change.url);
  const headCommit = {
    id: head.id, tree_id: head.treeId, message: head.message, timestamp: head.timestamp, author: head.author, committer: head.committer,
    added: head.added, removed: head.removed, modified: head.modified, distinct: true,
  };
  const [owner = "ferry", name = change.repo] = fullName.split("/");
  const payload: Record<string, unknown> = {
    ref: change.ref, before: change.before ?? ZERO, after: change.after, created: change.before === null, deleted: false, forced: false,
    base_ref: null, compare: "", commits: [headCommit], head_commit: headCommit,
    pusher: { name: change.actor, email: head.committer.email }, sender: { login: change.actor, type: "User" },
    repository: { name, full_name: fullName, owner: { login: owner, name: owner }, default_branch: "main", clone_url: change.url },
  };
  const runIds: number[] = [];
  const texts = await Promise.all(files.map(async (f) => (await mirrors.readFile(change.repo, change.after, f)) ?? ""));
  for (const [i, file] of files.entries()) {
    const text = texts[i] ?? "";
    const base = {
      repo: change.repo, workflowFile: file, workflowName: file, workflowText: text, event: "push", ref: change.ref, sha: change.after,
      actor: change.actor, payload, inputs: {},
    };
    try {
      const wf = await parseWorkflowText(text, file);
      const decision = matchTrigger(wf.on, { name: "push", payload, changedFiles: change.ref.startsWith("refs/tags/") ? undefined : changed });
      if (!decision.triggered) continue;
      const id = createRun(store, { ...base, workflowName: wf.name ?? file, jobIds: wf.jobs.map((j) => j.id) });
      runIds.push(id);
      deps.bus?.emit({ type: "run-updated", runId: id, status: "queued" });
      await appendEvent(store, { actor: change.actor, action: "run.created", kind: "WorkflowRun", name: String(id), data: { repository: change.repo, workflow: file, ref: change.ref, sha: change.after } });
      deps.scheduler.remember(id, wf);
      await deps.scheduler.advance(id);
    } catch (error: unknown) {
      if (!(error instanceof InputError)) throw error;
      const id = createFailedRun(store, base, `invalid workflow: ${error.message}`);
      runIds.push(id);
      deps.bus?.emit({ type: "run-updated", runId: id, status: "completed", conclusion: "failure" });
    }
  }
  return runIds;
}

/** The workflow files at a commit: those of the first workflow directory that has any. */
export async function workflowFiles(mirrors: Mirrors, repo: string, sha: string): Promise<string[]> {
  const all = await mirrors.listFiles(repo, sha, [...WORKFLOW_DIRS]);
  for (const dir of WORKFLOW_DIRS) {
    const mine = all.filter((f) => posix.dirname(f) === dir && /\.ya?ml$/.test(f));
    if (mine.length > 0) return mine;
  }
  return [];
}
