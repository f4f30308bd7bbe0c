import { useState } from "react";
import type { ReactNode } from "react";
import { useApi } from "../../api/index.js";
import { useSession } from "../../auth.js";
import type { PageProps } from "../../router.js";
import { Link } from "../../router.js";
import { Duration, ErrorMessage, Loadable, RelativeTime, StatusBadge } from "../../ui/index.js";
import { promotionWrites } from "./describe-action.js";
import { FreightHeading } from "./freight-heading.js";
import { abortPromotion } from "./promotion-actions.js";
import { isPromotionEvent } from "./promotion-events.js";
import { promotionSteps } from "./promotion-steps.js";
import type { StepRow } from "./promotion-steps.js";
import type { Freight, Promotion, StageView } from "./promotion-types.js";
import "./promotion.css";

function StepCard(props: { step: StepRow }): ReactNode {
  const s = props.step;
  const outputs = Object.entries(s.outputs);
  return (
    <div className={`card step-card status-${s.status.replace(" ", "-")}`} data-step={s.as}>
      <div className="cell-head">
        <strong>{s.index + 1}. {s.uses}</strong>
        {s.as !== `step-${s.index}` ? <span className="muted">as {s.as}</span> : null}
        <StatusBadge value={s.status === "not run" ? "skipped" : s.status === "waiting" ? "pending" : s.status} />
        {s.startedAt ? <span className="small muted"><Duration start={s.startedAt} end={s.finishedAt} /></span> : null}
      </div>
      {s.message ? <pre className={s.status === "Succeeded" ? "muted" : "error"}>{s.message}</pre> : null}
      {outputs.length > 0 ? (
        <dl className="kv small">
          {outputs.map(([k, v]) => [<dt key={`${k}-k`}>{k}</dt>, <dd key={`${k}-v`} className="mono">{typeof v === "string" ? v : JSON.stringify(v)}</dd>])}
        </dl>
      ) : null}
    </div>
  );
}

function PromotionView(props: { promotion: Promotion; reload: () => void }): ReactNode {
  const p = props.promotion;
  const session = useSession();
  const freight = useApi<Freight>(`/api/v1/freight/${encodeURIComponent(p.freight)}`, { live: isPromotionEvent });
  const stages = useApi<{ items: StageView[] }>("/api/v1/stages", { live: isPromotionEvent });
  const stage = stages.data?.items.find((s) => s.name === p.stage);
  const [problem, setProblem] = useState<string | undefined>();
  const inFlight = p.phase === "Pending" || p.phase === "Running";
  const abort = async (): Promise<void> => {
    setProblem(undefined);
    try {
      if (await abortPromotion(p, freight.data)) props.reload();
    } catch (error: unknown) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  const writes = stage ? promotionWrites(stage) : [];
  const approval = freight.data?.approvedFor[p.stage];
  return (
    <section className="promotion-page">
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Promotion #{p.id}</h1>
        <StatusBadge value={p.phase} />
        <span className="spacer" />
        {inFlight && session.can("operate") ? <button type="button" className="danger" onClick={() => void abort()}>Abort</button> : null}
      </div>
      <ErrorMessage error={problem} />
      <div className="card">
        <dl className="kv">
          <dt>Stage</dt><dd><Link to="/promotion">{p.stage}</Link></dd>
          <dt>Freight</dt><dd>{freight.data ? <FreightHeading freight={freight.data} /> : <span className="mono">{p.freight}</span>}</dd>
          <dt>Started by</dt><dd>{p.trigger === "auto" ? `auto-promotion of ${p.stage}` : p.requestedBy} <span className="muted">({p.trigger})</span></dd>
          {approval ? <><dt>Approved by</dt><dd>{approval.by} <RelativeTime time={approval.at} /></dd></> : null}
          <dt>Created</dt><dd><RelativeTime time={p.createdAt} /></dd>
          <dt>Ran</dt><dd>{p.startedAt ? <Duration start={p.startedAt} end={p.finishedAt} /> : <span className="muted">not started</span>}</dd>
          {p.message ? <><dt>Message</dt><dd>{p.message}</dd></> : null}
          <dt>Commit</dt><dd>{p.commit ? <><span className="mono" data-commit={p.commit}>{p.commit}</span>{writes.length ? <span className="muted"> in {writes.join(", ")}</span> : null}</> : <span className="muted">none written</span>}</dd>
        </dl>
      </div>
      <h2>Steps</h2>
      <div className="steps">
        {promotionSteps(p, stage?.spec.promotionTemplate.steps).map((s) => <StepCard key={s.index} step={s} />)}
      </div>
      <h2>Verification</h2>
      {p.verification ? (
        <div className="card" data-verification={p.verification.phase}>
          <StatusBadge value={p.verification.phase} /> <RelativeTime time={p.verification.at} />
          {p.verification.reasons?.length ? <ul>{p.verification.reasons.map((r) => <li key={r}>{r}</li>)}</ul> : null}
          {!stage?.spec.verification && p.verification.phase === "Verified" ? <p className="small muted">The stage defines no checks: the successful promotion is the verification.</p> : null}
        </div>
      ) : <p className="muted">{p.phase === "Succeeded" ? "Verification has not finished yet." : "Not verified: verification runs after a successful promotion."}</p>}
    </section>
  );
}

/** `/promotions/:id`: one promotion — its phase, freight and stage, who started it, each step's result, the commit it wrote, and its verification. */
export function PromotionPage(props: PageProps): ReactNode {
  const id = props.params.id ?? "";
  const promotion = useApi<Promotion>(`/api/v1/promotions/${encodeURIComponent(id)}`, { live: isPromotionEvent });
  return <Loadable state={promotion} what={`promotion ${id}`}>{(p) => <PromotionView promotion={p} reload={promotion.reload} />}</Loadable>;
}
