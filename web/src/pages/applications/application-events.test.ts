import { describe, expect, it } from "vitest";
import { isApplicationEvent } from "./application-events.js";

describe("which live events the applications views follow", () => {
  it.each<[string, Parameters<typeof isApplicationEvent>[0], string | undefined, boolean]>([
    ["a status change of any Application, in the list", { action: "application.status-changed", kind: "Application", name: "shop" }, undefined, true],
    ["a sync of this Application", { action: "application.sync.succeeded", kind: "Application", name: "shop" }, "shop", true],
    ["a sync of another Application", { action: "application.sync.succeeded", kind: "Application", name: "cart" }, "shop", false],
    ["a job's status", { action: "job.updated", subject: "Job/4" }, undefined, false],
    ["the stream coming back", { action: "reconnected" }, "shop", true],
  ])("%s", (_what, e, name, follows) => {
    expect(isApplicationEvent(e, name)).toBe(follows);
  });
});
