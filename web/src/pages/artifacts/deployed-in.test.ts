import { describe, expect, it } from "vitest";
import { aFreight, aStage } from "../promotion/promotion.testing.js";
import { deployedIn, formatBytes } from "./deployed-in.js";

const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;

describe("deployedIn", () => {
  it("maps each digest to the stages whose current freight pins it", () => {
    const freight = [aFreight("f1", { digest: D1 }), aFreight("f2", { digest: D2 })];
    const stages = [aStage("dev", { current: "f2" }), aStage("staging", { current: "f1" }), aStage("prod", { current: "f1" }), aStage("qa")];
    expect(Object.fromEntries(deployedIn(stages, freight))).toEqual({ [D1]: ["staging", "prod"], [D2]: ["dev"] });
  });

  it("skips a stage whose freight is not in the list", () => {
    expect(deployedIn([aStage("dev", { current: "gone" })], [aFreight("f1", { digest: D1 })]).size).toBe(0);
  });
});

describe("formatBytes", () => {
  it.each<[number | null, string]>([[null, "—"], [0, "0 B"], [812, "812 B"], [1536, "1.5 KiB"], [21_286_093, "20 MiB"]])("%j is %j", (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});
