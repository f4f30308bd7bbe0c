import type { ReactNode } from "react";
import { RelativeTime, StatusBadge } from "../../ui/index.js";
import type { ServiceView } from "./application-types.js";

/** The Services the agent runs, each with its replicas: process id or container, port, health. */
export function ServicesTable(props: { services: readonly ServiceView[] }): ReactNode {
  if (props.services.length === 0) return <p className="muted">The agent runs no Services for this Application.</p>;
  return (
    <table className="table">
      <thead><tr><th>Service</th><th>Health</th><th>Version</th><th className="num">Restarts</th><th>Replicas</th></tr></thead>
      <tbody>
        {props.services.map((s) => (
          <tr key={s.name} data-service={s.name}>
            <td><strong>{s.name}</strong>{s.message ? <div className="small muted">{s.message}</div> : null}</td>
            <td><StatusBadge value={s.health} /></td>
            <td className="mono small" title={s.version ?? ""}>{s.version ? s.version.slice(0, 12) : "—"}</td>
            <td className="num">{s.restarts}</td>
            <td>
              <ul className="replicas">
                {s.replicas.map((r) => (
                  <li key={r.id} className="small" data-replica={r.id}>
                    #{r.index} <StatusBadge value={r.health} {...(r.message ? { title: r.message } : {})} />{" "}
                    {r.pid !== undefined ? <span className="mono">pid {r.pid}</span> : <span className="mono" title={r.id}>{r.id.slice(0, 12)}</span>}
                    {r.port !== undefined ? <span className="mono"> :{r.port}</span> : null}
                    {" · "}<span className="muted">started <RelativeTime time={r.startedAt} /></span>
                  </li>
                ))}
                {s.replicas.length === 0 ? <li className="muted small">no replicas</li> : null}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
