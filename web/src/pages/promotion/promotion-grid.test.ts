import { describe, expect, it } from "vitest";
import { buildPromotionGrid, latestPromotions } from "./promotion-grid.js";
import { aFreight, aPromotion, aStage } from "./promotion.testing.js";

const NOW = new Date("2025-01-02T12:00:00.000Z");

describe("buildPromotionGrid", () => {
  it("puts stages in pipeline order and freight newest first, one cell per stage", () => {
    const grid = buildPromotionGrid({
      stages: [aStage("prod", { upstream: ["dev"], approval: true }), aStage("dev", { current: "old" })],
      freight: [
        aFreight("old", { createdAt: "2025-01-01T00:00:00.000Z", verifiedIn: { dev: "2025-01-01T01:00:00.000Z" } }),
        aFreight("new", { createdAt: "2025-01-02T00:00:00.000Z" }),
      ],
      promotions: [aPromotion(1, "dev", "old", "Succeeded")],
      now: NOW,
    });
    expect(grid.stages.map((s) => s.name)).toEqual(["dev", "prod"]);
    expect(grid.rows.map((r) => [r.freight.name, ...r.cells.map((c) => c.state)])).toEqual([
      ["new", "eligible", "blocked"],
      ["old", "current", "blocked"],
    ]);
  });

  it("judges each cell by the newest promotion of that freight to that stage", () => {
    const grid = buildPromotionGrid({
      stages: [aStage("dev")], freight: [aFreight("f1")],
      promotions: [aPromotion(2, "dev", "f1", "Failed"), aPromotion(1, "dev", "f1", "Succeeded")],
      now: NOW,
    });
    expect(grid.rows[0]?.cells[0]).toMatchObject({ state: "failed", promotion: { id: 2 } });
  });
});

describe("latestPromotions", () => {
  it("keeps the highest id per stage and freight", () => {
    const latest = latestPromotions([aPromotion(1, "dev", "f1", "Failed"), aPromotion(3, "dev", "f1", "Succeeded"), aPromotion(2, "prod", "f1", "Running")]);
    expect([...latest.values()].map((p) => p.id).sort()).toEqual([2, 3]);
  });
});
