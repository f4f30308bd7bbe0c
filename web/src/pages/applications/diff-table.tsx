import type { ReactNode } from "react";
import type { ServiceDiff } from "./application-types.js";
import { diffRows, diffSummary } from "./diff-rows.js";

/** How Git differs from what runs, field by field, as the agent last computed it. */
export function DiffTable(props: { diff: ServiceDiff | undefined }): ReactNode {
  const rows = diffRows(props.diff);
  if (rows.length === 0) return <p className="muted">{props.diff ? "What runs matches Git: no Service changes." : diffSummary(undefined)}</p>;
  return (
    <table className="table diff">
      <thead><tr><th>Service</th><th>Change</th><th>Field</th><th>Live</th><th>Git</th></tr></thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={`${r.service}-${i}`} className={r.change}>
            <td>{r.service}</td>
            <td>{r.change === "added" ? "in Git, not running" : r.change === "removed" ? "running, not in Git" : "changed"}</td>
            <td className="mono">{r.change === "changed" ? r.path : ""}</td>
            <td className="mono from">{r.change === "changed" ? r.live : ""}</td>
            <td className="mono to">{r.change === "changed" ? r.git : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
