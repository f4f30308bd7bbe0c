import { describe, expect, it } from "vitest";
import { confirmRollback, confirmSync } from "./app-confirmations.js";
import type { ApplicationResource, AppSync } from "./application-types.js";

const app: ApplicationResource = {
  kind: "Application",
  metadata: { name: "shop", generation: 1, createdAt: "", updatedAt: "" },
  spec: { source: { repoURL: "https://git.example.com/config.git", path: "prod", targetRevision: "main" }, destination: { agent: "edge" } },
  status: {
    sync: { status: "OutOfSync", revision: "b".repeat(40), appliedRevision: "a".repeat(40) },
    diff: { added: [], removed: [], changed: [{ name: "web", fields: [{ path: "spec.replicas", from: 1, to: 2 }] }], unchanged: [] },
  },
};

describe("application confirmations", () => {
  it("Sync names the agent, the source and what changes", () => {
    expect(confirmSync(app).body).toBe("Agent edge makes shop match https://git.example.com/config.git prod at main (now bbbbbbbbbbbb): 0 to add, 1 to change, 0 to remove.");
  });

  it("Rollback names the revision it goes to and the one it replaces", () => {
    const to: AppSync = { id: 7, app: "shop", agent: "edge", revision: "c".repeat(40), trigger: "automated", actor: "agent/edge", result: "Succeeded", message: null, changes: null, startedAt: "", finishedAt: "2025-01-01T00:00:00.000Z" };
    const c = confirmRollback(app, to);
    expect(c.title).toBe("Roll shop back to cccccccccccc?");
    expect(c.body).toMatch(/^Agent edge syncs shop to revision cccccccccccc \(sync #7 by agent\/edge, 2025-01-01T00:00:00.000Z\), replacing aaaaaaaaaaaa,/);
  });
});
