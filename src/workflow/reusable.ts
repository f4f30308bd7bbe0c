import { InputError } from "./errors.js";
import { stringify } from "./expressions.js";
import type { Contexts, ExtraFunction, Value } from "./expressions.js";
import { resolveInputs } from "./inputs.js";
import type { JobConclusion } from "./job-plan.js";
import type { JobDef, WorkflowDef } from "./model.js";
import { interpolate } from "./template.js";
import { parseUses } from "./uses.js";

/**
 * Reusable workflows (`jobs.<id>.uses`): the semantics `ferry run` and the server's scheduler
 * share. A call's jobs are named `<caller>/<inner>` and shown as `<caller name> / <inner name>`.
 */

const rec = (v: Value | undefined): Record<string, Value> => (v && typeof v === "object" && !Array.isArray(v) ? v : {});
const strRec = (v: Value | undefined): Record<string, string> => Object.fromEntries(Object.entries(rec(v)).map(([k, x]) => [k, stringify(x)]));

/** GitHub connects at most this many levels of workflows: the top-level one and nine levels of calls. */
export const MAX_CALL_DEPTH = 10;

/** The id of job `inner` of the workflow that job `caller` calls. */
export function calledJobId(caller: string, inner: string): string {
  return `${caller}/${inner}`;
}

/**
 * The path, inside the repository, of a local reusable workflow (`./.github/workflows/x.yml`);
 * undefined for a remote one (`owner/repo/path@ref`). Throws InputError when malformed.
 */
export function localCallPath(job: JobDef, caller: WorkflowDef): string | undefined {
  const ref = parseUses(job.uses ?? "");
  if (ref?.kind === "local") {
    const path = ref.path.replace(/^(\.\/)+/, "");
    if (path === "" || path.split("/").some((s) => s === "" || s === "." || s === "..")) {
      throw new InputError([{ file: caller.file, line: job.line, message: `invalid reusable workflow path "${job.uses ?? ""}"` }]);
    }
    return path;
  }
  if (ref?.kind === "remote") return undefined;
  throw new InputError([{ file: caller.file, line: job.line, message: `invalid reusable workflow reference "${job.uses ?? ""}"` }]);
}

/** Throws unless `called` can be called (it has `on.workflow_call`). */
export function assertCallable(called: WorkflowDef): asserts called is WorkflowDef & { call: NonNullable<WorkflowDef["call"]> } {
  if (!called.call) throw new InputError([{ file: called.file, line: 1, column: 1, message: `${called.file} cannot be called: it has no on.workflow_call` }]);
}

/**
 * The `inputs` of a call: `with:` evaluated (github, needs, strategy, matrix, inputs, vars),
 * typed and defaulted by the called workflow's `on.workflow_call.inputs`. An input the called
 * workflow does not define is an error; a required one missing is reported through `warn`.
 */
export function callInputs(
  job: JobDef, caller: WorkflowDef, called: WorkflowDef, ctx: Contexts, fns: readonly ExtraFunction[], warn: (message: string) => void,
): Record<string, Value> {
  assertCallable(called);
  const given = rec(interpolate(job.with ?? {}, ctx, fns));
  for (const k of Object.keys(given)) {
    if (!Object.keys(called.call.inputs).some((n) => n.toLowerCase() === k.toLowerCase())) {
      throw new InputError([{ file: caller.file, line: job.line, message: `input "${k}" is not defined in ${called.file}` }]);
    }
  }
  return resolveInputs(called.call.inputs, given, ctx, called.file, warn);
}

/** The `secrets` a call passes: all of the caller's with `secrets: inherit`, else the mapping evaluated. */
export function callSecrets(job: Pick<JobDef, "secrets">, callerSecrets: Record<string, string>, ctx: Contexts, fns: readonly ExtraFunction[] = []): Record<string, string> {
  if (job.secrets === "inherit") return { ...callerSecrets };
  return strRec(interpolate(job.secrets ?? {}, { ...ctx, secrets: callerSecrets }, fns));
}

/** The `outputs` of a call: `on.workflow_call.outputs` evaluated with the called jobs' results and outputs. */
export function callOutputs(
  called: WorkflowDef, jobs: Record<string, { result: JobConclusion; outputs: Record<string, string> }>, ctx: Contexts,
): Record<string, string> {
  const values = Object.fromEntries(Object.entries(called.call?.outputs ?? {}).map(([k, o]) => [k, (o ?? {}).value ?? ""]));
  return strRec(interpolate(values, { ...ctx, jobs: jobs as unknown as Record<string, Value> }));
}

/** The result of a call from its jobs' results: a failure fails it, then a cancellation cancels it. */
export function callResult(results: ReadonlyArray<JobConclusion>, cancelled: boolean): "success" | "failure" | "cancelled" {
  if (results.includes("failure")) return "failure";
  return results.includes("cancelled") || cancelled ? "cancelled" : "success";
}
