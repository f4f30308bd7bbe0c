import type { ReactNode } from "react";
import { Link } from "../../router.js";
import { RelativeTime } from "../../ui/index.js";
import type { CellActions } from "./cell-actions.js";
import { describeCell } from "./describe-cell.js";
import type { FreightCell } from "./freight-cell.js";

/** The colour family (the shell's badge tones) of each state. */
const TONE: Record<FreightCell["state"], string> = {
  promoting: "running", current: "ok", failed: "bad", verified: "ok", approved: "ok", eligible: "pending", blocked: "warn", "not-requested": "neutral",
};

/** One cell of the freight × stage grid: where the freight is in the stage, why, and the buttons the viewer may use. */
export function GridCell(props: { cell: FreightCell; actions: CellActions; busy: boolean; onPromote: () => void; onApprove: () => void; onAbort: (id: number) => void }): ReactNode {
  const { cell, actions } = props;
  const words = describeCell(cell);
  const abort = actions.abort;
  return (
    <td className={`grid-cell state-${cell.state}`} data-stage={cell.stage} data-freight={cell.freight} data-state={cell.state}>
      {cell.state === "not-requested" ? <span className="muted">—</span> : (
        <>
          <div className="cell-head">
            <span className={`badge tone-${cell.blockers[0]?.reason === "awaiting-approval" && cell.state === "blocked" ? "running" : TONE[cell.state]}`}>{words.label}</span>
            {cell.promotion ? <Link to={`/promotions/${cell.promotion.id}`} className="small">#{cell.promotion.id}</Link> : null}
          </div>
          {words.detail ? <div className="small cell-detail">{words.detail}</div> : null}
          {cell.verified ? <div className="small muted">verified <RelativeTime time={cell.verified.at} /></div> : null}
          {cell.approved ? <div className="small muted">approved by {cell.approved.by} <RelativeTime time={cell.approved.at} /></div> : null}
          {actions.promote || actions.approve || abort !== undefined ? (
            <div className="cell-actions">
              {actions.approve ? <button type="button" className="primary" disabled={props.busy} onClick={props.onApprove}>Approve</button> : null}
              {actions.promote ? <button type="button" disabled={props.busy} onClick={props.onPromote}>Promote</button> : null}
              {abort !== undefined ? <button type="button" className="danger" disabled={props.busy} onClick={() => props.onAbort(abort)}>Abort</button> : null}
            </div>
          ) : null}
        </>
      )}
    </td>
  );
}
