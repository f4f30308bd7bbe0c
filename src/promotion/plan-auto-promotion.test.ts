import { describe, expect, it } from "vitest";
import { planAutoPromotion, type AutoPromotionPlan, type PromotionTrigger, type StagePromotion } from "./plan-auto-promotion.js";
import { makeFreight, makeStage } from "./promotion.testing.js";
import type { Freight, PromotionPhase } from "./schema.js";

const f1 = makeFreight("f1", { createdAt: "2025-01-01T00:00:00Z" });
const f2 = makeFreight("f2", { createdAt: "2025-02-01T00:00:00Z" });
const f3 = makeFreight("f3", { createdAt: "2025-03-01T00:00:00Z" });
const f4 = makeFreight("f4", { createdAt: "2025-04-01T00:00:00Z" });

const auto = makeStage("staging", { autoPromotion: true });

function promotion(freight: Freight, trigger: PromotionTrigger, phase: PromotionPhase = "Succeeded"): StagePromotion {
  return { freight, trigger, phase };
}

/** Newest first, as eligibleFreight lists them. */
const eligible = (...freight: Freight[]): Freight[] => [...freight].reverse();

/** The plan, shortened to action, reason and freight alias, for readable tables. */
function summary(plan: AutoPromotionPlan): string {
  if (plan.action === "promote") return `promote ${plan.freight.alias}`;
  if (plan.action === "wait") return `wait ${plan.reason} ${plan.freight.alias}`;
  const about = plan.freight === undefined ? "" : ` ${[f1, f2, f3, f4].find((f) => f.name === plan.freight)?.alias ?? plan.freight}`;
  return `none ${plan.reason}${about}`;
}

describe("planAutoPromotion", () => {
  it.each<[string, Freight[], StagePromotion[], string]>([
    ["promotes the newest eligible freight into an empty stage", eligible(f1, f2), [], "promote freight-f2"],
    ["promotes newer freight", eligible(f1, f2, f3), [promotion(f2, "auto")], "promote freight-f3"],
    ["does nothing without eligible freight", [], [], "none no-eligible-freight"],
    ["does nothing when the stage runs the newest", eligible(f1, f2), [promotion(f1, "auto"), promotion(f2, "auto")], "none up-to-date freight-f2"],
    ["never moves backwards on its own", eligible(f1), [promotion(f2, "manual")], "none up-to-date freight-f2"],
    ["one promotion at a time: Pending", eligible(f1, f2, f3), [promotion(f1, "auto"), promotion(f2, "manual", "Pending")], "none promotion-in-flight freight-f2"],
    ["one promotion at a time: Running", eligible(f1, f2), [promotion(f1, "auto", "Running")], "none promotion-in-flight freight-f1"],
    [
      "holds after a rollback: freight older than the rolled-back one stays put",
      eligible(f1, f2, f3),
      [promotion(f1, "auto"), promotion(f3, "auto"), promotion(f1, "manual")],
      "none held-after-rollback freight-f3",
    ],
    [
      "holds after a rollback: even newer than the current freight, but not newer than what was rolled back from",
      eligible(f1, f2, f3),
      [promotion(f3, "auto"), promotion(f1, "manual"), promotion(f2, "manual")],
      "none held-after-rollback freight-f3",
    ],
    [
      "ends the hold when freight newer than anything seen before arrives",
      eligible(f1, f2, f3, f4),
      [promotion(f3, "auto"), promotion(f1, "manual")],
      "promote freight-f4",
    ],
    [
      "a manual promotion forwards is not a rollback",
      eligible(f1, f2, f3),
      [promotion(f1, "auto"), promotion(f2, "manual")],
      "promote freight-f3",
    ],
    [
      "a failed rollback does not hold: the stage still runs the newest",
      eligible(f1, f2, f3),
      [promotion(f2, "auto"), promotion(f1, "manual", "Failed")],
      "promote freight-f3",
    ],
    ["does not retry freight whose promotion failed", eligible(f1, f2), [promotion(f1, "auto"), promotion(f2, "auto", "Failed")], "none previous-attempt-failed freight-f2"],
    ["does not retry freight whose promotion errored", eligible(f1, f2), [promotion(f2, "auto", "Errored")], "none previous-attempt-failed freight-f2"],
    ["does not redo an aborted promotion", eligible(f1, f2), [promotion(f2, "manual", "Aborted")], "none previous-attempt-failed freight-f2"],
    [
      "promotes newer freight after an earlier one failed",
      eligible(f1, f2, f3),
      [promotion(f1, "auto"), promotion(f2, "auto", "Failed")],
      "promote freight-f3",
    ],
  ])("%s", (_name, eligibleFreight, promotions, expected) => {
    expect(summary(planAutoPromotion({ stage: auto, eligible: eligibleFreight, promotions }))).toBe(expected);
  });

  it("does nothing for a stage without auto-promotion", () => {
    const manual = makeStage("prod");

    expect(planAutoPromotion({ stage: manual, eligible: eligible(f1), promotions: [] })).toEqual({ action: "none", reason: "auto-promotion-off" });
  });

  describe("with approval required", () => {
    const gated = makeStage("prod", { autoPromotion: true, approval: { required: true } });

    it("waits for an approval of the newest freight", () => {
      expect(planAutoPromotion({ stage: gated, eligible: eligible(f1, f2), promotions: [] })).toEqual({ action: "wait", reason: "awaiting-approval", freight: f2 });
    });

    it("promotes once the freight is approved for this stage", () => {
      const approved = { ...f2, approvedFor: { prod: { at: "2025-02-02T00:00:00Z", by: "alice" } } };

      expect(planAutoPromotion({ stage: gated, eligible: [approved, f1], promotions: [] })).toEqual({ action: "promote", freight: approved });
    });

    it("does not count an approval for another stage", () => {
      const approvedElsewhere = { ...f2, approvedFor: { staging: { at: "2025-02-02T00:00:00Z", by: "alice" } } };

      expect(planAutoPromotion({ stage: gated, eligible: [approvedElsewhere], promotions: [] })).toMatchObject({ action: "wait", reason: "awaiting-approval" });
    });

    it("still holds after a rollback, approved or not", () => {
      const approved = { ...f2, approvedFor: { prod: { at: "2025-02-02T00:00:00Z", by: "alice" } } };
      const promotions = [promotion(f3, "auto"), promotion(f1, "manual")];

      expect(planAutoPromotion({ stage: gated, eligible: [f3, approved, f1], promotions })).toMatchObject({ action: "none", reason: "held-after-rollback" });
    });
  });
});
