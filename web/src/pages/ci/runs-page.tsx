import type { ReactNode } from "react";
import { useApi } from "../../api/index.js";
import type { LiveEvent } from "../../api/index.js";
import { Link, navigate, useRoute, withQuery } from "../../router.js";
import type { PageProps } from "../../router.js";
import { Duration, Loadable, Pager, RelativeTime, RunStatusBadge, Table } from "../../ui/index.js";
import type { Column } from "../../ui/index.js";
import type { Page, RunSummary } from "./run-types.js";

const LIMIT = 50;
const statuses = ["queued", "in_progress", "success", "failure", "cancelled"];
const events = ["push", "pull_request", "workflow_dispatch", "schedule"];
const runEvents = (e: LiveEvent): boolean => e.action === "run.updated";

const columns: ReadonlyArray<Column<RunSummary>> = [
  { key: "status", header: "Status", render: (r) => <RunStatusBadge status={r.status} conclusion={r.conclusion} title={r.reason ?? undefined} /> },
  { key: "run", header: "Run", render: (r) => <Link to={`/runs/${r.id}`}>{r.workflow.name} #{r.runNumber}</Link> },
  { key: "repo", header: "Repository", render: (r) => r.repository },
  { key: "branch", header: "Branch", render: (r) => <code>{r.branch}</code> },
  { key: "sha", header: "Commit", render: (r) => <code>{r.sha.slice(0, 7)}</code> },
  { key: "trigger", header: "Trigger", render: (r) => <span>{r.event} <span className="muted">by {r.actor}</span></span> },
  { key: "created", header: "Started", render: (r) => <RelativeTime time={r.startedAt ?? r.createdAt} /> },
  { key: "duration", header: "Duration", className: "num", render: (r) => (r.startedAt ? <Duration start={r.startedAt} end={r.completedAt} ms={r.durationMs} /> : <span className="muted">—</span>) },
];

function Filter(props: { label: string; name: string; options: readonly string[]; all: string }): ReactNode {
  const route = useRoute();
  const value = route.query.get(props.name) ?? "";
  const options = value && !props.options.includes(value) ? [value, ...props.options] : props.options;
  return (
    <label className="muted">{props.label}{" "}
      <select name={props.name} value={value} onChange={(e) => navigate(withQuery(route, { [props.name]: e.target.value, before: undefined, ...(props.name === "repository" ? { branch: undefined } : {}) }), { replace: true })}>
        <option value="">{props.all}</option>
        {options.map((o) => <option key={o} value={o}>{o.replace(/_/g, " ")}</option>)}
      </select>
    </label>
  );
}

/** `/runs`: workflow runs, newest first, a page at a time; filters (repository, branch, status, event) live in the URL. */
export function RunsPage(_props: PageProps): ReactNode {
  const route = useRoute();
  const q = new URLSearchParams();
  for (const k of ["repository", "branch", "status", "event", "workflow", "before"]) {
    const v = route.query.get(k);
    if (v) q.set(k, v);
  }
  q.set("limit", String(LIMIT));
  // Only the newest page moves by itself; an older page stays put while runs come in.
  const runs = useApi<Page<RunSummary>>(`/api/v1/runs?${q.toString()}`, { live: route.query.get("before") ? false : runEvents });
  const repo = route.query.get("repository");
  const facets = useApi<{ repositories: string[]; branches: string[] }>(`/api/v1/runs/facets${repo ? `?repository=${encodeURIComponent(repo)}` : ""}`, { live: false });
  return (
    <section>
      <h1>CI runs</h1>
      <div className="filters">
        <Filter label="Repository" name="repository" options={facets.data?.repositories ?? []} all="all repositories" />
        <Filter label="Branch" name="branch" options={facets.data?.branches ?? []} all="all branches" />
        <Filter label="Status" name="status" options={statuses} all="any status" />
        <Filter label="Event" name="event" options={events} all="any event" />
      </div>
      <Loadable state={runs} what="runs">
        {(page) => (
          <>
            <Table columns={columns} rows={page.items} rowKey={(r) => r.id} className="runs" empty="No runs match. Push to a watched repository, or dispatch a workflow." />
            <Pager next={page.next} count={page.items.length} limit={LIMIT} />
          </>
        )}
      </Loadable>
    </section>
  );
}
