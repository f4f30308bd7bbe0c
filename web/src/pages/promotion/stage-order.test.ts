import { describe, expect, it } from "vitest";
import type { StageView } from "./promotion-types.js";
import { orderStages, upstreamStages } from "./stage-order.js";

const stage = (name: string, upstream: string[] = []): Pick<StageView, "name" | "spec"> => ({
  name,
  spec: {
    requestedFreight: [{ origin: { warehouse: "web" }, sources: upstream.length ? { stages: upstream } : { direct: true } }],
    promotionTemplate: { steps: [] },
  },
});

describe("orderStages", () => {
  it.each<[string, Array<Pick<StageView, "name" | "spec">>, string[]]>([
    ["a chain, whatever order it comes in", [stage("prod", ["staging"]), stage("dev"), stage("staging", ["dev"])], ["dev", "staging", "prod"]],
    ["a fan-out and fan-in", [stage("prod", ["qa-b", "qa-a"]), stage("qa-b", ["dev"]), stage("qa-a", ["dev"]), stage("dev")], ["dev", "qa-a", "qa-b", "prod"]],
    ["a stage after its deepest upstream", [stage("prod", ["dev", "staging"]), stage("staging", ["dev"]), stage("dev")], ["dev", "staging", "prod"]],
    ["two independent pipelines by depth, then name", [stage("b-prod", ["b-dev"]), stage("a-prod", ["a-dev"]), stage("b-dev"), stage("a-dev")], ["a-dev", "b-dev", "a-prod", "b-prod"]],
    ["an upstream that is not a stage", [stage("prod", ["gone"]), stage("dev")], ["dev", "prod"]],
  ])("orders %s", (_what, stages, expected) => {
    expect(orderStages(stages).map((s) => s.name)).toEqual(expected);
  });

  it("ends on a cycle instead of looping", () => {
    const names = orderStages([stage("a", ["b"]), stage("b", ["a"]), stage("dev")]).map((s) => s.name);
    expect(names).toHaveLength(3);
    expect(names).toEqual(expect.arrayContaining(["a", "b", "dev"]));
  });
});

describe("upstreamStages", () => {
  it("names each upstream stage once over every request", () => {
    const s = stage("prod", ["dev"]);
    s.spec.requestedFreight.push({ origin: { warehouse: "api" }, sources: { stages: ["dev", "qa"] } });
    expect(upstreamStages(s)).toEqual(["dev", "qa"]);
  });
});
