import { describe, expect, it } from "vitest";
import { kinds, lookupKind } from "./kinds.js";

describe("kinds", () => {
  it("registers every kind under its name", () => {
    for (const [name, definition] of kinds) expect(definition.kind).toBe(name);
    expect([...kinds.keys()]).toContain("Repository");
  });

  it.each(["Repository", "repository", "REPOSITORY", "repositories", "Repositories", "repo", "repos", " repo "])(
    "finds Repository as %j",
    (alias) => {
      expect(lookupKind(alias)?.kind).toBe("Repository");
    },
  );

  it.each(["", "repositorys", "rep", "Freight", "git"])("finds nothing for %j", (alias) => {
    expect(lookupKind(alias)).toBeUndefined();
  });
});
