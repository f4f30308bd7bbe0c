import { describe, expect, it } from "vitest";
import { freightCell } from "./freight-cell.js";
import type { Blocker, CellState } from "./freight-cell.js";
import { aFreight, aPromotion, aStage } from "./promotion.testing.js";
import type { Freight, Promotion, StageView } from "./promotion-types.js";

const NOW = new Date("2025-01-02T12:00:00.000Z");
const HOUR_AGO = "2025-01-02T11:00:00.000Z";
const MINUTE_AGO = "2025-01-02T11:59:00.000Z";

describe("freightCell", () => {
  it.each<[string, StageView, Freight, Promotion | undefined, CellState, Blocker[]]>([
    ["direct stage, nothing yet: eligible", aStage("dev"), aFreight("f1"), undefined, "eligible", []],
    ["other warehouse: not requested", aStage("dev", { warehouse: "api" }), aFreight("f1"), undefined, "not-requested", [{ reason: "not-requested" }]],
    ["not verified upstream: blocked, naming the stage", aStage("prod", { upstream: ["dev"] }), aFreight("f1"), undefined, "blocked", [{ reason: "not-verified-upstream", stages: ["dev"] }]],
    ["verified in one of two upstreams: blocked on the other", aStage("prod", { upstream: ["dev", "qa"] }), aFreight("f1", { verifiedIn: { dev: HOUR_AGO } }), undefined, "blocked", [{ reason: "not-verified-upstream", stages: ["qa"] }]],
    ["verified upstream, no approval needed: eligible", aStage("prod", { upstream: ["dev"] }), aFreight("f1", { verifiedIn: { dev: HOUR_AGO } }), undefined, "eligible", []],
    ["verified a minute ago, 30m soak: soaking until 12:29", aStage("prod", { upstream: ["dev"], soak: "30m" }), aFreight("f1", { verifiedIn: { dev: MINUTE_AGO } }), undefined, "blocked", [{ reason: "soaking", until: "2025-01-02T12:29:00.000Z" }]],
    ["verified an hour ago, 30m soak: eligible", aStage("prod", { upstream: ["dev"], soak: "30m" }), aFreight("f1", { verifiedIn: { dev: HOUR_AGO } }), undefined, "eligible", []],
    ["eligible but needs an approval: awaiting approval", aStage("prod", { upstream: ["dev"], approval: true }), aFreight("f1", { verifiedIn: { dev: HOUR_AGO } }), undefined, "blocked", [{ reason: "awaiting-approval" }]],
    ["eligible and approved", aStage("prod", { upstream: ["dev"], approval: true }), aFreight("f1", { verifiedIn: { dev: HOUR_AGO }, approvedFor: { prod: "alice" } }), undefined, "approved", []],
    ["running there", aStage("dev", { current: "f1" }), aFreight("f1", { verifiedIn: { dev: HOUR_AGO } }), aPromotion(3, "dev", "f1", "Succeeded"), "current", []],
    ["promotion running", aStage("dev", { inFlight: [aPromotion(4, "dev", "f1", "Running")] }), aFreight("f1"), aPromotion(4, "dev", "f1", "Running"), "promoting", []],
    ["its last promotion failed", aStage("dev"), aFreight("f1"), aPromotion(5, "dev", "f1", "Failed", { message: "push rejected" }), "failed", []],
    ["ran there earlier and passed verification", aStage("dev", { current: "f2" }), aFreight("f1", { verifiedIn: { dev: HOUR_AGO } }), aPromotion(2, "dev", "f1", "Succeeded"), "verified", []],
  ])("%s", (_what, stage, freight, latest, state, blockers) => {
    const cell = freightCell({ stage, freight, latest, now: NOW });
    expect(cell.state).toBe(state);
    expect(cell.blockers).toEqual(blockers);
  });

  it("says who approved and when it was verified", () => {
    const cell = freightCell({ stage: aStage("prod", { upstream: ["dev"], approval: true, current: "f1" }), freight: aFreight("f1", { verifiedIn: { dev: HOUR_AGO, prod: MINUTE_AGO }, approvedFor: { prod: "alice" } }), now: NOW });
    expect(cell).toMatchObject({ state: "current", verified: { at: MINUTE_AGO }, approved: { by: "alice" } });
  });

  it("keeps the failed promotion, so the page can say why", () => {
    const failed = aPromotion(5, "dev", "f1", "Errored", { message: "git-push: rejected" });
    expect(freightCell({ stage: aStage("dev"), freight: aFreight("f1"), latest: failed, now: NOW }).promotion).toBe(failed);
  });

  it("takes a stage's in-flight promotion over an older latest", () => {
    const running = aPromotion(9, "prod", "f1", "Pending", { message: "waiting for an approval of alias-f1 for prod" });
    const cell = freightCell({ stage: aStage("prod", { upstream: ["dev"], approval: true, inFlight: [running] }), freight: aFreight("f1", { verifiedIn: { dev: HOUR_AGO } }), latest: aPromotion(2, "prod", "f1", "Failed"), now: NOW });
    expect(cell).toMatchObject({ state: "promoting", promotion: { id: 9 } });
  });
});
