import { describe, expect, it } from "vitest";
import { planGroup } from "./job-concurrency.js";
import type { GroupMember, GroupPlan } from "./job-concurrency.js";

const m = (id: number, runId: number, status: GroupMember["status"], cancelInProgress = false, jobId = "deploy"): GroupMember => ({ id, runId, jobId, status, cancelInProgress });

describe("planGroup: job-level concurrency", () => {
  it.each<[string, GroupMember[], GroupPlan]>([
    ["a lone waiting job is admitted", [m(1, 1, "waiting")], { cancelWaiting: [], cancelActive: [], admit: [1] }],
    ["a waiting job waits for the running one", [m(1, 1, "in_progress"), m(2, 2, "waiting")], { cancelWaiting: [], cancelActive: [], admit: [] }],
    ["a waiting job waits for a queued one", [m(1, 1, "queued"), m(2, 2, "waiting")], { cancelWaiting: [], cancelActive: [], admit: [] }],
    ["the newest waiting job replaces older ones", [m(1, 1, "in_progress"), m(2, 2, "waiting"), m(3, 3, "waiting")], { cancelWaiting: [2], cancelActive: [], admit: [] }],
    ["cancel-in-progress cancels the running job and waits for it to stop", [m(1, 1, "in_progress"), m(2, 2, "waiting", true)], { cancelWaiting: [], cancelActive: [1], admit: [] }],
    ["cancel-in-progress ends a queued job and is admitted at once", [m(1, 1, "queued"), m(2, 2, "waiting", true)], { cancelWaiting: [], cancelActive: [1], admit: [2] }],
    ["a matrix moves as one job", [m(1, 1, "waiting"), m(2, 1, "waiting")], { cancelWaiting: [], cancelActive: [], admit: [1, 2] }],
    ["nothing waiting, nothing to do", [m(1, 1, "in_progress")], { cancelWaiting: [], cancelActive: [], admit: [] }],
  ])("%s", (_what, members, plan) => {
    expect(planGroup(members)).toEqual(plan);
  });
});
