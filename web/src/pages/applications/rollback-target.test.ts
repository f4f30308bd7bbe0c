import { describe, expect, it } from "vitest";
import { canRollbackTo } from "./rollback-target.js";

describe("canRollbackTo", () => {
  it("offers earlier successful syncs only", () => {
    expect(canRollbackTo({ result: "Succeeded", revision: "aaa" }, "bbb")).toBe(true);
    expect(canRollbackTo({ result: "Succeeded", revision: "bbb" }, "bbb")).toBe(false);
    expect(canRollbackTo({ result: "Failed", revision: "aaa" }, "bbb")).toBe(false);
  });
});
