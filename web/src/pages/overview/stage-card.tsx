import type { ReactNode } from "react";
import { useApi } from "../../api/index.js";
import { Link } from "../../router.js";
import { RelativeTime, StatusBadge } from "../../ui/index.js";
import { freightLabel } from "../promotion/index.js";
import type { Freight, StageView } from "../promotion/index.js";
import type { ApplicationResource } from "./overview-types.js";

function FreightName(props: { name: string }): ReactNode {
  const f = useApi<Freight>(`/api/v1/freight/${encodeURIComponent(props.name)}`, { live: false });
  return <span title={props.name}>{f.data ? freightLabel(f.data) : props.name.slice(0, 10)}</span>;
}

/** The Application a stage delivers to: sync and health as its agent last reported them. */
function ApplicationState(props: { name: string }): ReactNode {
  const app = useApi<ApplicationResource>(`/api/v1/resources/Application/${encodeURIComponent(props.name)}`, { live: (e) => e.kind === "Application" && e.name === props.name, refreshMs: 10_000 });
  if (app.error && !app.data) return <span className="muted">{props.name}: not found</span>;
  const s = app.data?.status;
  return (
    <span className="app-state">
      <Link to={`/applications/${encodeURIComponent(props.name)}`}>{props.name}</Link>{" "}
      <StatusBadge value={s?.sync?.status ?? "Unknown"} /> <StatusBadge value={s?.health?.status ?? "Unknown"} title={s?.health?.message} />
    </span>
  );
}

/** One stage of the value stream: the freight it runs, its Application's state, what is in flight and what waits. */
export function StageCard(props: { stage: StageView }): ReactNode {
  const s = props.stage;
  const waiting = s.autoPromotion?.reason === "awaiting-approval" && s.autoPromotion.freight ? s.autoPromotion.freight : undefined;
  const last = s.lastPromotion;
  return (
    <div className="card stage-card" data-stage={s.name}>
      <h3><span>{s.name}</span>{last ? <StatusBadge value={last.phase} title={last.message ?? undefined} /> : null}</h3>
      <dl className="kv">
        <dt>runs</dt>
        <dd>{s.currentFreight ? <FreightName name={s.currentFreight} /> : <span className="muted">nothing yet</span>}</dd>
        {s.currentPromotion !== null ? <><dt>since</dt><dd><Link to={`/promotions/${s.currentPromotion}`}>promotion {s.currentPromotion}</Link>{last?.finishedAt && last.id === s.currentPromotion ? <> · <RelativeTime time={last.finishedAt} /> by {last.requestedBy}</> : null}</dd></> : null}
        {s.verification ? <><dt>verified</dt><dd><StatusBadge value={s.verification.phase} /></dd></> : null}
        {s.spec.application ? <><dt>app</dt><dd><ApplicationState name={s.spec.application} /></dd></> : null}
      </dl>
      {s.inFlight.map((p) => (
        <div className="waiting" key={p.id}>
          <StatusBadge value={p.phase} /> <Link to={`/promotions/${p.id}`}>promoting <FreightName name={p.freight} /></Link>
        </div>
      ))}
      {waiting ? (
        <div className="waiting" data-waiting={waiting}>
          <StatusBadge value="waiting" /> <FreightName name={waiting} /> waits for an approval · <Link to="/promotion">review</Link>
        </div>
      ) : null}
    </div>
  );
}
