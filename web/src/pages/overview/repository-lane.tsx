import type { ReactNode } from "react";
import { useApi } from "../../api/index.js";
import type { LiveEvent } from "../../api/index.js";
import { Link } from "../../router.js";
import { Loadable, RelativeTime, RunStatusBadge } from "../../ui/index.js";
import type { Page, RunSummary } from "../ci/run-types.js";
import type { RepositoryResource } from "./overview-types.js";

const runEvents = (e: LiveEvent): boolean => e.action === "run.updated" || e.action === "commit";

/** One repository with its latest runs (a few), each linked to its run page. */
function RepositoryCard(props: { repo: RepositoryResource }): ReactNode {
  const name = props.repo.metadata.name;
  const runs = useApi<Page<RunSummary>>(`/api/v1/runs?repository=${encodeURIComponent(name)}&limit=4`, { live: runEvents });
  return (
    <div className="card repo-card" data-repository={name}>
      <h3><Link to={`/runs?repository=${encodeURIComponent(name)}`}>{name}</Link></h3>
      <Loadable state={runs} what="runs">
        {(page) => page.items.length === 0 ? <p className="muted">No runs yet.</p> : (
          <div className="lane">
            {page.items.map((r) => (
              <div className="runline" key={r.id}>
                <RunStatusBadge status={r.status} conclusion={r.conclusion} />
                <Link className="grow" to={`/runs/${r.id}`}>{r.workflow.name} #{r.runNumber}</Link>
                <code title={r.sha}>{r.branch}</code>
                <span className="muted"><RelativeTime time={r.createdAt} /></span>
              </div>
            ))}
          </div>
        )}
      </Loadable>
    </div>
  );
}

/** The first column of the value stream: watched repositories and what CI did with their commits. */
export function RepositoryLane(): ReactNode {
  const repos = useApi<{ items: RepositoryResource[] }>("/api/v1/resources/Repository", { live: (e) => e.kind === "Repository" });
  return (
    <section aria-label="repositories">
      <h2>Repositories</h2>
      <Loadable state={repos} what="repositories">
        {(d) => d.items.length === 0 ? <p className="muted">No repository is watched yet: <code>ferry apply -f repository.yaml</code>.</p> : (
          <div className="lane">{d.items.slice(0, 20).map((r) => <RepositoryCard key={r.metadata.name} repo={r} />)}</div>
        )}
      </Loadable>
    </section>
  );
}
