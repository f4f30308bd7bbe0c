import { describe, expect, it } from "vitest";
import { isPromotionEvent } from "./promotion-events.js";

describe("which live events the promotion views follow", () => {
  it.each<[Parameters<typeof isPromotionEvent>[0], boolean]>([
    [{ action: "promotion.succeeded", kind: "Stage", name: "prod" }, true],
    [{ action: "freight.approved", kind: "Freight", name: "f1" }, true],
    [{ action: "run.updated", subject: "WorkflowRun/3" }, false],
    [{ action: "application.sync.succeeded", kind: "Application", name: "shop" }, false],
  ])("%j", (e, follows) => {
    expect(isPromotionEvent(e)).toBe(follows);
  });
});
