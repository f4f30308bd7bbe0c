import type { FastifyInstance } from "fastify";
import type { Store } from "../../store/index.js";
import { getJob, getRun, jobsOfRun, requestCancel, stepsOfJob, verifyToken } from "../../store/index.js";
import { parseWorkflowText } from "../../workflow/index.js";
import type { JobRow, RunRow } from "../../store/index.js";
import type { Bus } from "../../ci/index.js";
import type { Scheduler } from "../../ci/index.js";
import { requireRole } from "../auth.js";
import { cursor } from "./page-cursor.js";
import { runStatusState } from "../../ci/index.js";
import { rerunFailedJobs } from "../../ci/index.js";
import { appendEvent } from "../../store/index.js";
import { notFound } from "../errors.js";
import type { JobSummary, Page, RunAnnotation, RunDetail, RunSummary } from "../api-types/index.js";
import type { createLogFiles } from "../log-files.js";

const branchOf = (ref: string): string => ref.replace(/^refs\/(heads|tags)\//, "");

const runView = (r: RunRow): RunSummary => ({
  id: r.id, repository: r.repo, runNumber: r.run_number, workflow: { file: r.workflow_file, name: r.workflow_name },
  event: r.event, ref: r.ref, branch: branchOf(r.ref), sha: r.sha, actor: r.actor, status: r.status as RunSummary["status"], conclusion: r.conclusion, reason: r.reason,
  createdAt: r.created_at, startedAt: r.started_at, completedAt: r.completed_at,
  durationMs: r.started_at && r.completed_at ? Date.parse(r.completed_at) - Date.parse(r.started_at) : null,
});

const jobView = (j: JobRow): Omit<JobSummary, "steps"> => ({
  id: j.id, runId: j.run_id, jobId: j.job_id, name: j.name, status: j.status, conclusion: j.conclusion, reason: j.reason,
  labels: JSON.parse(j.labels) as string[], runner: j.runner_id, outputs: j.outputs ? JSON.parse(j.outputs) as Record<string, unknown> : {},
  createdAt: j.created_at, startedAt: j.started_at, completedAt: j.completed_at,
  durationMs: j.started_at && j.completed_at ? Date.parse(j.completed_at) - Date.parse(j.started_at) : null,
});

type RunsQuery = { repository?: string; branch?: string; workflow?: string; event?: string; status?: string; limit?: string; before?: string };

/**
 * The workflow's jobs and what each needs (for the run page's graph), with their state; a workflow
 * that no longer parses gives the jobs without edges.
 */
async function jobGraph(store: Store, run: RunRow): Promise<Array<{ id: string; name: string; needs: string[]; status: string; result: string | null }>> {
  const states = await store.db.selectFrom("workflow_jobs").select(["job_id", "status", "result"]).where("run_id", "=", run.id).execute();
  const byId = new Map(states.map((s) => [s.job_id, s]));
  let defs: Array<{ id: string; name: string; needs: string[] }>;
  try {
    const wf = await parseWorkflowText(run.workflow_text, run.workflow_file);
    defs = wf.jobs.map((j) => ({ id: j.id, name: typeof j.name === "string" ? j.name : j.id, needs: j.needs }));
  } catch {
    defs = states.filter((s) => !s.job_id.includes("/")).map((s) => ({ id: s.job_id, name: s.job_id, needs: [] }));
  }
  return defs.map((d) => ({ ...d, status: byId.get(d.id)?.status ?? "pending", result: byId.get(d.id)?.result ?? null }));
}

/** Runs: list, show (jobs, steps, annotations), logs (whole or live over SSE), cancel. */
export function registerRunRoutes(app: FastifyInstance, deps: { store: Store; bus: Bus; scheduler: Scheduler; logs: ReturnType<typeof createLogFiles> }): void {
  const { store, bus, logs } = deps;
  const view = { preHandler: requireRole(store, "viewer") };
  const operate = { preHandler: requireRole(store, "operator") };
  // Live log streams end when the server stops, so closing it never waits for a browser.
  const streams = new Set<() => void>();
  app.addHook("preClose", (done) => {
    for (const end of [...streams]) end();
    done();
  });

  // Newest first, a page at a time (`limit`, then `before=<next>`); filters: repository, branch, workflow, event, status.
  app.get<{ Querystring: RunsQuery }>("/api/v1/runs", view, async (req) => {
    const q = req.query;
    const limit = Math.min(Math.max(Number(q.limit ?? 50) || 50, 1), 500);
    let query = store.db.selectFrom("runs").selectAll().orderBy("id", "desc").limit(limit);
    if (q.repository) query = query.where("repo", "=", q.repository);
    if (q.branch) query = query.where("ref", "in", [q.branch, `refs/heads/${q.branch}`, `refs/tags/${q.branch}`]);
    if (q.workflow) query = query.where((eb) => eb.or([eb("workflow_file", "=", q.workflow ?? ""), eb("workflow_name", "=", q.workflow ?? "")]));
    if (q.event) query = query.where("event", "=", q.event);
    if (q.status) {
      // A status or a conclusion: `queued`, `in_progress`, `completed`, or `success`, `failure`, `cancelled`.
      const st = q.status;
      query = ["queued", "in_progress", "completed"].includes(st) ? query.where("status", "=", st) : query.where("conclusion", "=", st);
    }
    if (q.before !== undefined) query = query.where("id", "<", cursor(q.before));
    const runs = await query.execute();
    return { items: runs.map(runView), next: runs.length === limit ? runs[runs.length - 1]?.id ?? null : null } satisfies Page<RunSummary>;
  });

  // What the runs list can be filtered by: the repositories with runs and, for one, its branches.
  app.get<{ Querystring: { repository?: string } }>("/api/v1/runs/facets", view, async (req) => {
    const repositories = (await store.db.selectFrom("runs").select("repo").distinct().orderBy("repo").execute()).map((r) => r.repo);
    let refs = store.db.selectFrom("runs").select("ref").distinct().orderBy("ref").limit(500);
    if (req.query.repository) refs = refs.where("repo", "=", req.query.repository);
    const branches = [...new Set((await refs.execute()).map((r) => branchOf(r.ref)))];
    return { repositories, branches };
  });

  // A job's annotations are in its log; a completed job's log no longer changes, so they are read once.
  const finished = new Map<number, RunAnnotation[]>();
  async function annotationsOf(jobId: number, completed: boolean): Promise<RunAnnotation[]> {
    const known = finished.get(jobId);
    if (known) return known;
    const found: RunAnnotation[] = [];
    for await (const r of logs.read(jobId)) if (r.type === "annotation") found.push({ jobId, ...r } as unknown as RunAnnotation);
    if (completed) {
      finished.set(jobId, found);
      if (finished.size > 1000) finished.delete(finished.keys().next().value ?? jobId);
    }
    return found;
  }

  app.get<{ Params: { id: string } }>("/api/v1/runs/:id", view, async (req) => {
    const run = await getRun(store, Number(req.params.id));
    if (!run) throw notFound(`no run ${req.params.id}`);
    const jobs = await jobsOfRun(store, run.id);
    const withSteps = await Promise.all(jobs.map(async (j) => ({ ...jobView(j), steps: await stepsOfJob(store, j.id) })));
    const annotations: RunAnnotation[] = [];
    for (const j of jobs) annotations.push(...(await annotationsOf(j.id, j.status === "completed")));
    return { ...runView(run), jobs: withSteps, annotations, graph: await jobGraph(store, run) } satisfies RunDetail;
  });

  // The combined commit status of a commit: one entry per run, the forge's vocabulary.
  app.get<{ Params: { repo: string; sha: string } }>("/api/v1/repositories/:repo/commits/:sha/status", view, async (req) => {
    const runs = await store.db.selectFrom("runs").selectAll().where("repo", "=", req.params.repo).where("sha", "=", req.params.sha).orderBy("id").execute();
    const statuses = runs.map((r) => ({ context: `ferry/${r.workflow_name}`, state: runStatusState(r.status, r.conclusion), runId: r.id, description: r.reason ?? r.conclusion ?? r.status }));
    const states = statuses.map((s) => s.state);
    const state = states.length === 0 ? "pending" : states.includes("failure") || states.includes("error") ? "failure" : states.includes("pending") ? "pending" : "success";
    return { sha: req.params.sha, state, statuses };
  });

  app.post<{ Params: { id: string } }>("/api/v1/runs/:id/cancel", operate, async (req) => {
    const id = Number(req.params.id);
    if (!(await getRun(store, id))) throw notFound(`no run ${id}`);
    const cancelled = requestCancel(store, id);
    await deps.scheduler.advance(id);
    return { cancelled };
  });

  app.post<{ Params: { id: string } }>("/api/v1/runs/:id/rerun-failed", operate, async (req, reply) => {
    const runId = await rerunFailedJobs(deps, Number(req.params.id), req.principal?.name ?? "unknown");
    await appendEvent(store, { actor: req.principal?.name ?? "unknown", action: "run.rerun", kind: "WorkflowRun", name: req.params.id, data: { newRun: runId } });
    return reply.code(201).send({ runId });
  });

  app.get<{ Params: { id: string }; Querystring: { follow?: string; after?: string } }>("/api/v1/jobs/:id/logs", view, async (req, reply) => {
    const jobId = Number(req.params.id);
    const job = await getJob(store, jobId);
    if (!job) throw notFound(`no job ${jobId}`);
    const follow = req.query.follow === "1" || req.query.follow === "true" || (req.headers.accept ?? "").includes("text/event-stream");
    let after = Number(req.query.after ?? req.headers["last-event-id"] ?? 0) || 0;
    if (!follow) {
      const records = [];
      for await (const r of logs.read(jobId, after)) records.push(r);
      return { jobId, status: job.status, records };
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const send = (seq: number, data: string): void => {
      if (ended || seq <= after) return;
      after = seq;
      res.write(`id: ${seq}\ndata: ${data}\n\n`);
    };
    // Subscribe first, then replay the file: nothing written in between is missed, seq drops duplicates.
    const pending: Array<{ seq: number; line: string }> = [];
    let replaying = true;
    let ended = false;
    const finish = (): void => {
      if (ended) return;
      ended = true;
      off();
      clearInterval(beat);
      streams.delete(finish);
      res.write("event: end\ndata: {}\n\n");
      res.end();
    };
    // Each heartbeat checks the token again: a revoked one stops hearing the log.
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const beat = setInterval(() => {
      if (verifyToken(store, token)) res.write(": ping\n\n");
      else finish();
    }, 15_000);
    streams.add(finish);
    const off = bus.on((e) => {
      if (e.type === "job-log" && e.jobId === jobId) {
        if (replaying) pending.push(e);
        else send(e.seq, e.line);
      } else if (e.type === "job-updated" && e.jobId === jobId && e.status === "completed" && !replaying) {
        // While the stored log is still being replayed, the check after the replay ends the stream.
        setTimeout(finish, 50);
      }
    });
    req.raw.on("close", () => {
      off();
      clearInterval(beat);
      streams.delete(finish);
      ended = true;
    });
    for await (const r of logs.read(jobId, after)) send(r.seq, JSON.stringify(r));
    replaying = false;
    for (const e of pending) send(e.seq, e.line);
    const now = await getJob(store, jobId);
    if (now?.status === "completed") finish();
    return reply;
  });
}
