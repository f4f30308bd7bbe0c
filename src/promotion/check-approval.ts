import type { Stage } from "../resources/index.js";
import type { Freight } from "./schema.js";

export interface ApprovalRequest {
  readonly stage: Stage;
  readonly freight: Freight;
  /** Who wants to approve: a user or API token name. */
  readonly user: string;
  /** Whether `user` holds the approver role; decides when the stage names no approvers. */
  readonly hasApproverRole: boolean;
  /** Who asked for the promotion of this freight to this stage, when someone did. */
  readonly requestedBy?: string | undefined;
}

/** Why an approval is refused; stable, for callers to match on. */
export const APPROVAL_REFUSALS = [
  "approval-not-required",
  "wrong-warehouse",
  "already-approved",
  "not-an-approver",
  "self-approval",
] as const;

export type ApprovalRefusal = (typeof APPROVAL_REFUSALS)[number];

export type ApprovalCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: ApprovalRefusal; readonly reason: string };

function refuse(code: ApprovalRefusal, reason: string): ApprovalCheck {
  return { ok: false, code, reason };
}

/**
 * Whether `user` may approve `freight` for `stage`: the stage must require approval, take freight
 * of that warehouse, and not have it approved already; the user must be one of the stage's
 * approvers (or hold the approver role when it names none), and must not be the one who asked for
 * the promotion unless the stage allows self-approval.
 */
export function checkApproval(request: ApprovalRequest): ApprovalCheck {
  const { stage, freight, user } = request;
  const stageName = stage.metadata.name;
  const approval = stage.spec.approval;
  if (!approval.required) return refuse("approval-not-required", `stage ${stageName} does not require approval`);
  if (!stage.spec.requestedFreight.some((r) => r.origin.warehouse === freight.warehouse)) {
    return refuse("wrong-warehouse", `stage ${stageName} does not take freight of warehouse ${freight.warehouse}`);
  }
  const existing = freight.approvedFor[stageName];
  if (existing !== undefined) return refuse("already-approved", `freight ${freight.alias} is already approved for ${stageName} by ${existing.by}`);

  const approvers = approval.approvers ?? [];
  const allowed = approvers.length === 0 ? request.hasApproverRole : approvers.includes(user);
  if (!allowed) {
    return refuse(
      "not-an-approver",
      approvers.length === 0 ? `${user} does not have the approver role` : `${user} is not an approver of stage ${stageName}`,
    );
  }
  if (!approval.allowSelfApproval && request.requestedBy !== undefined && request.requestedBy === user) {
    return refuse("self-approval", `${user} asked for this promotion and stage ${stageName} does not allow self-approval`);
  }
  return { ok: true };
}
