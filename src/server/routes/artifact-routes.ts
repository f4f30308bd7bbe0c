import type { FastifyInstance } from "fastify";
import type { Store } from "../../store/index.js";
import { getRun, listRunArtifacts, runArtifactKindSchema } from "../../store/index.js";
import type { RunArtifact } from "../../store/index.js";
import { requireRole, requireRoleOrJob } from "../auth.js";
import { badRequest, forbidden, notFound } from "../errors.js";

type Query = { repository?: string; digest?: string; run?: string; kind?: string; name?: string };

/**
 * The links between runs and what they put in the registry: from a run to its artifacts
 * (`/runs/:id/artifacts`, also for the run's own jobs, which find their upload-artifact files here), and
 * from an artifact back to the run, commit and workflow that made it (`/artifacts?repository=&digest=`).
 */
export function registerArtifactRoutes(app: FastifyInstance, deps: { store: Store }): void {
  const { store } = deps;

  app.get<{ Params: { id: string }; Querystring: Query }>("/api/v1/runs/:id/artifacts", { preHandler: requireRoleOrJob(store, "viewer") }, async (req) => {
    const runId = Number(req.params.id);
    if (!Number.isInteger(runId)) throw badRequest(`not a run id: ${req.params.id}`);
    if (req.job && req.job.runId !== runId) throw forbidden("a job's token reads only its own run's artifacts");
    if (!(await getRun(store, runId))) throw notFound(`no run ${runId}`);
    return { items: listRunArtifacts(store, { runId, ...filters(req.query) }) };
  });

  app.get<{ Querystring: Query }>("/api/v1/artifacts", { preHandler: requireRole(store, "viewer") }, async (req) => {
    const q = req.query;
    const runId = q.run === undefined ? undefined : Number(q.run);
    if (runId !== undefined && !Number.isInteger(runId)) throw badRequest(`not a run id: ${q.run}`);
    const items = listRunArtifacts(store, { ...(runId === undefined ? {} : { runId }), ...filters(q) });
    return { items: await Promise.all(items.map(async (a) => ({ ...a, run: await runSummary(store, a) }))) };
  });
}

function filters(q: Query): { repository?: string; digest?: string; kind?: RunArtifact["kind"]; name?: string } {
  let kind: RunArtifact["kind"] | undefined;
  if (q.kind !== undefined) {
    const parsed = runArtifactKindSchema.safeParse(q.kind);
    if (!parsed.success) throw badRequest(`kind must be one of ${runArtifactKindSchema.options.join(", ")}`);
    kind = parsed.data;
  }
  return {
    ...(q.repository ? { repository: q.repository } : {}), ...(q.digest ? { digest: q.digest } : {}),
    ...(kind ? { kind } : {}), ...(q.name ? { name: q.name } : {}),
  };
}

async function runSummary(store: Store, a: RunArtifact): Promise<Record<string, unknown> | null> {
  const run = await getRun(store, a.runId);
  if (!run) return null;
  const job = a.jobId === null ? undefined : (store.sqlite.prepare("SELECT job_id, name FROM jobs WHERE id = ?").get(a.jobId) as { job_id: string; name: string } | undefined);
  return {
    id: run.id, repository: run.repo, runNumber: run.run_number, workflow: run.workflow_name, sha: run.sha, ref: run.ref, event: run.event,
    ...(job ? { job: job.job_id, jobName: job.name } : {}),
  };
}
