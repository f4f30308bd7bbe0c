import { evaluate, stringify, truthy, withImplicitSuccess } from "./expressions.js";
import type { Contexts, ExtraFunction, Value } from "./expressions.js";
import { evaluateMatrix, expandMatrix, filterMatrix, matrixJobName } from "./matrix.js";
import type { Combination } from "./matrix.js";
import type { JobDef, WorkflowDef } from "./model.js";
import { conditionOf, interpolate, interpolateString } from "./template.js";

export type JobConclusion = "success" | "failure" | "cancelled" | "skipped";

const rec = (v: Value | undefined): Record<string, Value> => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

/** Every job `id` needs, directly or through other jobs. */
export function ancestorsOf(wf: WorkflowDef, id: string, seen = new Set<string>()): Set<string> {
  for (const n of wf.jobs.find((j) => j.id === id)?.needs ?? []) {
    if (!seen.has(n)) {
      seen.add(n);
      ancestorsOf(wf, n, seen);
    }
  }
  return seen;
}

/**
 * Status functions at job level: `success()` holds when every job this one needs, directly or
 * not, succeeded; `failure()` when one of them failed.
 */
export function jobStatusFunctions(ancestorResults: ReadonlyArray<JobConclusion | undefined>, cancelled: () => boolean): ExtraFunction[] {
  return [
    { name: "success", minArgs: 0, maxArgs: 0, call: () => !cancelled() && ancestorResults.every((r) => r === "success") },
    { name: "failure", minArgs: 0, maxArgs: 0, call: () => ancestorResults.some((r) => r === "failure") },
    { name: "always", minArgs: 0, maxArgs: 0, call: () => true },
    { name: "cancelled", minArgs: 0, maxArgs: 0, call: () => cancelled() || ancestorResults.some((r) => r === "cancelled") },
  ];
}

/** The `needs` context of a job from the results and outputs of the jobs it names. */
export function needsContext(job: JobDef, states: ReadonlyMap<string, { result: JobConclusion; outputs: Record<string, string> }>): Record<string, Value> {
  return Object.fromEntries(job.needs.map((n) => [n, { result: states.get(n)?.result ?? "skipped", outputs: states.get(n)?.outputs ?? {} }]));
}

export type JobInstancePlan = { name: string; matrix: Combination | null; strategy: Record<string, Value> };

export type JobDecision =
  | { kind: "skip" }
  | { kind: "call" }
  | {
    kind: "run";
    instances: JobInstancePlan[];
    hasMatrix: boolean;
    failFast: boolean;
    maxParallel: number;
    concurrency?: { group: string; cancelInProgress: boolean } | undefined;
  };

/**
 * What to do with a job whose needs have all finished: skip it (its `if` is false, or the matrix
 * filter left nothing), call a reusable workflow, or run one instance per matrix combination.
 * `ctx` holds github, inputs, vars, secrets and needs; `fns` the job-level status functions.
 */
export function decideJob(
  job: JobDef, ctx: Contexts, fns: readonly ExtraFunction[], opts: { namePrefix?: string; matrixFilters?: ReadonlyMap<string, ReadonlySet<string>> } = {},
): JobDecision {
  if (!truthy(evaluate(withImplicitSuccess(conditionOf(job.if)), ctx, fns))) return { kind: "skip" };
  if (job.uses) return { kind: "call" };
  const strategy = rec(job.strategy as Value);
  const matrixValue = strategy.matrix === undefined ? undefined : evaluateMatrix(strategy.matrix, ctx, fns);
  const all = expandMatrix(matrixValue);
  const hasMatrix = all.length > 0;
  const combos = opts.matrixFilters ? filterMatrix(all, opts.matrixFilters) : all;
  if (hasMatrix && combos.length === 0) return { kind: "skip" };
  const failFast = strategy["fail-fast"] === undefined ? true : truthy(interpolate(strategy["fail-fast"], ctx, fns));
  const maxParallel = strategy["max-parallel"] === undefined ? Infinity : Number(interpolate(strategy["max-parallel"], ctx, fns)) || Infinity;
  const list: Array<Combination | null> = hasMatrix ? combos : [null];
  const instances = list.map((combo, i): JobInstancePlan => {
    const s: Record<string, Value> = {
      "fail-fast": failFast, "job-index": i, "job-total": list.length, "max-parallel": Number.isFinite(maxParallel) ? maxParallel : list.length,
    };
    const ictx: Contexts = { ...ctx, matrix: combo ?? {}, strategy: s };
    const base = job.name !== undefined && job.name !== null ? interpolateString(job.name, ictx, fns) : combo ? matrixJobName(job.id, combo) : job.id;
    return { name: (opts.namePrefix ?? "") + base, matrix: combo, strategy: s };
  });
  const conc = job.concurrency === undefined || job.concurrency === null ? undefined
    : rec(interpolate(typeof job.concurrency === "string" ? { group: job.concurrency } : job.concurrency, ctx, fns));
  return {
    kind: "run", instances, hasMatrix, failFast, maxParallel,
    concurrency: conc ? { group: stringify(conc.group ?? null), cancelInProgress: truthy(conc["cancel-in-progress"] ?? false) } : undefined,
  };
}

/** The result of a job from its instances' results. */
export function combineResults(results: ReadonlyArray<JobConclusion>): JobConclusion {
  if (results.includes("failure")) return "failure";
  if (results.includes("cancelled")) return "cancelled";
  if (results.length > 0 && results.every((r) => r === "skipped")) return "skipped";
  return "success";
}
