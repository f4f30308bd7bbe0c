import type { ReactNode } from "react";
import { describeDecision } from "./describe-decision.js";
import type { StageView } from "./promotion-types.js";
import { upstreamStages } from "./stage-order.js";

/** A column heading: the stage, where it takes freight from, its gates, and what its auto-promotion waits for. */
export function StageHeading(props: { stage: StageView; aliasOf: (name: string) => string }): ReactNode {
  const s = props.stage;
  const upstream = upstreamStages(s);
  const direct = s.spec.requestedFreight.some((r) => r.sources.direct === true);
  const decision = describeDecision(s.autoPromotion, props.aliasOf);
  return (
    <th className="stage-heading" data-stage={s.name} scope="col">
      <div className="stage-name">{s.name}</div>
      <div className="small muted">
        {[direct ? "from warehouse" : "", upstream.length ? `after ${upstream.join(", ")}` : ""].filter(Boolean).join(" · ")}
      </div>
      <div className="tags">
        {s.spec.autoPromotion ? <span className="tag">auto</span> : <span className="tag">manual</span>}
        {s.spec.approval?.required ? <span className="tag">approval{s.spec.approval.approvers?.length ? `: ${s.spec.approval.approvers.join(", ")}` : ""}</span> : null}
        {s.spec.verification ? <span className="tag">verification</span> : null}
      </div>
      {decision ? <div className="small decision">{decision}</div> : null}
    </th>
  );
}
