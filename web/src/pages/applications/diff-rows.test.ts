import { describe, expect, it } from "vitest";
import { diffRows, diffSummary, formatValue } from "./diff-rows.js";

describe("diffRows", () => {
  it("lists Services to add and remove and every changed field, by Service", () => {
    const rows = diffRows({
      added: ["worker"], removed: ["old"], unchanged: ["db"],
      changed: [{ name: "api", fields: [{ path: "spec.replicas", from: 1, to: 3 }, { path: "spec.env.MODE", from: undefined, to: "fast" }] }],
    });
    expect(rows).toEqual([
      { service: "api", change: "changed", path: "spec.replicas", live: "1", git: "3" },
      { service: "api", change: "changed", path: "spec.env.MODE", live: "(none)", git: "fast" },
      { service: "old", change: "removed" },
      { service: "worker", change: "added" },
    ]);
  });

  it("is empty before the agent reported a diff", () => {
    expect(diffRows(undefined)).toEqual([]);
    expect(diffSummary(undefined)).toBe("the agent has not reported a diff yet");
  });

  it("sums up what a sync would do", () => {
    expect(diffSummary({ added: ["a"], removed: [], changed: [{ name: "b", fields: [] }], unchanged: [] })).toBe("1 to add, 1 to change, 0 to remove");
    expect(diffSummary({ added: [], removed: [], changed: [], unchanged: ["a"] })).toBe("no Service changes");
  });

  it.each<[unknown, string]>([["text", "text"], [3, "3"], [["a", "b"], '["a","b"]'], [undefined, "(none)"], [null, "null"]])("shows %j as %j", (v, text) => {
    expect(formatValue(v)).toBe(text);
  });
});
