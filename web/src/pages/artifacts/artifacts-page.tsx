import { useMemo, useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { useApi } from "../../api/index.js";
import type { PageProps } from "../../router.js";
import { Link, navigate, useRoute, withQuery } from "../../router.js";
import { ErrorMessage, Loadable, RelativeTime } from "../../ui/index.js";
import { isPromotionEvent, shortDigest } from "../promotion/index.js";
import type { Freight, StageView } from "../promotion/index.js";
import type { ArtifactVersion, Catalog, CatalogEntry } from "./artifact-types.js";
import { deployedIn, formatBytes } from "./deployed-in.js";
import "./artifacts.css";

function Provenance(props: { version: ArtifactVersion }): ReactNode {
  const { run, provenance } = props.version;
  const runId = run?.id ?? (provenance.run && /^\d+$/.test(provenance.run) ? Number(provenance.run) : undefined);
  const commit = run?.sha ?? provenance.commit;
  const repository = run?.repository ?? provenance.repository;
  if (runId === undefined && !commit && !repository) return <span className="muted">unknown</span>;
  return (
    <span>
      {runId !== undefined ? <Link to={`/runs/${runId}`}>{run ? `${run.workflow} #${run.runNumber}` : `run ${runId}`}</Link> : null}
      {runId !== undefined && (commit || repository) ? " · " : null}
      {repository ? <span className="muted">{repository} </span> : null}
      {commit ? <span className="mono" title={commit}>{commit.slice(0, 10)}</span> : null}
    </span>
  );
}

function Versions(props: { entry: CatalogEntry; deployed: Map<string, string[]> }): ReactNode {
  const { entry } = props;
  return (
    <div className="card artifact" data-artifact={entry.name}>
      <h2><span className="mono">{entry.name}</span> <span className="tag">{entry.kind}</span> <span className="small muted">{entry.versionCount} version{entry.versionCount === 1 ? "" : "s"}</span></h2>
      <table className="table">
        <thead><tr><th>Version</th><th>Digest</th><th className="num">Size</th><th>Pushed</th><th>Provenance</th><th>Deployed in</th></tr></thead>
        <tbody>
          {entry.versions.map((v) => {
            const stages = props.deployed.get(v.digest) ?? [];
            return (
              <tr key={`${v.tag}@${v.digest}`} data-tag={v.tag} data-digest={v.digest}>
                <td className="mono">{v.tag}</td>
                <td className="mono" title={v.digest}>{shortDigest(v.digest)}</td>
                <td className="num">{formatBytes(v.size)}</td>
                <td><RelativeTime time={v.created ?? v.pushedAt} /></td>
                <td><Provenance version={v} /></td>
                <td className="deployed">{stages.length ? stages.map((s) => <span key={s} className="badge tone-ok">{s}</span>) : <span className="muted">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {entry.versionCount > entry.versions.length ? <p className="small muted">Showing the newest {entry.versions.length} of {entry.versionCount}.</p> : null}
    </div>
  );
}

/**
 * `/artifacts`: what the registry holds, per artifact name: each version with digest, size,
 * provenance (the run and commit that built it) and the stages whose current freight pins it.
 * Names come a page at a time (`?after=` in the URL); `?name=` shows one.
 */
export function ArtifactsPage(_props: PageProps): ReactNode {
  const route = useRoute();
  const name = route.query.get("name") ?? "";
  const after = route.query.get("after") ?? "";
  const query = new URLSearchParams({ limit: "20", ...(name ? { name } : {}), ...(after ? { cursor: after } : {}) });
  const catalog = useApi<Catalog>(`/api/v1/artifacts/catalog?${query.toString()}`, { live: (e) => e.action === "reconnected" || (e.kind === "Artifact" && !String(e.name ?? "").startsWith("ferry/runs/")) });
  const stages = useApi<{ items: StageView[] }>("/api/v1/stages", { live: isPromotionEvent });
  const freight = useApi<{ items: Freight[] }>("/api/v1/freight", { live: isPromotionEvent });
  const deployed = useMemo(() => deployedIn(stages.data?.items ?? [], freight.data?.items ?? []), [stages.data, freight.data]);
  const [filter, setFilter] = useState(name);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    navigate(withQuery(route, { name: filter.trim() || undefined, after: undefined }));
  };
  return (
    <section className="artifacts-page">
      <h1>Artifacts</h1>
      <form className="toolbar" onSubmit={submit}>
        <input aria-label="artifact name" placeholder="team/web" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <button type="submit">Show</button>
        {name ? <Link to={withQuery(route, { name: undefined, after: undefined })}>all artifacts</Link> : null}
      </form>
      <ErrorMessage error={stages.error ?? freight.error} />
      <Loadable state={catalog} what="artifacts">
        {(c) => (
          <>
            {c.items.length === 0 ? <p className="muted">{name ? `No artifact named ${name}.` : "Nothing in the registry yet: publish with ferry artifact push or a workflow's ferry/publish step."}</p> : null}
            <div className="artifact-list">{c.items.map((e) => <Versions key={e.name} entry={e} deployed={deployed} />)}</div>
            <nav className="pager" aria-label="pages">
              {after ? <Link to={withQuery(route, { after: undefined })}>« First</Link> : <span />}
              {c.next ? <Link to={withQuery(route, { after: c.next })}>Next »</Link> : <span />}
            </nav>
          </>
        )}
      </Loadable>
    </section>
  );
}
