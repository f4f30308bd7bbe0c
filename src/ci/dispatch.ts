import type { Mirrors } from "../git/mirror.js";
import { InputError } from "../workflow/index.js";
import type { Value } from "../workflow/index.js";
import { resolveInputs } from "../workflow/index.js";
import { parseWorkflowText } from "../workflow/index.js";
import type { WorkflowDef } from "../workflow/index.js";
import type { Store } from "../store/index.js";
import { createRun } from "../store/index.js";
import { appendEvent } from "../store/index.js";
import type { Bus } from "./bus.js";
import type { Scheduler } from "./scheduler.js";
import { repositoryFullName, workflowFiles } from "./trigger-commit.js";

export type CreateRunDeps = { store: Store; mirrors: Mirrors; scheduler: Scheduler; bus: Bus };

/** The commit a branch, tag or full ref of a watched repository points at, as last seen. */
export function resolveRef(store: Store, repo: string, ref: string): { ref: string; sha: string } | undefined {
  const candidates = ref.startsWith("refs/") ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  for (const r of candidates) {
    const row = store.sqlite.prepare("SELECT sha FROM repo_refs WHERE repo = ? AND ref = ?").get(repo, r) as { sha: string } | undefined;
    if (row) return { ref: r, sha: row.sha };
  }
  return undefined;
}

/** Finds a workflow by file name or path at a commit and parses it. */
export async function workflowAt(mirrors: Mirrors, repo: string, sha: string, name: string): Promise<{ file: string; text: string; wf: WorkflowDef }> {
  const files = await workflowFiles(mirrors, repo, sha);
  const file = files.find((f) => f === name || f.endsWith(`/${name}`));
  if (!file) throw new InputError([{ file: name, message: `no workflow "${name}" in ${repo} at ${sha.slice(0, 7)} (there are: ${files.join(", ") || "none"})` }]);
  const text = (await mirrors.readFile(repo, sha, file)) ?? "";
  return { file, text, wf: await parseWorkflowText(text, file) };
}

/** Queues a run of a workflow on a ref: workflow_dispatch (with typed inputs) or schedule. */
export async function queueRun(
  deps: CreateRunDeps,
  r: { repo: string; url: string; workflow: string; ref: string; event: "workflow_dispatch" | "schedule"; inputs?: Record<string, string>; actor: string; schedule?: string },
): Promise<number> {
  const target = resolveRef(deps.store, r.repo, r.ref);
  if (!target) throw new InputError([{ file: "ref", message: `${r.repo} has no branch or tag "${r.ref}" (as last polled)` }]);
  const { file, text, wf } = await workflowAt(deps.mirrors, r.repo, target.sha, r.workflow);
  let inputs: Record<string, Value> = {};
  if (r.event === "workflow_dispatch") {
    if (!wf.dispatchInputs) throw new InputError([{ file, message: `${file} cannot be dispatched: it has no on.workflow_dispatch` }]);
    const missing: string[] = [];
    inputs = resolveInputs(wf.dispatchInputs, r.inputs ?? {}, { github: {} }, file, (m) => missing.push(m));
    if (missing.length) throw new InputError(missing.map((message) => ({ file, message })));
    const unknown = Object.keys(r.inputs ?? {}).filter((k) => !Object.keys(wf.dispatchInputs ?? {}).some((d) => d.toLowerCase() === k.toLowerCase()));
    if (unknown.length) throw new InputError([{ file, message: `unexpected inputs: ${unknown.join(", ")}` }]);
  }
  const fullName = repositoryFullName(r.repo, r.url);
  const payload: Record<string, unknown> = r.event === "workflow_dispatch"
    ? { inputs: r.inputs ?? {}, ref: target.ref, workflow: file, repository: { full_name: fullName, name: fullName.split("/")[1] }, sender: { login: r.actor } }
    : { schedule: r.schedule, repository: { full_name: fullName, name: fullName.split("/")[1] } };
  const id = createRun(deps.store, {
    repo: r.repo, workflowFile: file, workflowName: wf.name ?? file, workflowText: text, event: r.event, ref: target.ref, sha: target.sha,
    actor: r.actor, payload, inputs, jobIds: wf.jobs.map((j) => j.id),
  });
  await appendEvent(deps.store, { actor: r.actor, action: "run.created", kind: "WorkflowRun", name: String(id), data: { repository: r.repo, workflow: file, ref: target.ref, sha: target.sha, event: r.event } });
  deps.bus.emit({ type: "run-updated", runId: id, status: "queued" });
  deps.scheduler.remember(id, wf);
      await deps.scheduler.advance(id);
  return id;
}
