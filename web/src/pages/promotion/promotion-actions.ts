import { apiFetch } from "../../api/index.js";
import { confirm } from "../../ui/index.js";
import { confirmAbort, confirmApprove, confirmPromote } from "./describe-action.js";
import type { Freight, Promotion, StageView } from "./promotion-types.js";

/**
 * The promotion actions behind their confirmations: each asks first, naming what will change, and
 * resolves to what the server answered, or undefined when the user cancelled. A refusal throws the
 * server's ApiError (its message says why).
 */
export async function promoteFreight(freight: Freight, stage: StageView): Promise<Promotion | undefined> {
  if (!(await confirm({ ...confirmPromote(freight, stage), confirmLabel: "Promote" }))) return undefined;
  return apiFetch<Promotion>("POST", `/api/v1/stages/${encodeURIComponent(stage.name)}/promote`, { freight: freight.name });
}

export async function approveFreight(freight: Freight, stage: StageView): Promise<{ approved: boolean } | undefined> {
  if (!(await confirm({ ...confirmApprove(freight, stage), confirmLabel: "Approve" }))) return undefined;
  return apiFetch<{ approved: boolean }>("POST", `/api/v1/freight/${encodeURIComponent(freight.name)}/approve`, { stage: stage.name });
}

export async function abortPromotion(promotion: Pick<Promotion, "id" | "stage" | "phase">, freight: Freight | undefined): Promise<Promotion | undefined> {
  if (!(await confirm({ ...confirmAbort(promotion, freight), confirmLabel: "Abort promotion", danger: true }))) return undefined;
  return apiFetch<Promotion>("POST", `/api/v1/promotions/${promotion.id}/abort`);
}
