import { describe, expect, it } from "vitest";
import { diffServices } from "./diff-services.js";
import { applicationHealth, syncStatus } from "./health-summary.js";
import type { HealthStatus } from "./schema.js";
import { healthStatusSchema, syncStatusSchema } from "./schema.js";
import { makeService } from "./service.testing.js";

describe("applicationHealth", () => {
  it.each<[HealthStatus[], HealthStatus]>([
    [[], "Healthy"],
    [["Healthy"], "Healthy"],
    [["Healthy", "Unknown"], "Unknown"],
    [["Unknown", "Progressing", "Healthy"], "Progressing"],
    [["Progressing", "Missing"], "Missing"],
    [["Missing", "Degraded", "Progressing"], "Degraded"],
    [["Healthy", "Healthy", "Degraded"], "Degraded"],
  ])("%j is %s", (services, health) => {
    expect(applicationHealth(services)).toBe(health);
  });
});

describe("syncStatus", () => {
  const web = makeService("web");
  const scaled = makeService("web", { replicas: 3 });
  const db = makeService("db");

  it.each<[string, ReturnType<typeof diffServices> | undefined, string]>([
    ["nothing compared yet", undefined, "Unknown"],
    ["Git and the environment agree", diffServices([web, db], [db, web]), "Synced"],
    ["nothing in Git and nothing running", diffServices([], []), "Synced"],
    ["a Service added in Git", diffServices([web, db], [web]), "OutOfSync"],
    ["a Service changed in Git", diffServices([scaled], [web]), "OutOfSync"],
    ["a Service left running after it left Git", diffServices([web], [web, db]), "OutOfSync"],
  ])("%s: %s", (_name, diff, status) => {
    expect(syncStatus(diff)).toBe(status);
  });
});

describe("status vocabularies", () => {
  it("are the ones Argo CD users know", () => {
    expect(healthStatusSchema.options).toEqual(["Healthy", "Progressing", "Degraded", "Missing", "Unknown"]);
    expect(syncStatusSchema.options).toEqual(["Synced", "OutOfSync", "Unknown"]);
    expect(healthStatusSchema.safeParse("Running").success).toBe(false);
  });
});
