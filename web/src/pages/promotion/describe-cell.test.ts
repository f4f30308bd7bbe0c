import { describe, expect, it } from "vitest";
import { describeBlocker, describeCell } from "./describe-cell.js";
import { freightCell } from "./freight-cell.js";
import { aFreight, aPromotion, aStage } from "./promotion.testing.js";

const NOW = new Date("2025-01-02T12:00:00.000Z");

describe("describeCell", () => {
  it.each<[string, ReturnType<typeof freightCell>, { label: string; detail?: string }]>([
    ["blocked upstream", freightCell({ stage: aStage("prod", { upstream: ["dev"] }), freight: aFreight("f1"), now: NOW }), { label: "blocked", detail: "not verified in dev" }],
    ["awaiting approval", freightCell({ stage: aStage("prod", { upstream: ["dev"], approval: true }), freight: aFreight("f1", { verifiedIn: { dev: "2025-01-01T00:00:00Z" } }), now: NOW }), { label: "awaiting approval" }],
    ["approved", freightCell({ stage: aStage("prod", { upstream: ["dev"], approval: true }), freight: aFreight("f1", { verifiedIn: { dev: "2025-01-01T00:00:00Z" }, approvedFor: { prod: "alice" } }), now: NOW }), { label: "approved", detail: "by alice" }],
    ["failed", freightCell({ stage: aStage("dev"), freight: aFreight("f1"), latest: aPromotion(2, "dev", "f1", "Errored", { message: "git-push: rejected" }), now: NOW }), { label: "errored", detail: "git-push: rejected" }],
    ["pending for an approval", freightCell({ stage: aStage("prod", { upstream: ["dev"], approval: true, inFlight: [aPromotion(3, "prod", "f1", "Pending")] }), freight: aFreight("f1"), now: NOW }), { label: "pending", detail: "awaiting approval" }],
    ["running", freightCell({ stage: aStage("dev", { current: "f1" }), freight: aFreight("f1", { verifiedIn: { dev: "2025-01-01T00:00:00Z" } }), now: NOW }), { label: "current" }],
    ["running, but failed verification", freightCell({ stage: aStage("dev", { current: "f1" }), freight: aFreight("f1"), latest: aPromotion(4, "dev", "f1", "Succeeded", { verification: { phase: "Failed", reasons: ["checks[0]: 503"], at: "2025-01-01T00:00:00Z" } }), now: NOW }), { label: "current", detail: "verification failed" }],
  ])("%s", (_what, cell, words) => {
    expect(describeCell(cell)).toEqual(words);
  });

  it("says until when freight soaks", () => {
    expect(describeBlocker({ reason: "soaking", until: "2025-01-02T12:29:00.000Z" })).toBe("soak time: eligible from 2025-01-02T12:29:00.000Z");
  });
});
