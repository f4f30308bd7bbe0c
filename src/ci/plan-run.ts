import { stringify } from "../workflow/index.js";
import type { Contexts, Value } from "../workflow/index.js";
import { ancestorsOf, combineResults, decideJob, jobStatusFunctions, needsContext } from "../workflow/index.js";
import type { JobConclusion } from "../workflow/index.js";
import type { JobDef, WorkflowDef } from "../workflow/index.js";
import { interpolate } from "../workflow/index.js";
import { secretNamesIn } from "./job-payload.js";
import type { JobPayload } from "./job-payload.js";

export type WorkflowJobState = { jobId: string; status: "pending" | "running" | "completed"; result?: JobConclusion | undefined; outputs?: Record<string, string> | undefined };
export type InstanceState = { id: number; jobId: string; status: "queued" | "in_progress" | "completed"; conclusion?: string | null | undefined; outputs?: Record<string, string> | undefined };

export type RunPlanInput = {
  runId: number;
  wf: WorkflowDef;
  github: Record<string, Value>;
  inputs: Record<string, Value>;
  vars: Record<string, Value>;
  workflowJobs: WorkflowJobState[];
  instances: InstanceState[];
  cancelled: boolean;
};

export type PlannedInstance = { name: string; labels: string[]; payload: JobPayload };

export type RunAction =
  | { type: "skip"; jobId: string }
  | { type: "expand"; jobId: string; instances: PlannedInstance[] }
  | { type: "fail"; jobId: string; reason: string }
  | { type: "cancel-instances"; jobId: string; reason: string }
  | { type: "complete-job"; jobId: string; result: JobConclusion; outputs: Record<string, string> }
  | { type: "complete-run"; conclusion: "success" | "failure" | "cancelled" };

/** `runs-on` as a list of labels, lower-cased. */
export function labelsOf(runsOn: Value): string[] {
  if (typeof runsOn === "string") return [runsOn.toLowerCase()];
  if (Array.isArray(runsOn)) return runsOn.map((l) => stringify(l).toLowerCase());
  if (runsOn && typeof runsOn === "object" && "labels" in runsOn) return labelsOf(runsOn.labels ?? null);
  return [];
}

/**
 * The next actions for a run, from its workflow and the state of its jobs. Pure: the scheduler
 * applies the actions in one transaction and calls this again until it returns nothing.
 */
export function planRun(input: RunPlanInput): RunAction[] {
  const { wf } = input;
  const actions: RunAction[] = [];
  const done = new Map<string, { result: JobConclusion; outputs: Record<string, string> }>();
  for (const s of input.workflowJobs) if (s.status === "completed") done.set(s.jobId, { result: s.result ?? "skipped", outputs: s.outputs ?? {} });

  for (const s of input.workflowJobs) {
    const job = wf.jobs.find((j) => j.id === s.jobId);
    if (!job) continue;
    if (s.status === "pending") {
      if (!job.needs.every((n) => done.has(n))) continue;
      if (input.cancelled) {
        actions.push({ type: "skip", jobId: job.id });
        continue;
      }
      actions.push(decide(input, job, done));
    } else if (s.status === "running") {
      const mine = input.instances.filter((i) => i.jobId === job.id);
      const open = mine.filter((i) => i.status !== "completed");
      const failed = mine.some((i) => i.status === "completed" && i.conclusion === "failure");
      const failFast = (job.strategy as { "fail-fast"?: unknown } | undefined)?.["fail-fast"] !== false;
      if (open.length > 0 && failed && failFast && mine.length > 1) {
        actions.push({ type: "cancel-instances", jobId: job.id, reason: "Another matrix job failed (fail-fast)" });
      }
      if (open.length === 0) {
        const result = combineResults(mine.map((i) => (i.conclusion ?? "failure") as JobConclusion));
        const outputs = Object.assign({}, ...mine.map((i) => i.outputs ?? {})) as Record<string, string>;
        const allowed = job.continueOnError === true || job.continueOnError === "true";
        actions.push({ type: "complete-job", jobId: job.id, result: result === "failure" && allowed ? "success" : result, outputs });
      }
    }
  }
  const finished = input.workflowJobs.every((s) => s.status === "completed")
    && !actions.some((a) => a.type !== "complete-run");
  if (finished) {
    const results = input.workflowJobs.map((s) => s.result ?? "skipped");
    const conclusion = results.includes("failure") ? "failure" : results.includes("cancelled") || input.cancelled ? "cancelled" : "success";
    actions.push({ type: "complete-run", conclusion });
  }
  return actions;
}

function decide(input: RunPlanInput, job: JobDef, done: Map<string, { result: JobConclusion; outputs: Record<string, string> }>): RunAction {
  const { wf } = input;
  const needs = needsContext(job, done);
  const ctx: Contexts = { github: input.github, inputs: input.inputs, vars: input.vars, needs, env: {} };
  const fns = jobStatusFunctions([...ancestorsOf(wf, job.id)].map((n) => done.get(n)?.result), () => input.cancelled);
  let decision;
  try {
    decision = decideJob(job, ctx, fns);
  } catch (error: unknown) {
    return { type: "fail", jobId: job.id, reason: error instanceof Error ? error.message : String(error) };
  }
  if (decision.kind === "skip") return { type: "skip", jobId: job.id };
  if (decision.kind === "call") return { type: "fail", jobId: job.id, reason: `reusable workflow jobs (uses: ${job.uses ?? ""}) do not run on the server yet; run them with ferry run` };
  if (job.container !== undefined && job.container !== null) return { type: "fail", jobId: job.id, reason: "container jobs need a runner with a container engine, which Ferry's runner does not provide yet" };
  const secretNames = secretNamesIn([job.steps, job.env, wf.env, job.outputs]);
  return {
    type: "expand",
    jobId: job.id,
    instances: decision.instances.map((inst) => {
      const ictx: Contexts = { ...ctx, matrix: inst.matrix ?? {}, strategy: inst.strategy };
      const labels = job.runsOn === undefined ? [] : labelsOf(interpolate(job.runsOn, ictx, fns));
      return {
        name: inst.name,
        labels,
        payload: {
          runId: input.runId, jobId: job.id, name: inst.name,
          steps: job.steps as unknown as Array<Record<string, unknown>>,
          defaults: { shell: job.defaults.shell ?? wf.defaults.shell, workingDirectory: job.defaults.workingDirectory ?? wf.defaults.workingDirectory },
          workflowEnv: wf.env ?? null, jobEnv: job.env ?? null, outputs: job.outputs,
          timeoutMinutes: job.timeoutMinutes ?? 360, continueOnError: job.continueOnError ?? false,
          contexts: { github: input.github, vars: input.vars, needs, matrix: inst.matrix, strategy: inst.strategy, inputs: input.inputs },
          secretNames,
        },
      };
    }),
  };
}
