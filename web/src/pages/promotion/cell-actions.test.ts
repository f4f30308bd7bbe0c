import { describe, expect, it } from "vitest";
import { cellActions } from "./cell-actions.js";
import type { Viewer } from "./cell-actions.js";
import { freightCell } from "./freight-cell.js";
import { aFreight, aPromotion, aStage } from "./promotion.testing.js";
import type { Freight, StageView } from "./promotion-types.js";

const NOW = new Date("2025-01-02T12:00:00.000Z");
const RANK = { viewer: 0, operator: 1, approver: 2, admin: 3 } as const;
const as = (role: keyof typeof RANK, name = "someone"): Viewer => ({
  name, can: (action) => RANK[role] >= { operate: 1, approve: 2, admin: 3 }[action],
});
const actions = (stage: StageView, freight: Freight, viewer: Viewer) => cellActions(freightCell({ stage, freight, now: NOW }), stage, viewer);

const verified = aFreight("f1", { verifiedIn: { dev: "2025-01-01T00:00:00.000Z" } });
const prod = aStage("prod", { upstream: ["dev"], approval: true });

describe("cellActions", () => {
  it("offers a viewer nothing", () => {
    expect(actions(aStage("dev"), aFreight("f1"), as("viewer"))).toEqual({ promote: false, approve: false });
  });

  it("offers an operator Promote of eligible freight, but not Approve", () => {
    expect(actions(aStage("dev"), aFreight("f1"), as("operator"))).toEqual({ promote: true, approve: false });
    expect(actions(prod, verified, as("operator"))).toEqual({ promote: false, approve: false });
  });

  it("offers an approver Approve of freight that waits only for the approval, and then Promote", () => {
    expect(actions(prod, verified, as("approver"))).toEqual({ promote: false, approve: true });
    expect(actions(prod, aFreight("f1", { verifiedIn: { dev: "2025-01-01T00:00:00.000Z" }, approvedFor: { prod: "x" } }), as("approver"))).toEqual({ promote: true, approve: false });
  });

  it("does not offer Approve of freight not verified upstream yet", () => {
    expect(actions(prod, aFreight("f1"), as("admin"))).toEqual({ promote: false, approve: false });
  });

  it("offers Approve only to the approvers a stage names, whatever their role", () => {
    const named = aStage("prod", { upstream: ["dev"], approval: true, approvers: ["alice"] });
    expect(actions(named, verified, as("admin", "bob")).approve).toBe(false);
    expect(actions(named, verified, as("operator", "alice")).approve).toBe(true);
  });

  it("does not offer Promote while another promotion of the stage is in flight, and offers Abort of the one in flight", () => {
    const running = aPromotion(7, "dev", "f2", "Running");
    const stage = aStage("dev", { inFlight: [running] });
    expect(actions(stage, aFreight("f1"), as("operator"))).toEqual({ promote: false, approve: false });
    expect(actions(stage, aFreight("f2"), as("operator"))).toEqual({ promote: false, approve: false, abort: 7 });
    expect(actions(stage, aFreight("f2"), as("viewer"))).toEqual({ promote: false, approve: false });
  });

  it("does not let the one who asked for a promotion approve it", () => {
    const pending = aPromotion(8, "prod", "f1", "Pending", { requestedBy: "carol", trigger: "manual" });
    const stage = aStage("prod", { upstream: ["dev"], approval: true, inFlight: [pending] });
    expect(actions(stage, verified, as("admin", "carol")).approve).toBe(false);
    expect(actions(stage, verified, as("admin", "dave")).approve).toBe(true);
  });

  it("does not offer to promote what already runs there", () => {
    expect(actions(aStage("dev", { current: "f1" }), aFreight("f1"), as("admin")).promote).toBe(false);
  });
});
