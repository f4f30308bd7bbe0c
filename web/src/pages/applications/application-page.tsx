import { Fragment, useState } from "react";
import type { ReactNode } from "react";
import { useApi } from "../../api/index.js";
import { useSession } from "../../auth.js";
import type { PageProps } from "../../router.js";
import { Link } from "../../router.js";
import { ErrorMessage, Loadable, RelativeTime, StatusBadge } from "../../ui/index.js";
import { rollbackApplication, syncApplication } from "./application-actions.js";
import { isApplicationEvent } from "./application-events.js";
import type { ApplicationResource, AppSync } from "./application-types.js";
import { DiffTable } from "./diff-table.js";
import { ServicesTable } from "./services-table.js";
import { SyncHistory } from "./sync-history.js";
import "./applications.css";

function ApplicationView(props: { app: ApplicationResource; reload: () => void }): ReactNode {
  const { app } = props;
  const name = app.metadata.name;
  const session = useSession();
  const history = useApi<{ items: AppSync[] }>(`/api/v1/applications/${encodeURIComponent(name)}/history?limit=50`, { live: (e) => isApplicationEvent(e, name) });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const status = app.status ?? {};
  const src = app.spec.source;
  const act = async (what: () => Promise<{ id: number; type: string } | undefined>): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    try {
      const op = await what();
      if (op) {
        setNotice(`Asked agent ${app.spec.destination?.agent ?? "local"} to ${op.type} (operation ${op.id}); the page follows what it reports.`);
        props.reload();
        history.reload();
      }
    } catch (error: unknown) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="application-page">
      <div className="app-head">
        <h1>{name}</h1>
        <StatusBadge value={status.sync?.status ?? "Unknown"} />
        <StatusBadge value={status.health?.status ?? "Unknown"} {...(status.health?.message ? { title: status.health.message } : {})} />
        <span className="spacer" style={{ flex: 1 }} />
        {session.can("operate") ? <button type="button" className="primary" disabled={busy} onClick={() => void act(() => syncApplication(app))}>Sync</button> : null}
      </div>
      <ErrorMessage error={problem} />
      {notice ? <p className="muted" role="status">{notice}</p> : null}
      <div className="card">
        <dl className="kv">
          <dt>Environment</dt><dd><Link to={`/applications?agent=${encodeURIComponent(app.spec.destination?.agent ?? "local")}`}>{app.spec.destination?.agent ?? "local"}</Link> <span className="muted">({app.spec.destination?.runtime ?? "process"})</span></dd>
          <dt>Source</dt><dd className="mono">{src.repoURL} {src.path ?? "."} @ {src.targetRevision ?? "HEAD"}</dd>
          <dt>Git revision</dt><dd className="mono">{status.sync?.revision ?? "—"}</dd>
          <dt>Running revision</dt><dd className="mono">{status.sync?.appliedRevision ?? "—"}</dd>
          {status.pinnedRevision ? <><dt>Rolled back to</dt><dd className="mono">{status.pinnedRevision} <span className="muted">(held until the next sync)</span></dd></> : null}
          <dt>Sync policy</dt><dd>{app.spec.syncPolicy?.automated ? `automated${app.spec.syncPolicy.automated.prune ? ", prune" : ""}${app.spec.syncPolicy.automated.selfHeal ? ", self-heal" : ""}` : "manual"}</dd>
          {status.sync?.message ? <><dt>Problem</dt><dd className="error">{status.sync.message}</dd></> : null}
          {(status.conditions ?? []).map((c) => <Fragment key={c.type}><dt>{c.type}</dt><dd>{c.reason}: {c.message}</dd></Fragment>)}
          <dt>Reported</dt><dd>{status.reportedAt ? <><RelativeTime time={status.reportedAt} /> by agent {status.agent}</> : <span className="muted">the agent has not reported yet</span>}</dd>
        </dl>
      </div>
      <h2>Services</h2>
      <ServicesTable services={status.services ?? []} />
      <h2>Git vs live</h2>
      <DiffTable diff={status.diff} />
      <h2>Sync history</h2>
      <Loadable state={history} what="sync history">
        {(h) => <SyncHistory history={h.items} appliedRevision={status.sync?.appliedRevision} mayOperate={session.can("operate")} busy={busy} onRollback={(entry) => void act(() => rollbackApplication(app, entry))} />}
      </Loadable>
    </section>
  );
}

/** `/applications/:name`: one Application — its Services and replicas, the diff between Git and what runs, the sync history, and Sync / Rollback. */
export function ApplicationPage(props: PageProps): ReactNode {
  const name = props.params.name ?? "";
  const app = useApi<ApplicationResource>(`/api/v1/resources/application/${encodeURIComponent(name)}`, { live: (e) => isApplicationEvent(e, name) });
  return <Loadable state={app} what={`application ${name}`}>{(a) => <ApplicationView app={a} reload={app.reload} />}</Loadable>;
}
