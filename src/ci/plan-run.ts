import { stringify } from "../workflow/index.js";
import type { Contexts, Value } from "../workflow/index.js";
import { callInputs, callOutputs, callResult, calledJobId, combineResults, decideJob } from "../workflow/index.js";
import type { JobConclusion } from "../workflow/index.js";
import type { JobDef, WorkflowDef } from "../workflow/index.js";
import { interpolate } from "../workflow/index.js";
import { CONTAINER_LABEL, needsContainerEngine } from "./container-label.js";
import { secretNamesIn } from "./job-payload.js";
import type { JobPayload } from "./job-payload.js";
import { createScopes } from "./run-scopes.js";
import type { CallTarget, JobState, Scope } from "./run-scopes.js";

export type { CallTarget } from "./run-scopes.js";

export type WorkflowJobState = { jobId: string; status: "pending" | "running" | "completed"; result?: JobConclusion | undefined; outputs?: Record<string, string> | undefined };
export type InstanceState = { id: number; jobId: string; status: "waiting" | "queued" | "in_progress" | "completed"; conclusion?: string | null | undefined; outputs?: Record<string, string> | undefined };

export type RunPlanInput = {
  runId: number;
  wf: WorkflowDef;
  github: Record<string, Value>;
  inputs: Record<string, Value>;
  vars: Record<string, Value>;
  workflowJobs: WorkflowJobState[];
  instances: InstanceState[];
  cancelled: boolean;
  /** The workflows that reusable-workflow jobs call, by the caller's full id. */
  calls?: ReadonlyMap<string, CallTarget> | undefined;
};

export type PlannedInstance = { name: string; labels: string[]; payload: JobPayload };

export type RunAction =
  | { type: "skip"; jobId: string }
  | { type: "expand"; jobId: string; instances: PlannedInstance[] }
  | { type: "fail"; jobId: string; reason: string; name?: string | undefined }
  | { type: "start-call"; jobId: string; innerJobIds: string[] }
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

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The next actions for a run, from its workflow and the state of its jobs. Pure: the scheduler
 * applies the actions in one transaction and calls this again until it returns nothing.
 * A reusable-workflow job starts its call (its called jobs become `caller/inner` jobs of the run)
 * and completes with the call's result and outputs once they have all finished.
 */
export function planRun(input: RunPlanInput): RunAction[] {
  const actions: RunAction[] = [];
  const finished = new Map<string, JobState>();
  for (const s of input.workflowJobs) if (s.status === "completed") finished.set(s.jobId, { result: s.result ?? "skipped", outputs: s.outputs ?? {} });
  const scopes = createScopes({ wf: input.wf, github: input.github, inputs: input.inputs, vars: input.vars, calls: input.calls ?? new Map(), finished, cancelled: input.cancelled });

  for (const s of input.workflowJobs) {
    if (s.status === "completed") continue;
    const found = scopes.locate(s.jobId);
    if (!found) continue;
    if ("error" in found) {
      actions.push({ type: "fail", jobId: s.jobId, reason: found.error });
      continue;
    }
    const { scope, job } = found;
    if (s.status === "pending") {
      if (!job.needs.every((n) => scope.done.has(n))) continue;
      if (input.cancelled) {
        actions.push({ type: "skip", jobId: s.jobId });
        continue;
      }
      actions.push(decide(input, scopes, scope, job));
    } else if (job.uses !== undefined) {
      const call = completeCall(input, scopes, scope, job, s.jobId);
      if (call) actions.push(call);
    } else {
      const mine = input.instances.filter((i) => i.jobId === s.jobId);
      const open = mine.filter((i) => i.status !== "completed");
      const failed = mine.some((i) => i.status === "completed" && i.conclusion === "failure");
      const failFast = (job.strategy as { "fail-fast"?: unknown } | undefined)?.["fail-fast"] !== false;
      if (open.length > 0 && failed && failFast && mine.length > 1) {
        actions.push({ type: "cancel-instances", jobId: s.jobId, reason: "Another matrix job failed (fail-fast)" });
      } else if (input.cancelled && open.some((i) => i.status === "waiting")) {
        actions.push({ type: "cancel-instances", jobId: s.jobId, reason: "The run was cancelled" });
      }
      if (open.length === 0) {
        const result = combineResults(mine.map((i) => (i.conclusion ?? "failure") as JobConclusion));
        const outputs = Object.assign({}, ...mine.map((i) => i.outputs ?? {})) as Record<string, string>;
        const allowed = job.continueOnError === true || job.continueOnError === "true";
        actions.push({ type: "complete-job", jobId: s.jobId, result: result === "failure" && allowed ? "success" : result, outputs });
      }
    }
  }
  const allDone = input.workflowJobs.every((s) => s.status === "completed") && !actions.some((a) => a.type !== "complete-run");
  if (allDone) {
    const results = input.workflowJobs.map((s) => s.result ?? "skipped");
    const conclusion = results.includes("failure") ? "failure" : results.includes("cancelled") || input.cancelled ? "cancelled" : "success";
    actions.push({ type: "complete-run", conclusion });
  }
  return actions;
}

