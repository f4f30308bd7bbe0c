import type { Stage } from "../resources/index.js";
import { compareFreightNewestFirst, isNewerFreight } from "./freight-order.js";
import { IN_FLIGHT_PHASES, type Freight, type PromotionPhase } from "./schema.js";

/** Who started a promotion: the auto-promotion of the stage, or a person. */
export type PromotionTrigger = "auto" | "manual";

/** A promotion of the stage, as far as auto-promotion needs to know it. */
export interface StagePromotion {
  readonly freight: Pick<Freight, "name" | "createdAt">;
  readonly trigger: PromotionTrigger;
  readonly phase: PromotionPhase;
}

export interface AutoPromotionInput {
  readonly stage: Stage;
  /** The freight the stage may take now, newest first (see eligibleFreight). */
  readonly eligible: readonly Freight[];
  /** Every promotion of this stage, oldest first. */
  readonly promotions: readonly StagePromotion[];
}

/** Why auto-promotion does nothing now. */
export const AUTO_PROMOTION_IDLE_REASONS = [
  "auto-promotion-off",
  "promotion-in-flight",
  "no-eligible-freight",
  "up-to-date",
  "held-after-rollback",
  "previous-attempt-failed",
] as const;

export type AutoPromotionIdleReason = (typeof AUTO_PROMOTION_IDLE_REASONS)[number];

export type AutoPromotionPlan =
  | { readonly action: "promote"; readonly freight: Freight }
  /** The newest eligible freight needs an approval for this stage first. */
  | { readonly action: "wait"; readonly reason: "awaiting-approval"; readonly freight: Freight }
  /** `freight` names the freight the reason is about, where there is one. */
  | { readonly action: "none"; readonly reason: AutoPromotionIdleReason; readonly freight?: string };

const ENDED_UNSUCCESSFULLY: readonly PromotionPhase[] = ["Failed", "Errored", "Aborted"];

function newest<T extends Pick<Freight, "name" | "createdAt">>(freight: readonly T[]): T | undefined {
  return [...freight].sort(compareFreightNewestFirst)[0];
}

/**
 * What the auto-promotion of a stage does now. One promotion per stage at a time; the newest
 * eligible freight is promoted when it is newer than what the stage runs, unless:
 *
 * - the stage was rolled back: a person promoted freight older than the newest the stage ever ran.
 *   Auto-promotion then holds until freight newer than that newest arrives, so it does not undo
 *   the rollback;
 * - a promotion of that freight to this stage already failed, errored or was aborted: a person
 *   decides whether to try again;
 * - the stage requires an approval and the freight has none for it: the plan waits.
 */
export function planAutoPromotion(input: AutoPromotionInput): AutoPromotionPlan {
  const { stage, eligible, promotions } = input;
  if (!stage.spec.autoPromotion) return { action: "none", reason: "auto-promotion-off" };
  const inFlight = promotions.find((p) => IN_FLIGHT_PHASES.includes(p.phase));
  if (inFlight !== undefined) return { action: "none", reason: "promotion-in-flight", freight: inFlight.freight.name };

  const candidate = eligible[0];
  if (candidate === undefined) return { action: "none", reason: "no-eligible-freight" };

  const succeeded = promotions.filter((p) => p.phase === "Succeeded");
  const current = succeeded.at(-1);
  if (current !== undefined) {
    if (!isNewerFreight(candidate, current.freight)) return { action: "none", reason: "up-to-date", freight: current.freight.name };
    const highest = newest(succeeded.map((p) => p.freight));
    const rolledBack = current.trigger === "manual" && highest !== undefined && isNewerFreight(highest, current.freight);
    if (rolledBack && !isNewerFreight(candidate, highest)) return { action: "none", reason: "held-after-rollback", freight: highest.name };
  }

  const failed = promotions.some((p) => p.freight.name === candidate.name && ENDED_UNSUCCESSFULLY.includes(p.phase));
  if (failed) return { action: "none", reason: "previous-attempt-failed", freight: candidate.name };

  if (stage.spec.approval.required && candidate.approvedFor[stage.metadata.name] === undefined) {
    return { action: "wait", reason: "awaiting-approval", freight: candidate };
  }
  return { action: "promote", freight: candidate };
}
