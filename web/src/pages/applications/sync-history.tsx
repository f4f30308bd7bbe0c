import type { ReactNode } from "react";
import { RelativeTime, StatusBadge } from "../../ui/index.js";
import type { AppSync } from "./application-types.js";
import { canRollbackTo } from "./rollback-target.js";

/** The Application's syncs, newest first, with a Rollback button on each earlier successful one (when the viewer may operate). */
export function SyncHistory(props: { history: readonly AppSync[]; appliedRevision: string | null | undefined; mayOperate: boolean; busy: boolean; onRollback: (entry: AppSync) => void }): ReactNode {
  if (props.history.length === 0) return <p className="muted">No syncs recorded yet.</p>;
  return (
    <table className="table">
      <thead><tr><th>#</th><th>Result</th><th>Revision</th><th>Trigger</th><th>By</th><th>Finished</th><th>Message</th><th /></tr></thead>
      <tbody>
        {props.history.map((h) => (
          <tr key={h.id} data-sync={h.id}>
            <td className="num">{h.id}</td>
            <td><StatusBadge value={h.result} /></td>
            <td className="mono" title={h.revision}>{h.revision.slice(0, 10)}{h.revision === props.appliedRevision ? <span className="small muted"> (running)</span> : null}</td>
            <td>{h.trigger}</td>
            <td>{h.actor}</td>
            <td><RelativeTime time={h.finishedAt} /></td>
            <td className="small">{h.message ?? ""}</td>
            <td>{props.mayOperate && canRollbackTo(h, props.appliedRevision) ? <button type="button" disabled={props.busy} onClick={() => props.onRollback(h)}>Rollback</button> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
