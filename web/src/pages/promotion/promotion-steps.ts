import type { Promotion, PromotionStepRecord, StepEntry } from "./promotion-types.js";

export type StepRow = {
  readonly index: number;
  readonly uses: string;
  readonly as: string;
  /** What happened to the step; `not run` after a step that failed, `waiting` while the promotion has not ended. */
  readonly status: PromotionStepRecord["status"] | "not run" | "waiting";
  readonly message: string;
  readonly outputs: Record<string, unknown>;
  readonly startedAt?: string;
  readonly finishedAt?: string;
};

/**
 * Each step of a promotion with its result: the recorded steps (the server records them when the
 * promotion ends), then the stage's template steps that never ran. While the promotion is in flight
 * nothing is recorded yet, so every template step is `waiting`. The template may have changed since;
 * recorded steps are shown as they ran.
 */
export function promotionSteps(promotion: Pick<Promotion, "phase" | "steps">, template: readonly StepEntry[] | undefined): StepRow[] {
  const ran: StepRow[] = promotion.steps.map((s, index) => ({
    index, uses: s.uses, as: s.as, status: s.status, message: s.message, outputs: s.outputs ?? {}, startedAt: s.startedAt, finishedAt: s.finishedAt,
  }));
  const inFlight = promotion.phase === "Pending" || promotion.phase === "Running";
  const rest = (template ?? []).slice(ran.length).map((s, i): StepRow => ({
    index: ran.length + i, uses: s.uses, as: s.as ?? `step-${ran.length + i}`, status: inFlight ? "waiting" : "not run", message: "", outputs: {},
  }));
  return [...ran, ...rest];
}
