import { z } from "zod";
import { durationSchema, parseDuration } from "../../resources/index.js";
import { createStepRegistry } from "./create-step-registry.js";
import { runStep, type StepOutcome } from "./run-step.js";
import type { StepContext, StepRegistry } from "./types.js";

export const DEFAULT_STEP_TIMEOUT = "5m";

export const stepEntrySchema = z.object({
  /** The step's name in the registry, e.g. `git-clone`. */
  uses: z.string().min(1),
  /** Alias its outputs are found under (`outputs.<as>`); `step-<index>` when omitted. */
  as: z.string().min(1).optional(),
  config: z.unknown(),
  /** Duration such as `30s` or `5m`; 5m when omitted. */
  timeout: durationSchema({ min: "1ms" }).optional(),
});
export type StepEntry = z.infer<typeof stepEntrySchema>;

export type StepRecord = {
  uses: string;
  as: string;
  status: StepOutcome["status"];
  message: string;
  startedAt: string;
  finishedAt: string;
  outputs: Record<string, unknown>;
};

export type RunStepsResult = { status: "Succeeded" | "Failed" | "Errored" | "Aborted"; steps: StepRecord[] };

export type RunStepsOptions = {
  steps: readonly StepEntry[];
  ctx: StepContext;
  /** Defaults to the built-in steps with default dependencies. */
  registry?: StepRegistry;
  now?: () => Date;
};

/** Problems with the list itself (unknown step, duplicate alias, bad timeout), found before anything runs. */
function entryProblem(entry: StepEntry, index: number, alias: string, seen: Set<string>, registry: StepRegistry): string | undefined {
  if (!registry.has(entry.uses)) {
    return `step ${index}: unknown step ${JSON.stringify(entry.uses)}; known steps: ${[...registry.keys()].sort().join(", ")}`;
  }
  if (seen.has(alias)) return `step ${index}: alias ${JSON.stringify(alias)} is used by an earlier step`;
  const timeout = durationSchema({ min: "1ms" }).safeParse(entry.timeout ?? DEFAULT_STEP_TIMEOUT);
  if (!timeout.success) return `step ${index}: timeout: ${timeout.error.issues[0]?.message ?? "invalid"}`;
  return undefined;
}

/**
 * Runs promotion steps in order, each seeing the outputs of the ones before it as
 * `outputs.<alias>` in its expressions. Stops at the first step that does not succeed.
 */
export async function runSteps(opts: RunStepsOptions): Promise<RunStepsResult> {
  const registry = opts.registry ?? createStepRegistry();
  const now = opts.now ?? (() => new Date());
  const records: StepRecord[] = [];
  const seen = new Set<string>();
  let outputs: Record<string, unknown> = { ...(opts.ctx.vars.outputs as Record<string, unknown> | undefined) };

  for (const [index, entry] of opts.steps.entries()) {
    const alias = entry.as ?? `step-${index}`;
    const startedAt = now().toISOString();
    const problem = entryProblem(entry, index, alias, seen, registry);
    seen.add(alias);
    const step = registry.get(entry.uses);
    let outcome: StepOutcome;
    if (problem !== undefined || !step) {
      outcome = { status: "Errored", message: problem ?? `step ${index}: unknown step` };
    } else {
      const text = entry.timeout ?? DEFAULT_STEP_TIMEOUT;
      const ctx: StepContext = { ...opts.ctx, vars: { ...opts.ctx.vars, outputs } };
      opts.ctx.log(`step ${index} (${alias}): ${entry.uses}`);
      outcome = await runStep(step, entry.config, ctx, { ms: parseDuration(text), text });
    }
    const stepOutputs = outcome.outputs ?? {};
    records.push({
      uses: entry.uses, as: alias, status: outcome.status, message: outcome.message ?? "",
      startedAt, finishedAt: now().toISOString(), outputs: stepOutputs,
    });
    // A new object each time: the expression engine caches converted contexts by identity.
    outputs = { ...outputs, [alias]: stepOutputs };
    if (outcome.status !== "Succeeded") {
      opts.ctx.log(`step ${index} (${alias}) ${outcome.status}: ${outcome.message ?? ""}`);
      return { status: outcome.status, steps: records };
    }
  }
  return { status: "Succeeded", steps: records };
}
