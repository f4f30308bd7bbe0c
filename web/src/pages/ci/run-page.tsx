import { useCallback, useMemo, useRef } from "react";
import type { ReactNode } from "react";
import { useApi } from "../../api/index.js";
import type { LiveEvent } from "../../api/index.js";
import { Link, navigate, useRoute, withQuery } from "../../router.js";
import type { PageProps } from "../../router.js";
import { Duration, Loadable, RelativeTime, RunStatusBadge } from "../../ui/index.js";
import { AnnotationPlace, JobLog } from "./job-log.js";
import { JobGraph } from "./job-graph.js";
import { RunActions } from "./run-actions.js";
import type { JobSummary, RunDetail } from "./run-types.js";
import { sourceLink } from "./source-link.js";

/** The job to show: the one in the URL, else the first running, else the first failed, else the first. */
function pickJob(jobs: JobSummary[], wanted: string | null): JobSummary | undefined {
  return jobs.find((j) => String(j.id) === wanted) ?? jobs.find((j) => j.status === "in_progress") ?? jobs.find((j) => j.conclusion === "failure") ?? jobs[0];
}

/** `/runs/:id`: a run's header and actions, its job graph, and the live log of the selected job (`?job=`). */
export function RunPage(props: PageProps): ReactNode {
  const id = Number(props.params.id);
  const route = useRoute();
  const jobIds = useRef(new Set<number>());
  const mine = useCallback((e: LiveEvent) => e.runId === id || (e.jobId !== undefined && jobIds.current.has(e.jobId)), [id]);
  const run = useApi<RunDetail>(Number.isInteger(id) ? `/api/v1/runs/${id}` : null, { live: mine });
  jobIds.current = new Set(run.data?.jobs.map((j) => j.id) ?? []);
  const repo = useApi<{ spec: { url?: string } }>(run.data ? `/api/v1/resources/Repository/${encodeURIComponent(run.data.repository)}` : null, { live: false });
  const repoUrl = repo.data?.spec.url;
  const sha = run.data?.sha ?? "";
  const link = useMemo(() => (file: string, line?: number) => sourceLink(repoUrl, sha, file, line), [repoUrl, sha]);

  return (
    <Loadable state={run} what="the run">
      {(r) => {
        const job = pickJob(r.jobs, route.query.get("job"));
        return (
          <section className="run">
            <p className="muted"><Link to={`/runs?repository=${encodeURIComponent(r.repository)}`}>{r.repository}</Link> › <Link to={`/runs?repository=${encodeURIComponent(r.repository)}&branch=${encodeURIComponent(r.branch)}`}>{r.branch}</Link></p>
            <div className="run-head">
              <h1>{r.workflow.name} #{r.runNumber}</h1>
              <RunStatusBadge status={r.status} conclusion={r.conclusion} />
              <span className="spacer" />
              <RunActions run={r} onChanged={run.reload} />
            </div>
            <dl className="kv run-facts">
              <dt>commit</dt><dd><code>{r.sha.slice(0, 12)}</code></dd>
              <dt>trigger</dt><dd>{r.event} by {r.actor}</dd>
              <dt>created</dt><dd><RelativeTime time={r.createdAt} /></dd>
              <dt>duration</dt><dd><Duration start={r.startedAt} end={r.completedAt} /></dd>
              <dt>workflow</dt><dd><code>{r.workflow.file}</code></dd>
              {r.reason ? <><dt>reason</dt><dd>{r.reason}</dd></> : null}
            </dl>
            <h2>Jobs</h2>
            <JobGraph graph={r.graph} jobs={r.jobs} selected={job?.id ?? null} onSelect={(j) => navigate(withQuery(route, { job: String(j) }), { replace: true })} />
            {r.annotations.length ? (
              <div className="annotations">
                {r.annotations.map((a) => (
                  <div key={`${a.jobId}-${a.seq}`} className={`annotation level-${a.level}`}>
                    <b>{a.level}</b> <a href={`#L${a.jobId}-${a.seq}`} onClick={() => navigate(withQuery(route, { job: String(a.jobId) }), { replace: true })}>{a.message}</a> <AnnotationPlace a={a} link={link} />
                  </div>
                ))}
              </div>
            ) : null}
            <div className="run-body">
              <nav className="job-list" aria-label="jobs">
                {r.jobs.map((j) => (
                  <button type="button" key={j.id} className={j.id === job?.id ? "selected" : undefined} onClick={() => navigate(withQuery(route, { job: String(j.id) }), { replace: true })}>
                    <span>{j.name}</span> <RunStatusBadge status={j.status} conclusion={j.conclusion} />
                  </button>
                ))}
                {r.jobs.length === 0 ? <p className="muted">{r.status === "completed" ? "No job ran." : "Waiting for jobs to be planned…"}</p> : null}
              </nav>
              <div>
                {job ? (
                  <>
                    <h3>{job.name} <span className="muted">{job.runner ? `on ${job.runner}` : ""}</span></h3>
                    {job.reason ? <p className="error">{job.reason}</p> : null}
                    <JobLog key={job.id} jobId={job.id} running={job.status !== "completed"} link={link} />
                  </>
                ) : null}
              </div>
            </div>
          </section>
        );
      }}
    </Loadable>
  );
}
