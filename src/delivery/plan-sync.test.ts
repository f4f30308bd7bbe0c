import { describe, expect, it } from "vitest";
import type { Service } from "../resources/index.js";
import { planSync, type SyncPlan, type SyncStep } from "./plan-sync.js";
import type { HealthStatus } from "./schema.js";
import { makeService } from "./service.testing.js";

const step = (s: SyncStep): string => (s.type === "apply" ? `apply ${s.service.metadata.name} (${s.reason})` : `delete ${s.service.metadata.name}`);

/** A plan as short strings, one list per wave. */
function outline(plan: SyncPlan) {
  return {
    waves: plan.waves.map((wave) => wave.map(step)),
    blocked: plan.blocked.map((b) => `${b.service} waits for ${b.waitingFor.join(", ")}`),
    skippedPrune: plan.skippedPrune,
    refusedEmpty: plan.refusedEmpty,
  };
}

const web = makeService("web", { dependsOn: ["api"] });
const api = makeService("api", { dependsOn: ["db"] });
const db = makeService("db");
const cache = makeService("cache");
const worker = makeService("worker", { dependsOn: ["db", "cache"] });

interface Case {
  desired: Service[];
  live: Service[];
  health?: Record<string, HealthStatus>;
  prune?: boolean;
  allowEmpty?: boolean;
  waves: string[][];
  blocked?: string[];
  skippedPrune?: string[];
  refusedEmpty?: boolean;
}

describe("planSync", () => {
  it.each<[string, Case]>([
    ["nothing to do when Git and the environment agree", { desired: [db, api], live: [api, db], health: { db: "Healthy", api: "Healthy" }, waves: [] }],
    [
      "a first sync in dependency waves",
      { desired: [web, api, db, cache, worker], live: [], waves: [["apply cache (added)", "apply db (added)"], ["apply api (added)", "apply worker (added)"], ["apply web (added)"]] },
    ],
    [
      "a change on top of healthy dependencies in the first wave",
      { desired: [db, makeService("api", { dependsOn: ["db"], replicas: 2 })], live: [db, api], health: { db: "Healthy", api: "Healthy" }, waves: [["apply api (changed)"]] },
    ],
    [
      "a dependent waiting for an unhealthy dependency that this plan does not touch",
      {
        desired: [db, makeService("api", { dependsOn: ["db"], replicas: 2 }), makeService("web", { dependsOn: ["api"], replicas: 2 })],
        live: [db, api, web],
        health: { db: "Degraded", api: "Healthy", web: "Healthy" },
        waves: [],
        blocked: ["api waits for db", "web waits for api"],
      },
    ],
    [
      "a dependency not observed yet counts as not healthy",
      { desired: [db, makeService("api", { dependsOn: ["db"], replicas: 2 })], live: [db, api], health: {}, waves: [], blocked: ["api waits for db"] },
    ],
    [
      "a Service recorded as applied but missing from the runtime",
      { desired: [db, api], live: [db, api], health: { db: "Missing", api: "Healthy" }, waves: [["apply db (missing)"]] },
    ],
    [
      "a missing dependency re-applied before its changed dependent",
      {
        desired: [db, makeService("api", { dependsOn: ["db"], replicas: 3 })],
        live: [db, api],
        health: { db: "Missing", api: "Degraded" },
        waves: [["apply db (missing)"], ["apply api (changed)"]],
      },
    ],
    [
      "a dependency cycle blocks the Services in it",
      {
        desired: [makeService("a", { dependsOn: ["b"] }), makeService("b", { dependsOn: ["a"] }), db],
        live: [],
        waves: [["apply db (added)"]],
        blocked: ["a waits for b", "b waits for a"],
      },
    ],
    [
      "a dependency that is not in Git",
      { desired: [api], live: [], waves: [], blocked: ["api waits for db"] },
    ],
    [
      "Services left in the environment are kept without prune",
      { desired: [db], live: [db, cache], health: { db: "Healthy" }, waves: [], skippedPrune: ["cache"] },
    ],
    [
      "deletes after applies, dependents first",
      {
        desired: [makeService("db", { replicas: 2 })],
        live: [db, api, web, cache],
        health: { db: "Healthy" },
        prune: true,
        waves: [["apply db (changed)"], ["delete cache", "delete web"], ["delete api"]],
      },
    ],
    [
      "no deletes when Git defines no Services, unless allowed",
      { desired: [], live: [db, api], prune: true, waves: [], skippedPrune: ["api", "db"], refusedEmpty: true },
    ],
    [
      "every Service deleted when Git defines none and that is allowed",
      { desired: [], live: [db, api], prune: true, allowEmpty: true, waves: [["delete api"], ["delete db"]] },
    ],
    ["nothing refused when nothing is left to delete", { desired: [], live: [], prune: true, waves: [] }],
  ])("%s", (_name, c) => {
    const plan = planSync({
      desired: c.desired,
      live: c.live,
      observedHealth: c.health ?? {},
      prune: c.prune ?? false,
      allowEmpty: c.allowEmpty ?? false,
    });

    expect(outline(plan)).toEqual({
      waves: c.waves,
      blocked: c.blocked ?? [],
      skippedPrune: c.skippedPrune ?? [],
      refusedEmpty: c.refusedEmpty ?? false,
    });
  });

  it("applies the desired Service and deletes the last applied one", () => {
    const desired = makeService("db", { replicas: 2 });
    const gone = makeService("old", { stopSignal: "SIGINT" });

    const plan = planSync({ desired: [desired], live: [db, gone], observedHealth: {}, prune: true, allowEmpty: false });

    expect(plan.steps).toEqual([
      { type: "apply", service: desired, reason: "changed" },
      { type: "delete", service: gone },
    ]);
  });
});
