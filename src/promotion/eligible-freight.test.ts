import { describe, expect, it } from "vitest";
import { eligibleFreight } from "./eligible-freight.js";
import { makeFreight, makeStage } from "./promotion.testing.js";
import type { Freight } from "./schema.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");

/** Verified in `stage` the given number of minutes before NOW. */
function verified(stage: string, minutesAgo: number): Freight["verifiedIn"] {
  return { [stage]: { at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(), promotionId: `p-${stage}` } };
}

const direct = makeStage("dev");
const fromStaging = makeStage("prod", {
  requestedFreight: [{ origin: { warehouse: "shop" }, sources: { stages: ["staging"], requiredSoakTime: "1h" } }],
});
const fromBoth = makeStage("prod", { requestedFreight: [{ origin: { warehouse: "shop" }, sources: { stages: ["staging", "qa"] } }] });
const directOrUpstream = makeStage("prod", {
  requestedFreight: [{ origin: { warehouse: "shop" }, sources: { direct: true, stages: ["staging"] } }],
});

describe("eligibleFreight", () => {
  it.each<[string, ReturnType<typeof makeStage>, Partial<Freight>, boolean]>([
    ["direct: any freight of the warehouse", direct, {}, true],
    ["direct: not freight of another warehouse", direct, { warehouse: "billing" }, false],
    ["upstream: not before verification", fromStaging, {}, false],
    ["upstream: not verified in another stage", fromStaging, { verifiedIn: verified("qa", 600) }, false],
    ["upstream: not while soaking", fromStaging, { verifiedIn: verified("staging", 59) }, false],
    ["upstream: once soaked exactly long enough", fromStaging, { verifiedIn: verified("staging", 60) }, true],
    ["upstream: long after soaking", fromStaging, { verifiedIn: verified("staging", 600) }, true],
    ["upstream: no soak time means at once", fromBoth, { verifiedIn: { ...verified("staging", 0), ...verified("qa", 0) } }, true],
    ["every upstream: not with only one of them", fromBoth, { verifiedIn: verified("staging", 5) }, false],
    ["direct or upstream: direct wins", directOrUpstream, {}, true],
    ["upstream of another warehouse's request", fromStaging, { warehouse: "billing", verifiedIn: verified("staging", 600) }, false],
    ["approval alone does not make freight eligible", fromStaging, { approvedFor: { prod: { at: NOW.toISOString(), by: "alice" } } }, false],
  ])("%s", (_name, stage, fields, eligible) => {
    const freight = makeFreight("a1", fields);

    expect(eligibleFreight(stage, [freight], NOW)).toEqual(eligible ? [freight] : []);
  });

  it("does not take freight whose verification time cannot be read", () => {
    const freight: Freight = { ...makeFreight("a1"), verifiedIn: { staging: { at: "yesterday", promotionId: "p" } } };

    expect(eligibleFreight(fromStaging, [freight], NOW)).toEqual([]);
  });

  it("takes each warehouse's freight by that warehouse's own sources", () => {
    const stage = makeStage("prod", {
      requestedFreight: [
        { origin: { warehouse: "shop" }, sources: { stages: ["staging"] } },
        { origin: { warehouse: "billing" }, sources: { direct: true } },
      ],
    });
    const shopUnverified = makeFreight("a1");
    const shopVerified = makeFreight("a2", { verifiedIn: verified("staging", 1) });
    const billing = makeFreight("b1", { warehouse: "billing" });

    expect(eligibleFreight(stage, [shopUnverified, shopVerified, billing], NOW).map((f) => f.name)).toEqual([billing.name, shopVerified.name].sort());
  });

  it("lists freight newest first, the same whatever the input order", () => {
    const old = makeFreight("a1", { createdAt: "2025-01-01T00:00:00Z" });
    const newer = makeFreight("a2", { createdAt: "2025-02-01T00:00:00Z" });
    const newest = makeFreight("a3", { createdAt: "2025-02-15T00:00:00+01:00" });
    const sameTimeAsNewer = makeFreight("a0", { createdAt: "2025-02-01T00:00:00Z" });

    const expected = [newest.name, sameTimeAsNewer.name, newer.name, old.name];
    expect(eligibleFreight(direct, [old, newest, newer, sameTimeAsNewer], NOW).map((f) => f.name)).toEqual(expected);
    expect(eligibleFreight(direct, [sameTimeAsNewer, newer, old, newest], NOW).map((f) => f.name)).toEqual(expected);
  });
});
