import { describe, expect, it } from "vitest";
import { makeFreight } from "./promotion.testing.js";
import { freightSchema } from "./schema.js";

describe("freightSchema", () => {
  const valid = makeFreight("a1", {
    images: [{ repoURL: "docker.io/library/redis", digest: `sha256:${"b".repeat(64)}` }],
    commits: [{ repoURL: "/srv/git/config.git", branch: "main", id: "c".repeat(40) }],
    origin: { runId: "7", repository: "acme/web", commit: "3f2a9c1" },
    verifiedIn: { staging: { at: "2025-01-02T00:00:00Z", promotionId: "p-1" } },
    approvedFor: { prod: { at: "2025-01-03T00:00:00+02:00", by: "alice" } },
  });

  it("reads back what Ferry writes", () => {
    expect(freightSchema.parse(JSON.parse(JSON.stringify(valid)))).toEqual(valid);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["an artifact pinned by tag alone", { artifacts: [{ repoURL: "localhost:7000/team/web", tag: "latest" }] }, "artifacts.0.digest"],
    ["an image with a short digest", { images: [{ repoURL: "nginx", digest: "sha256:abc" }] }, "images.0.digest"],
    ["an abbreviated commit", { commits: [{ repoURL: "/srv/c", branch: "main", id: "3f2a9c1" }] }, "commits.0.id"],
    ["a name that is not a content hash", { name: "my-freight" }, "name"],
    ["a creation time that is not one", { createdAt: "yesterday" }, "createdAt"],
    ["verification in a stage that is not a name", { verifiedIn: { Staging: { at: "2025-01-02T00:00:00Z", promotionId: "p" } } }, "verifiedIn.Staging"],
    ["an approval without who", { approvedFor: { prod: { at: "2025-01-02T00:00:00Z" } } }, "approvedFor.prod.by"],
    ["an unknown field", { status: "ok" }, ""],
  ])("refuses %s", (_name, fields, path) => {
    const result = freightSchema.safeParse({ ...valid, ...fields });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });
});
