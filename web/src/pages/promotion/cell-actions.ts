import type { FreightCell } from "./freight-cell.js";
import type { StageView } from "./promotion-types.js";

/** Who is looking, as far as the buttons care (the shell's session). */
export type Viewer = { readonly name: string; can(action: "operate" | "approve" | "admin"): boolean };

export type CellActions = {
  /** Promote this freight to the stage. */
  readonly promote: boolean;
  /** Approve this freight for the stage. */
  readonly approve: boolean;
  /** Abort this promotion (the one in flight in the cell). */
  readonly abort?: number;
};

/**
 * The buttons a cell offers: only what the viewer's role may do and what the server would accept
 * now. Promote needs the operator role, an eligible freight that is not already running there, no
 * other promotion of the stage in flight, and an approval where the stage requires one. Approve
 * needs the approver role (or to be named among the stage's approvers), a stage that requires it, a
 * freight not approved yet that has passed everything else, and not to be the one who asked for the
 * promotion unless the stage allows self-approval. Abort needs the operator role.
 */
export function cellActions(cell: FreightCell, stage: Pick<StageView, "spec" | "inFlight">, viewer: Viewer): CellActions {
  const operate = viewer.can("operate");
  const busy = stage.inFlight.length > 0;
  const approvers = stage.spec.approval?.approvers ?? [];
  const mayApprove = operate && (approvers.length > 0 ? approvers.includes(viewer.name) : viewer.can("approve"));
  const selfApproval = cell.promotion?.phase === "Pending" && cell.promotion.requestedBy === viewer.name && stage.spec.approval?.allowSelfApproval !== true;
  const onlyApprovalMissing = cell.blockers.length === 1 && cell.blockers[0]?.reason === "awaiting-approval";
  return {
    promote: operate && cell.eligible && cell.blockers.length === 0 && !busy && cell.state !== "current" && cell.state !== "promoting",
    approve: mayApprove && cell.state !== "current" && cell.approvalRequired && cell.approved === undefined && onlyApprovalMissing && !selfApproval,
    ...(operate && cell.state === "promoting" && cell.promotion ? { abort: cell.promotion.id } : {}),
  };
}
