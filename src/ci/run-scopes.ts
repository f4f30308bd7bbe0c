import type { Contexts, ExtraFunction, Value } from "../workflow/index.js";
import { ancestorsOf, callInputs, interpolateString, jobStatusFunctions, needsContext } from "../workflow/index.js";
import type { JobConclusion, JobDef, WorkflowDef } from "../workflow/index.js";

/** The workflow a caller job (by its full id, `caller` or `outer/caller`) calls, or why it cannot run. */
export type CallTarget = { wf: WorkflowDef } | { error: string };

/** One call's `secrets:` with what its expressions may read, for the runner to map secrets through. */
export type CallSecretsLevel = { secrets: unknown; needs: Record<string, Value>; inputs: Record<string, Value> };

export type JobState = { result: JobConclusion; outputs: Record<string, string> };

/**
 * The jobs of one workflow within a run: the top-level workflow (prefix "") or a called one
 * (prefix `caller/`), with the inputs, display-name prefix and secrets chain of its jobs.
 */
export type Scope = {
  prefix: string;
  wf: WorkflowDef;
  inputs: Record<string, Value>;
  namePrefix: string;
  callSecrets: CallSecretsLevel[];
  /** Finished jobs of this workflow by their own id. */
  done: Map<string, JobState>;
};

export type ScopeInput = {
  wf: WorkflowDef;
  github: Record<string, Value>;
  inputs: Record<string, Value>;
  vars: Record<string, Value>;
  calls: ReadonlyMap<string, CallTarget>;
  finished: ReadonlyMap<string, JobState>;
  cancelled: boolean;
};

/** Splits `a/b/c` into its scope prefix `a/b/` and own id `c`. */
export function splitJobId(fullId: string): { prefix: string; id: string } {
  const at = fullId.lastIndexOf("/");
  return { prefix: fullId.slice(0, at + 1), id: fullId.slice(at + 1) };
}

/**
 * Resolves the scopes of a run lazily. A called workflow's scope exists once its caller's needs
 * have finished (its inputs come from the caller's `with:`); asking earlier, or for a call that
 * cannot run, throws.
 */
export function createScopes(input: ScopeInput): {
  scopeOf(prefix: string): Scope;
  /** The job of a full id and its scope; an error when its called workflow cannot be resolved. */
  locate(fullId: string): { scope: Scope; job: JobDef } | { error: string } | undefined;
  contextOf(scope: Scope, job: JobDef): { ctx: Contexts; fns: ExtraFunction[] };
  displayName(scope: Scope, job: JobDef): string;
} {
  const memo = new Map<string, Scope>();

  const doneFor = (prefix: string): Map<string, JobState> => {
    const out = new Map<string, JobState>();
    for (const [id, s] of input.finished) {
      if (!id.startsWith(prefix)) continue;
      const own = id.slice(prefix.length);
      if (!own.includes("/")) out.set(own, s);
    }
    return out;
  };

  const contextOf = (scope: Scope, job: JobDef): { ctx: Contexts; fns: ExtraFunction[] } => ({
    ctx: { github: input.github, inputs: scope.inputs, vars: input.vars, needs: needsContext(job, scope.done), env: {} },
    fns: jobStatusFunctions([...ancestorsOf(scope.wf, job.id)].map((n) => scope.done.get(n)?.result), () => input.cancelled),
  });

  const displayName = (scope: Scope, job: JobDef): string => {
    if (job.name === undefined || job.name === null) return scope.namePrefix + job.id;
    const { ctx, fns } = contextOf(scope, job);
    return scope.namePrefix + interpolateString(job.name, ctx, fns);
  };

  const scopeOf = (prefix: string): Scope => {
    const known = memo.get(prefix);
    if (known) return known;
    let scope: Scope;
    if (prefix === "") {
      scope = { prefix, wf: input.wf, inputs: input.inputs, namePrefix: "", callSecrets: [], done: doneFor("") };
    } else {
      const callerId = prefix.slice(0, -1);
      const { prefix: parentPrefix, id } = splitJobId(callerId);
      const parent = scopeOf(parentPrefix);
      const caller = parent.wf.jobs.find((j) => j.id === id);
      const target = input.calls.get(callerId);
      if (!caller || !target) throw new Error(`no called workflow for job "${callerId}"`);
      if ("error" in target) throw new Error(target.error);
      const { ctx, fns } = contextOf(parent, caller);
      const inputs = callInputs(caller, parent.wf, target.wf, ctx, fns, () => undefined);
      scope = {
        prefix, wf: target.wf, inputs, namePrefix: `${displayName(parent, caller)} / `,
        callSecrets: [...parent.callSecrets, { secrets: caller.secrets ?? {}, needs: ctx.needs as Record<string, Value>, inputs: parent.inputs }],
        done: doneFor(prefix),
      };
    }
    memo.set(prefix, scope);
    return scope;
  };

  return {
    scopeOf,
    contextOf,
    displayName,
    locate(fullId) {
      const { prefix, id } = splitJobId(fullId);
      let scope: Scope;
      try {
        scope = scopeOf(prefix);
      } catch (error: unknown) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
      const job = scope.wf.jobs.find((j) => j.id === id);
      return job ? { scope, job } : undefined;
    },
  };
}
