import { mkdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { evaluate, stringify, truthy, withImplicitSuccess } from "../../workflow/index.js";
import type { Contexts, ExtraFunction, Value } from "../../workflow/index.js";
import { conditionOf, interpolate, interpolateString } from "../../workflow/index.js";
import { ancestorsOf, combineResults, decideJob, jobStatusFunctions, needsContext } from "../../workflow/index.js";
import type { Combination } from "../../workflow/index.js";
import type { JobDef, WorkflowDef } from "../../workflow/index.js";
import { loadWorkflow } from "../../workflow/index.js";
import { parseUses } from "../../workflow/index.js";
import { callInputs, callOutputs, callSecrets, calledJobId } from "../../workflow/index.js";
import { InputError } from "../../workflow/index.js";
import { runJob } from "../../runner/job-runner.js";
import { fetchRemoteAction } from "../../runner/actions/fetch-remote.js";
import type { JobResult, JobSink } from "../../runner/types.js";
import type { Masker } from "../../runner/masker.js";
import type { LocalStores } from "../../runner/builtin/types.js";
import type { ContainerEngine, ContainerSpec } from "../../runner/containers/types.js";
import { createSemaphore } from "./semaphore.js";
import type { createConcurrencyGroups } from "./concurrency.js";

export type JobSummary = { id: string; name: string; result: JobResult; durationMs: number };
export type WorkflowResult = { result: "success" | "failure" | "cancelled"; jobs: JobSummary[]; outputs: Record<string, string> };

/** What stays the same for every job of a `ferry run`. */
export type RunEnvironment = {
  repoDir: string;
  github: Record<string, Value>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  cliEnv: Record<string, string>;
  matrixFilters: ReadonlyMap<string, ReadonlySet<string>>;
  hostEnv: Record<string, string>;
  runDir: string;
  runId: string;
  stores: LocalStores;
  actionsBaseUrl: string;
  actionsCacheDir: string;
  masker: Masker;
  sink: JobSink;
  /** Runs a job on a freshly prepared workspace; returns the workspace path. */
  prepareWorkspace(jobKey: string): Promise<string>;
  limit: <T>(task: () => Promise<T>) => Promise<T>;
  signal: AbortSignal;
  /** Concurrency groups shared by every workflow of the run. */
  concurrency: ReturnType<typeof createConcurrencyGroups>;
};

type JobState = { result: JobResult; outputs: Record<string, string> };

const rec = (v: Value | undefined): Record<string, Value> => (v && typeof v === "object" && !Array.isArray(v) ? v : {});
const strRec = (v: Value | undefined): Record<string, string> => Object.fromEntries(Object.entries(rec(v)).map(([k, x]) => [k, stringify(x)]));

export { resolveInputs } from "../../workflow/index.js";

/** Runs a workflow's jobs as a DAG: parallel where `needs` allows, matrices expanded, skips propagated. */
export async function runWorkflow(
  wf: WorkflowDef,
  envr: RunEnvironment,
  opts: { inputs: Record<string, Value>; secrets: Record<string, string>; onlyJobs?: ReadonlySet<string> | undefined; namePrefix?: string; idPrefix?: string },
): Promise<WorkflowResult> {
  const states = new Map<string, JobState>();
  const summaries: JobSummary[] = [];
  const selected = new Set<string>();
  if (opts.onlyJobs && opts.onlyJobs.size > 0) {
    for (const id of opts.onlyJobs) {
      if (!wf.jobs.some((j) => j.id === id)) throw new InputError([{ file: wf.file, message: `no job "${id}" in this workflow (jobs: ${wf.jobs.map((j) => j.id).join(", ")})` }]);
      selected.add(id);
      for (const n of ancestorsOf(wf, id)) selected.add(n);
    }
  } else for (const j of wf.jobs) selected.add(j.id);
  const jobs = wf.jobs.filter((j) => selected.has(j.id));
  const github = { ...envr.github, workflow: wf.name ?? wf.file };
  const secrets = opts.secrets;
  const baseCtx = (): Contexts => ({ github, inputs: opts.inputs, vars: envr.vars, secrets, env: {} });
  const workflowEnv = { ...envr.cliEnv, ...strRec(interpolate(wf.env ?? null, baseCtx())) };
  const concurrency = envr.concurrency;
  // Looked up once, and only when a job or a step needs a container engine.
  let engine: Promise<ContainerEngine | undefined> | undefined;
  const containerEngine = (): Promise<ContainerEngine | undefined> =>
    (engine ??= import("../../runner/containers/detect.js").then((m) => m.detectContainerEngine(envr.hostEnv)));

  const needsCtx = (job: JobDef): Record<string, Value> => needsContext(job, states);
  const jobFunctions = (job: JobDef): ExtraFunction[] =>
    jobStatusFunctions([...ancestorsOf(wf, job.id)].map((n) => states.get(n)?.result), () => envr.signal.aborted);

  const record = (id: string, name: string, result: JobResult, durationMs: number, outputs: Record<string, string> = {}): void => {
    states.set(id, { result, outputs });
    summaries.push({ id: (opts.idPrefix ?? "") + id, name, result, durationMs });
  };

  const runInstance = async (job: JobDef, name: string, combo: Combination | null, strategy: Record<string, Value>, signal: AbortSignal): Promise<{ result: JobResult; outputs: Record<string, string> }> => {
    const key = `${(opts.idPrefix ?? "").replace(/\W+/g, "-")}${job.id}-${summaries.length}-${Math.random().toString(36).slice(2, 8)}`;
    const workspace = await envr.prepareWorkspace(key);
    const jobGithub = { ...github, job: job.id, workspace };
    const ctx: Contexts = { ...baseCtx(), github: jobGithub, needs: needsCtx(job), matrix: combo ?? {}, strategy, env: workflowEnv };
    const fns = jobFunctions(job);
    const jobEnv = { ...workflowEnv, ...strRec(interpolate(job.env ?? null, ctx, fns)) };
    const timeout = job.timeoutMinutes === undefined ? 360 : Number(interpolate(job.timeoutMinutes, ctx, fns));
    // `container:` and `services:` see github, needs, strategy, matrix, vars and inputs; an empty
    // image (as a matrix may give) means none, as on GitHub.
    let container: ContainerSpec | undefined;
    let services: Record<string, ContainerSpec> = {};
    if ((job.container ?? null) !== null || (job.services ?? null) !== null) {
      const { containerSpecOf, serviceSpecsOf } = await import("../../runner/containers/spec.js");
      container = containerSpecOf(interpolate(job.container ?? null, ctx, fns), "container");
      services = serviceSpecsOf(interpolate(job.services ?? null, ctx, fns));
    }
    const uses = container ? "container:" : Object.keys(services).length > 0 ? "services:" : undefined;
    if (uses && !(await containerEngine())) {
      envr.sink({ type: "job-start", job: name });
      envr.sink({
        type: "annotation", job: name, step: "Set up job", level: "error",
        message: `job "${job.id}" uses ${uses}, which needs a container engine (podman or docker), and none is installed on this host`,
      });
      envr.sink({ type: "job-end", job: name, result: "failure", durationMs: 0, outputs: {} });
      return { result: "failure", outputs: {} };
    }
    const tempDir = join(envr.runDir, "jobs", key);
    await mkdir(tempDir, { recursive: true });
    const outcome = await runJob({
      name, jobId: job.id, steps: job.steps,
      defaults: {
        shell: job.defaults.shell ?? wf.defaults.shell,
        workingDirectory: job.defaults.workingDirectory ?? wf.defaults.workingDirectory,
      },
      env: jobEnv, outputs: job.outputs, timeoutMinutes: Number.isFinite(timeout) && timeout > 0 ? timeout : 360,
      contexts: {
        github: jobGithub, vars: envr.vars, secrets, needs: needsCtx(job), matrix: combo, strategy,
        inputs: opts.inputs,
      },
      hostEnv: envr.hostEnv, workspace, tempDir, sourceRepo: envr.repoDir, runId: envr.runId,
      runNumber: 1, stores: envr.stores, actionsBaseUrl: envr.actionsBaseUrl, actionsCacheDir: envr.actionsCacheDir,
      masker: envr.masker, sink: envr.sink, signal, container, services, containerEngine,
    });
    const continueOnError = job.continueOnError !== undefined && truthy(interpolate(job.continueOnError, ctx, fns));
    return { result: outcome.result === "failure" && continueOnError ? "success" : outcome.result, outputs: outcome.outputs };
  };

  const runCall = async (job: JobDef, display: string): Promise<{ result: JobResult; outputs: Record<string, string> }> => {
    const uses = job.uses ?? "";
    const ref = parseUses(uses);
    let path: string;
    if (ref?.kind === "local") path = resolve(envr.repoDir, ref.path);
    else if (ref?.kind === "remote") {
      const root = await fetchRemoteAction({ baseUrl: envr.actionsBaseUrl, cacheDir: envr.actionsCacheDir, owner: ref.owner, repo: ref.repo, ref: ref.ref });
      path = join(root, ref.path);
    } else throw new InputError([{ file: wf.file, line: job.line, message: `invalid reusable workflow reference "${uses}"` }]);
    const called = await loadWorkflow(path, relative(envr.repoDir, path) || path);
    const ctx: Contexts = { ...baseCtx(), needs: needsCtx(job), matrix: {}, strategy: {}, env: workflowEnv };
    const inputs = callInputs(job, wf, called, ctx, jobFunctions(job), (m) => envr.sink({ type: "annotation", job: display, step: "Set up job", level: "warning", message: m }));
    const calledSecrets = callSecrets(job, secrets, ctx, jobFunctions(job));
    const sub = await runWorkflow(called, envr, { inputs, secrets: calledSecrets, namePrefix: `${display} / `, idPrefix: calledJobId(job.id, "") });
    summaries.push(...sub.jobs);
    const outputs = callOutputs(called, subJobs(sub), { ...ctx, inputs });
    return { result: sub.result, outputs };
  };

  const runJobDef = async (job: JobDef): Promise<void> => {
    const t0 = Date.now();
    const ctx: Contexts = { ...baseCtx(), needs: needsCtx(job), env: workflowEnv };
    const fns = jobFunctions(job);
    let display = job.id;
    try {
      if (!truthy(evaluate(withImplicitSuccess(conditionOf(job.if)), ctx, fns))) {
        record(job.id, (opts.namePrefix ?? "") + job.id, "skipped", 0);
        envr.sink({ type: "job-end", job: (opts.namePrefix ?? "") + job.id, result: "skipped", durationMs: 0, outputs: {} });
        return;
      }
      if (job.uses) {
        display = (opts.namePrefix ?? "") + (job.name !== undefined ? interpolateString(job.name, ctx, fns) : job.id);
        const r = await runCall(job, display);
        states.set(job.id, { result: r.result, outputs: r.outputs });
        if (!summaries.some((s) => s.id === (opts.idPrefix ?? "") + job.id)) summaries.push({ id: (opts.idPrefix ?? "") + job.id, name: display, result: r.result, durationMs: Date.now() - t0 });
        return;
      }
      const decision = decideJob(job, ctx, fns, { namePrefix: opts.namePrefix ?? "", matrixFilters: envr.matrixFilters });
      if (decision.kind !== "run") {
        record(job.id, (opts.namePrefix ?? "") + job.id, "skipped", 0);
        return;
      }
      const { failFast, maxParallel, hasMatrix: hadMatrix } = decision;
      const matrixAbort = new AbortController();
      let signal = AbortSignal.any([envr.signal, matrixAbort.signal]);
      const local = createSemaphore(Math.max(1, maxParallel));
      const results: Array<{ result: JobResult; outputs: Record<string, string> }> = [];
      const group = decision.concurrency?.group;
      const run = async (): Promise<void> => {
        await Promise.all(decision.instances.map(({ name, matrix: combo, strategy }) => local(() => envr.limit(async () => {
          if (signal.aborted) {
            results.push({ result: "cancelled", outputs: {} });
            return;
          }
          let r: { result: JobResult; outputs: Record<string, string> };
          try {
            r = await runInstance(job, name, combo, strategy, signal);
          } catch (error: unknown) {
            if (error instanceof InputError) throw error;
            envr.sink({ type: "annotation", job: name, step: "Set up job", level: "error", message: envr.masker.mask(error instanceof Error ? error.message : String(error)) });
            r = { result: "failure", outputs: {} };
          }
          results.push(r);
          summaries.push({ id: (opts.idPrefix ?? "") + job.id, name, result: r.result, durationMs: 0 });
          if (r.result === "failure" && failFast && hadMatrix) matrixAbort.abort();
        }))));
      };
      if (group) {
        const admission = await concurrency.enter(group, decision.concurrency?.cancelInProgress ?? false);
        if (admission.cancelled) {
          envr.sink({ type: "annotation", job: job.id, step: "Set up job", level: "warning", message: `Canceling since a higher priority waiting request for '${group}' exists` });
          results.push({ result: "cancelled", outputs: {} });
        } else {
          signal = AbortSignal.any([signal, admission.signal]);
          try {
            await run();
          } finally {
            admission.leave();
          }
        }
      } else await run();
      const result: JobResult = combineResults(results.map((r) => r.result));
      const outputs = Object.assign({}, ...results.map((r) => r.outputs)) as Record<string, string>;
      states.set(job.id, { result, outputs });
    } catch (error: unknown) {
      if (error instanceof InputError) throw error;
      envr.sink({ type: "annotation", job: display, step: "Set up job", level: "error", message: envr.masker.mask(error instanceof Error ? error.message : String(error)) });
      record(job.id, display, "failure", Date.now() - t0);
    }
  };

  // Dependency-ordered, as parallel as `needs` allows.
  const running = new Map<string, Promise<void>>();
  const start = (job: JobDef): Promise<void> => {
    let p = running.get(job.id);
    if (!p) {
      p = (async () => {
        await Promise.all(job.needs.filter((n) => selected.has(n)).map((n) => {
          const dep = jobs.find((j) => j.id === n);
          return dep ? start(dep) : Promise.resolve();
        }));
        await runJobDef(job);
      })();
      running.set(job.id, p);
    }
    return p;
  };
  await Promise.all(jobs.map(start));

  const finals = jobs.map((j) => states.get(j.id)?.result ?? "skipped");
  const result = finals.includes("failure") ? "failure" : finals.includes("cancelled") || envr.signal.aborted ? "cancelled" : "success";
  const outputs = Object.assign({}, ...jobs.map((j) => states.get(j.id)?.outputs ?? {})) as Record<string, string>;
  const out: WorkflowResult & { states?: Map<string, JobState> } = { result, jobs: summaries, outputs };
  Object.defineProperty(out, "states", { value: states, enumerable: false });
  return out;
}

function subJobs(sub: WorkflowResult): Record<string, JobState> {
  const states = (sub as WorkflowResult & { states?: Map<string, JobState> }).states ?? new Map<string, JobState>();
  return Object.fromEntries([...states].map(([id, s]) => [id, { result: s.result, outputs: s.outputs }]));
}
