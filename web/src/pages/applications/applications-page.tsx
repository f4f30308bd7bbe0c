import type { ReactNode } from "react";
import { useApi } from "../../api/index.js";
import type { PageProps } from "../../router.js";
import { Link, useRoute, withQuery } from "../../router.js";
import { Loadable, RelativeTime, StatusBadge } from "../../ui/index.js";
import { isApplicationEvent } from "./application-events.js";
import type { ApplicationList, ApplicationSummary } from "./application-types.js";
import { groupByEnvironment } from "./group-by-environment.js";
import "./applications.css";

const PAGE = 100;

function Row(props: { app: ApplicationSummary }): ReactNode {
  const a = props.app;
  const revision = a.sync.appliedRevision ?? a.sync.revision;
  return (
    <tr data-application={a.name}>
      <td><Link to={`/applications/${encodeURIComponent(a.name)}`}>{a.name}</Link>{a.source ? <div className="small muted mono">{a.source.path && a.source.path !== "." ? a.source.path : ""}{a.source.targetRevision && a.source.targetRevision !== "HEAD" ? `@${a.source.targetRevision}` : ""}</div> : null}</td>
      <td><StatusBadge value={a.sync.status} {...(a.sync.message ? { title: a.sync.message } : {})} /></td>
      <td><StatusBadge value={a.health.status} {...(a.health.message ? { title: a.health.message } : {})} /></td>
      <td className="mono" title={revision ?? ""}>{revision ? revision.slice(0, 10) : "—"}</td>
      <td className="services">
        {a.services.length === 0 ? <span className="muted">none</span> : a.services.map((s) => (
          <span key={s.name} className={`service-chip tone-${s.health === "Healthy" ? "ok" : s.health === "Degraded" || s.health === "Missing" ? "bad" : "running"}`} title={`${s.name}: ${s.health}, ${s.replicas} replica${s.replicas === 1 ? "" : "s"}`}>
            {s.name}{s.replicas !== 1 ? ` ×${s.replicas}` : ""}
          </span>
        ))}
      </td>
      <td><RelativeTime time={a.reportedAt} /></td>
    </tr>
  );
}

/**
 * `/applications`: every Application grouped by environment (its destination agent), each with sync
 * and health, the revision it runs and its Services. Paged on the server (`?cursor=`), and narrowed to
 * one environment with `?agent=`.
 */
export function ApplicationsPage(_props: PageProps): ReactNode {
  const route = useRoute();
  const agent = route.query.get("agent") ?? "";
  const cursor = route.query.get("cursor") ?? "";
  const q = new URLSearchParams({ limit: String(PAGE), ...(agent ? { agent } : {}), ...(cursor ? { cursor } : {}) });
  const list = useApi<ApplicationList>(`/api/v1/applications?${q.toString()}`, { live: (e) => isApplicationEvent(e) });
  return (
    <section className="applications-page">
      <h1>Applications</h1>
      <Loadable state={list} what="applications">
        {(data) => (
          <>
            <nav className="toolbar environments" aria-label="environments">
              <Link to={withQuery(route, { agent: undefined, cursor: undefined })} className={agent ? undefined : "active"}>all environments</Link>
              {data.environments.map((e) => (
                <Link key={e.agent} to={withQuery(route, { agent: e.agent, cursor: undefined })} className={agent === e.agent ? "active" : undefined}>
                  {e.agent} <span className="muted">({e.total})</span>
                </Link>
              ))}
            </nav>
            {data.items.length === 0 ? <p className="muted">No Applications{agent ? ` delivered by agent ${agent}` : ""} yet: apply an Application resource to deliver a config repository.</p> : null}
            {groupByEnvironment(data.items, data.environments).map((g) => (
              <section key={g.agent} className="environment" data-environment={g.agent}>
                <h2>
                  {g.agent}
                  {g.totals ? <span className="small muted"> {g.totals.total} application{g.totals.total === 1 ? "" : "s"} · {g.totals.synced} synced · {g.totals.healthy} healthy</span> : null}
                </h2>
                <table className="table">
                  <thead><tr><th>Application</th><th>Sync</th><th>Health</th><th>Revision</th><th>Services</th><th>Reported</th></tr></thead>
                  <tbody>{g.applications.map((a) => <Row key={a.name} app={a} />)}</tbody>
                </table>
              </section>
            ))}
            <nav className="pager" aria-label="pages">
              {cursor ? <Link to={withQuery(route, { cursor: undefined })}>« First</Link> : <span />}
              {data.next ? <Link to={withQuery(route, { cursor: data.next })}>Next »</Link> : <span />}
            </nav>
          </>
        )}
      </Loadable>
    </section>
  );
}
