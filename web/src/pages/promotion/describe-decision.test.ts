import { describe, expect, it } from "vitest";
import { describeDecision } from "./describe-decision.js";

describe("describeDecision", () => {
  const alias = (name: string): string => `alias-${name}`;
  it.each<[Parameters<typeof describeDecision>[0], string | undefined]>([
    [null, undefined],
    [{ action: "wait", reason: "awaiting-approval", freight: "f1" }, "waits for an approval of alias-f1"],
    [{ action: "none", reason: "up-to-date", freight: "f1" }, "up to date"],
    [{ action: "none", reason: "auto-promotion-off" }, undefined],
    [{ action: "none", reason: "previous-attempt-failed", freight: "f2" }, "a promotion of alias-f2 failed; promote it again by hand"],
  ])("%j reads %j", (decision, words) => {
    expect(describeDecision(decision, alias)).toBe(words);
  });
});
