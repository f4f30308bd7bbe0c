import { describe, expect, it } from "vitest";
import type { ApplicationSummary } from "./application-types.js";
import { groupByEnvironment } from "./group-by-environment.js";

const app = (name: string, agent: string): ApplicationSummary => ({
  name, agent, runtime: "process", source: null, sync: { status: "Synced", revision: null, appliedRevision: null },
  health: { status: "Healthy", message: "" }, services: [], lastSync: null, reportedAt: null,
});

describe("groupByEnvironment", () => {
  it("groups a page by agent, in the server's order, with each environment's totals", () => {
    const groups = groupByEnvironment([app("a", "edge"), app("b", "edge"), app("c", "prod")], [{ agent: "edge", total: 40, synced: 39, healthy: 40 }]);
    expect(groups.map((g) => [g.agent, g.applications.map((a) => a.name), g.totals?.total])).toEqual([["edge", ["a", "b"], 40], ["prod", ["c"], undefined]]);
  });
});
