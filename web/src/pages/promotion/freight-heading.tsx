import type { ReactNode } from "react";
import { Link } from "../../router.js";
import { RelativeTime } from "../../ui/index.js";
import { shortDigest } from "./describe-action.js";
import type { Freight } from "./promotion-types.js";

/** A freight for a row heading: alias, what it pins (short digests, commits) and where it came from (run, commit). */
export function FreightHeading(props: { freight: Freight }): ReactNode {
  const f = props.freight;
  const pinned = [...(f.data.artifacts ?? []), ...(f.data.images ?? [])];
  const origin = f.data.origin ?? {};
  return (
    <div className="freight-heading">
      <div><strong>{f.alias}</strong> <span className="muted mono" title={f.name}>{f.name.slice(0, 8)}</span></div>
      {pinned.map((a) => (
        <div key={`${a.repoURL}@${a.digest}`} className="mono small" title={`${a.repoURL}@${a.digest}`}>
          {a.repoURL.split("/").slice(1).join("/") || a.repoURL}{a.tag ? `:${a.tag}` : ""} {shortDigest(a.digest)}
        </div>
      ))}
      {(f.data.commits ?? []).map((c) => (
        <div key={`${c.repoURL}#${c.id}`} className="mono small" title={c.repoURL}>{c.branch} {c.id.slice(0, 10)}</div>
      ))}
      <div className="small muted">
        {origin.runId ? <><Link to={`/runs/${encodeURIComponent(origin.runId)}`}>run {origin.runId}</Link>{" · "}</> : null}
        {origin.commit ? <><span className="mono" title={origin.repository ?? origin.commit}>{origin.commit.slice(0, 10)}</span>{" · "}</> : null}
        <RelativeTime time={f.createdAt} />
      </div>
    </div>
  );
}
