import { describe, expect, it } from "vitest";
import { builtinActions, findBuiltin } from "./index.js";

describe("findBuiltin", () => {
  it("matches owner/repo at any ref, ignoring case", () => {
    expect(findBuiltin("actions/checkout@v4")?.id).toBe("actions/checkout");
    expect(findBuiltin("Actions/Upload-Artifact@0123456789abcdef0123456789abcdef01234567")?.id).toBe("actions/upload-artifact");
    expect(findBuiltin("actions/download-artifact@main")?.id).toBe("actions/download-artifact");
    expect(findBuiltin("actions/setup-node@v4.0.2")?.id).toBe("actions/setup-node");
    expect(typeof findBuiltin("actions/cache@v4")?.post).toBe("function");
  });

  it("knows the cache sub-actions and nothing else", () => {
    expect(findBuiltin("actions/cache/restore@v4")).not.toHaveProperty("post");
    expect(findBuiltin("actions/cache/save@v4")?.id).toBe("actions/cache/save");
    expect(findBuiltin("actions/cache/other@v4")).toBeUndefined();
    expect(findBuiltin("actions/checkout")).toBeUndefined();
    expect(findBuiltin("someone/checkout@v4")).toBeUndefined();
    expect(findBuiltin("./actions/checkout")).toBeUndefined();
    expect([...builtinActions.keys()]).toContain("actions/checkout");
  });
});
