import { describe, expect, it } from "vitest";
import { promotionSteps } from "./promotion-steps.js";
import { aPromotion } from "./promotion.testing.js";
import type { PromotionStepRecord, StepEntry } from "./promotion-types.js";

const template: StepEntry[] = [{ uses: "git-clone", as: "clone" }, { uses: "yaml-update" }, { uses: "git-push" }];
const record = (uses: string, as: string, status: PromotionStepRecord["status"], message = ""): PromotionStepRecord => ({
  uses, as, status, message, startedAt: "2025-01-01T00:00:00.000Z", finishedAt: "2025-01-01T00:00:01.000Z", outputs: {},
});

describe("promotionSteps", () => {
  it("lists every template step as waiting while the promotion runs", () => {
    expect(promotionSteps(aPromotion(1, "dev", "f1", "Running"), template).map((s) => [s.as, s.status])).toEqual([
      ["clone", "waiting"], ["step-1", "waiting"], ["step-2", "waiting"],
    ]);
  });

  it("shows the recorded results, and the steps after a failure as not run", () => {
    const failed = aPromotion(1, "dev", "f1", "Failed", { steps: [record("git-clone", "clone", "Succeeded"), record("yaml-update", "step-1", "Failed", "no key spec.image")] });
    expect(promotionSteps(failed, template).map((s) => [s.as, s.status, s.message])).toEqual([
      ["clone", "Succeeded", ""], ["step-1", "Failed", "no key spec.image"], ["step-2", "not run", ""],
    ]);
  });

  it("shows the recorded steps alone when the stage is gone", () => {
    const done = aPromotion(1, "dev", "f1", "Succeeded", { steps: [record("git-clone", "clone", "Succeeded")] });
    expect(promotionSteps(done, undefined)).toHaveLength(1);
  });
});