/** A running call completes when every job of the called workflow has. */
function completeCall(input: RunPlanInput, scopes: ReturnType<typeof createScopes>, scope: Scope, job: JobDef, fullId: string): RunAction | undefined {
  const inner = input.workflowJobs.filter((w) => w.jobId.startsWith(`${fullId}/`) && !w.jobId.slice(fullId.length + 1).includes("/"));
  if (inner.some((w) => w.status !== "completed")) return undefined;
  const result = callResult(inner.map((w) => w.result ?? "skipped"), input.cancelled);
  let outputs: Record<string, string> = {};
  try {
    const called = scopes.scopeOf(`${fullId}/`);
    const jobs = Object.fromEntries([...called.done]);
    outputs = callOutputs(called.wf, jobs, { ...scopes.contextOf(scope, job).ctx, inputs: called.inputs });
  } catch (error: unknown) {
    return { type: "fail", jobId: fullId, reason: `the outputs of ${job.uses ?? ""} cannot be evaluated: ${message(error)}`, name: scopes.displayName(scope, job) };
  }
  return { type: "complete-job", jobId: fullId, result, outputs };
}

function decide(input: RunPlanInput, scopes: ReturnType<typeof createScopes>, scope: Scope, job: JobDef): RunAction {
  const { wf } = scope;
  const fullId = scope.prefix + job.id;
  const { ctx, fns } = scopes.contextOf(scope, job);
  let decision;
  try {
    decision = decideJob(job, ctx, fns, { namePrefix: scope.namePrefix });
  } catch (error: unknown) {
    return { type: "fail", jobId: fullId, reason: message(error), name: scope.namePrefix + job.id };
  }
  if (decision.kind === "skip") return { type: "skip", jobId: fullId };
  if (decision.kind === "call") return startCall(input, scopes, scope, job);
  const secretNames = callerSecretNames(scope, secretNamesIn([job.steps, job.env, wf.env, job.outputs, job.container, job.services]));
  const group = decision.concurrency?.group ?? "";
  return {
    type: "expand",
    jobId: fullId,
    instances: decision.instances.map((inst) => {
      const ictx: Contexts = { ...ctx, matrix: inst.matrix ?? {}, strategy: inst.strategy };
      const labels = job.runsOn === undefined ? [] : labelsOf(interpolate(job.runsOn, ictx, fns));
      if (needsContainerEngine(job, ictx, fns) && !labels.includes(CONTAINER_LABEL)) labels.push(CONTAINER_LABEL);
      return {
        name: inst.name,
        labels,
        payload: {
          runId: input.runId, jobId: job.id, name: inst.name,
          steps: job.steps as unknown as Array<Record<string, unknown>>,
          defaults: { shell: job.defaults.shell ?? wf.defaults.shell, workingDirectory: job.defaults.workingDirectory ?? wf.defaults.workingDirectory },
          workflowEnv: wf.env ?? null, jobEnv: job.env ?? null, outputs: job.outputs,
          timeoutMinutes: job.timeoutMinutes ?? 360, continueOnError: job.continueOnError ?? false,
          contexts: { github: input.github, vars: input.vars, needs: ctx.needs as Record<string, Value>, matrix: inst.matrix, strategy: inst.strategy, inputs: scope.inputs },
          secretNames,
          ...(job.container !== undefined && job.container !== null ? { container: job.container } : {}),
          ...(job.services !== undefined && job.services !== null ? { services: job.services } : {}),
          ...(group !== "" ? { concurrency: { group, cancelInProgress: decision.concurrency?.cancelInProgress ?? false } } : {}),
          ...(scope.callSecrets.length > 0 ? { callSecrets: scope.callSecrets } : {}),
        },
      };
    }),
  };
}

/** Starts a reusable-workflow call: checks the call, then adds the called workflow's jobs to the run. */
function startCall(input: RunPlanInput, scopes: ReturnType<typeof createScopes>, scope: Scope, job: JobDef): RunAction {
  const fullId = scope.prefix + job.id;
  const name = (): string => {
    try {
      return scopes.displayName(scope, job);
    } catch {
      return scope.namePrefix + job.id;
    }
  };
  const target = input.calls?.get(fullId);
  if (!target) return { type: "fail", jobId: fullId, reason: `the workflow ${job.uses ?? ""} was not loaded`, name: name() };
  if ("error" in target) return { type: "fail", jobId: fullId, reason: target.error, name: name() };
  const missing: string[] = [];
  try {
    const { ctx, fns } = scopes.contextOf(scope, job);
    callInputs(job, scope.wf, target.wf, ctx, fns, (m) => missing.push(m));
    scopes.scopeOf(`${fullId}/`);
  } catch (error: unknown) {
    return { type: "fail", jobId: fullId, reason: message(error), name: name() };
  }
  if (missing.length > 0) return { type: "fail", jobId: fullId, reason: missing.join("; "), name: name() };
  return { type: "start-call", jobId: fullId, innerJobIds: target.wf.jobs.map((j) => calledJobId(fullId, j.id)) };
}

/**
 * The repository secrets a job of a called workflow may see: those its own expressions mention,
 * mapped back through each call's `secrets:` (all the names the job mentions with `inherit`).
 */
function callerSecretNames(scope: Scope, own: string[]): string[] {
  let names = own;
  for (const level of [...scope.callSecrets].reverse()) {
    if (level.secrets !== "inherit") names = secretNamesIn(level.secrets);
  }
  return names;
}
