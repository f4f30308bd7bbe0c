import { describe, expect, it } from "vitest";
import type { StageInput } from "../resources/index.js";
import { checkApproval, type ApprovalRefusal } from "./check-approval.js";
import { makeFreight, makeStage } from "./promotion.testing.js";

type Approval = NonNullable<StageInput["spec"]["approval"]>;

const freight = makeFreight("a1");

interface Case {
  readonly approval: Approval;
  readonly user: string;
  readonly role?: boolean;
  readonly requestedBy?: string;
}

function check({ approval, user, role = false, requestedBy }: Case) {
  return checkApproval({ stage: makeStage("prod", { approval }), freight, user, hasApproverRole: role, requestedBy });
}

describe("checkApproval", () => {
  it.each<[string, Case]>([
    ["a listed approver", { approval: { required: true, approvers: ["alice", "bob"] }, user: "bob" }],
    ["a listed API token", { approval: { required: true, approvers: ["release-bot"] }, user: "release-bot", requestedBy: "alice" }],
    ["anyone with the approver role when none are listed", { approval: { required: true }, user: "carol", role: true }],
    ["anyone with the role when the list is empty", { approval: { required: true, approvers: [] }, user: "carol", role: true }],
    ["the requester, when self-approval is allowed", { approval: { required: true, approvers: ["alice"], allowSelfApproval: true }, user: "alice", requestedBy: "alice" }],
    ["someone other than the requester", { approval: { required: true, approvers: ["alice", "bob"] }, user: "bob", requestedBy: "alice" }],
  ])("lets %s approve", (_name, input) => {
    expect(check(input)).toEqual({ ok: true });
  });

  it.each<[string, Case, ApprovalRefusal, string]>([
    ["nobody on a stage without approval", { approval: { required: false }, user: "alice", role: true }, "approval-not-required", "does not require approval"],
    ["someone not listed, even with the role", { approval: { required: true, approvers: ["alice"] }, user: "mallory", role: true }, "not-an-approver", "mallory is not an approver of stage prod"],
    ["someone without the role when none are listed", { approval: { required: true }, user: "mallory" }, "not-an-approver", "does not have the approver role"],
    ["the requester by default", { approval: { required: true, approvers: ["alice"] }, user: "alice", requestedBy: "alice" }, "self-approval", "does not allow self-approval"],
    ["the requester with the role", { approval: { required: true }, user: "carol", role: true, requestedBy: "carol" }, "self-approval", "asked for this promotion"],
    ["names that differ only in case", { approval: { required: true, approvers: ["Alice"] }, user: "alice" }, "not-an-approver", "not an approver"],
  ])("refuses %s", (_name, input, code, reason) => {
    const result = check(input);

    expect(result).toMatchObject({ ok: false, code });
    expect(result.ok ? "" : result.reason).toContain(reason);
  });

  it("refuses freight the stage never takes", () => {
    const stage = makeStage("prod", { approval: { required: true } });
    const other = makeFreight("b1", { warehouse: "billing" });

    expect(checkApproval({ stage, freight: other, user: "alice", hasApproverRole: true })).toMatchObject({ ok: false, code: "wrong-warehouse" });
  });

  it("refuses to approve twice and names who approved", () => {
    const stage = makeStage("prod", { approval: { required: true } });
    const approved = makeFreight("a1", { approvedFor: { prod: { at: "2025-01-02T00:00:00Z", by: "bob" } } });
    const result = checkApproval({ stage, freight: approved, user: "alice", hasApproverRole: true });

    expect(result).toMatchObject({ ok: false, code: "already-approved" });
    expect(result.ok ? "" : result.reason).toContain("by bob");
  });

  it("lets the freight be approved for a stage although it is approved for another", () => {
    const stage = makeStage("prod", { approval: { required: true } });
    const approvedElsewhere = makeFreight("a1", { approvedFor: { staging: { at: "2025-01-02T00:00:00Z", by: "bob" } } });

    expect(checkApproval({ stage, freight: approvedElsewhere, user: "alice", hasApproverRole: true })).toEqual({ ok: true });
  });
});
