import { randomBytes } from "node:crypto";
import type { Store } from "./open-store.js";
import type { JobsTable, RunsTable } from "./schema.js";
import type { Selectable } from "kysely";

export type RunRow = Selectable<RunsTable>;
export type JobRow = Selectable<JobsTable>;
export type RunStatus = "queued" | "in_progress" | "completed";

const now = (): string => new Date().toISOString();

export type NewRun = {
  repo: string; workflowFile: string; workflowName: string; workflowText: string; event: string; ref: string; sha: string;
  actor: string; payload: Record<string, unknown>; inputs: Record<string, unknown>; jobIds: string[];
};

/** Creates a run and one pending entry per workflow job, in one transaction. */
export function createRun(store: Store, r: NewRun): number {
  return store.sqlite.transaction(() => {
    const n = (store.sqlite.prepare("SELECT COALESCE(MAX(run_number), 0) + 1 AS n FROM runs WHERE repo = ? AND workflow_file = ?").get(r.repo, r.workflowFile) as { n: number }).n;
    const info = store.sqlite.prepare(`INSERT INTO runs (repo, run_number, workflow_file, workflow_name, workflow_text, event, ref, sha, actor, status,
      payload, inputs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`).run(
      r.repo, n, r.workflowFile, r.workflowName, r.workflowText, r.event, r.ref, r.sha, r.actor, JSON.stringify(r.payload), JSON.stringify(r.inputs), now());
    const id = Number(info.lastInsertRowid);
    const add = store.sqlite.prepare("INSERT INTO workflow_jobs (run_id, job_id, status) VALUES (?, ?, 'pending')");
    for (const j of r.jobIds) add.run(id, j);
    return id;
  }).immediate();
}

/** A run that ends before any job (an invalid workflow, for instance) is recorded with its reason. */
export function createFailedRun(store: Store, r: Omit<NewRun, "jobIds">, reason: string): number {
  const id = createRun(store, { ...r, jobIds: [] });
  store.sqlite.prepare("UPDATE runs SET status = 'completed', conclusion = 'failure', reason = ?, completed_at = ? WHERE id = ?").run(reason, now(), id);
  return id;
}

export async function getRun(store: Store, id: number): Promise<RunRow | undefined> {
  return store.db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listRuns(store: Store, opts: { repo?: string; status?: string; limit?: number; before?: number } = {}): Promise<RunRow[]> {
  let q = store.db.selectFrom("runs").selectAll().orderBy("id", "desc").limit(Math.min(opts.limit ?? 50, 500));
  if (opts.repo) q = q.where("repo", "=", opts.repo);
  if (opts.status) q = q.where("status", "=", opts.status);
  if (opts.before) q = q.where("id", "<", opts.before);
  return q.execute();
}

export async function jobsOfRun(store: Store, runId: number): Promise<JobRow[]> {
  return store.db.selectFrom("jobs").selectAll().where("run_id", "=", runId).orderBy("id").execute();
}

export async function stepsOfJob(store: Store, jobId: number): Promise<Array<{ number: number; name: string; status: string; conclusion: string | null; started_at: string | null; completed_at: string | null }>> {
  return store.db.selectFrom("steps").select(["number", "name", "status", "conclusion", "started_at", "completed_at"]).where("job_id", "=", jobId).orderBy("number").execute();
}

export async function getJob(store: Store, id: number): Promise<JobRow | undefined> {
  return store.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
}

export type Claim = { job: JobRow; leaseToken: string; leaseExpiresAt: number };

/**
 * Gives the oldest queued job whose labels the runner has to that runner, with a lease. One
 * synchronous transaction: two runners asking at once can never get the same job.
 */
export function claimJob(store: Store, runner: { id: string; labels: readonly string[] }, leaseMs: number): Claim | undefined {
  const have = new Set(runner.labels.map((l) => l.toLowerCase()));
  // IMMEDIATE: the write lock is taken before the read, so a claim from another connection
  // (another process on the same file) waits (busy_timeout) instead of failing with SQLITE_BUSY.
  return store.sqlite.transaction(() => {
    // Every queued job is considered, oldest first: older jobs this runner cannot run (any number
    // of them) must not hide one it can.
    let job: JobRow | undefined;
    for (const j of store.sqlite.prepare("SELECT * FROM jobs WHERE status = 'queued' ORDER BY id").iterate() as IterableIterator<JobRow>) {
      if ((JSON.parse(j.labels) as string[]).every((l) => have.has(l.toLowerCase()))) {
        job = j;
        break;
      }
    }
    if (!job) return undefined;
    const leaseToken = randomBytes(16).toString("hex");
    const leaseExpiresAt = Date.now() + leaseMs;
    const started = now();
    store.sqlite.prepare("UPDATE jobs SET status = 'in_progress', runner_id = ?, lease_token = ?, lease_expires_at = ?, started_at = ? WHERE id = ? AND status = 'queued'")
      .run(runner.id, leaseToken, leaseExpiresAt, started, job.id);
    store.sqlite.prepare("UPDATE runs SET status = 'in_progress', started_at = COALESCE(started_at, ?) WHERE id = ? AND status = 'queued'").run(started, job.run_id);
    return { job: { ...job, status: "in_progress", runner_id: runner.id, lease_token: leaseToken, lease_expires_at: leaseExpiresAt, started_at: started }, leaseToken, leaseExpiresAt };
  }).immediate();
}

export class LeaseLostError extends Error {
  readonly code = "lease-lost";
  constructor(jobId: number) {
    super(`job ${jobId} is no longer leased to this runner`);
    this.name = "LeaseLostError";
  }
}

/** Extends a lease; tells the runner whether the job was cancelled. Throws LeaseLostError when the lease is gone. */
export function renewLease(store: Store, jobId: number, leaseToken: string, leaseMs: number): { cancel: boolean; leaseExpiresAt: number } {
  return store.sqlite.transaction(() => {
    const job = store.sqlite.prepare("SELECT status, lease_token, cancel_requested FROM jobs WHERE id = ?").get(jobId) as Pick<JobRow, "status" | "lease_token" | "cancel_requested"> | undefined;
    if (!job || job.status !== "in_progress" || job.lease_token !== leaseToken) throw new LeaseLostError(jobId);
    const leaseExpiresAt = Date.now() + leaseMs;
    store.sqlite.prepare("UPDATE jobs SET lease_expires_at = ? WHERE id = ?").run(leaseExpiresAt, jobId);
    return { cancel: job.cancel_requested === 1, leaseExpiresAt };
  }).immediate();
}

/** Records a job's result from the runner that holds its lease; a late result from a lost lease is refused. */
export function completeJob(store: Store, jobId: number, leaseToken: string, result: { conclusion: string; outputs: Record<string, string>; reason?: string | undefined }): JobRow {
  return store.sqlite.transaction(() => {
    const job = store.sqlite.prepare("SELECT * FROM jobs WHERE id = ?").get(jobId) as JobRow | undefined;
    if (!job || job.status !== "in_progress" || job.lease_token !== leaseToken) throw new LeaseLostError(jobId);
    store.sqlite.prepare("UPDATE jobs SET status = 'completed', conclusion = ?, outputs = ?, reason = ?, completed_at = ?, lease_token = NULL WHERE id = ?")
      .run(result.conclusion, JSON.stringify(result.outputs), result.reason ?? null, now(), jobId);
    return { ...job, status: "completed", conclusion: result.conclusion };
  }).immediate();
}

/** Ends jobs whose runner stopped renewing its lease; returns them. */
export function expireLeases(store: Store, at = Date.now()): JobRow[] {
  return store.sqlite.transaction(() => {
    const lost = store.sqlite.prepare("SELECT * FROM jobs WHERE status = 'in_progress' AND lease_expires_at < ?").all(at) as JobRow[];
    const end = store.sqlite.prepare("UPDATE jobs SET status = 'completed', conclusion = 'failure', reason = ?, completed_at = ?, lease_token = NULL WHERE id = ?");
    for (const j of lost) end.run(`The runner ${j.runner_id ?? ""} stopped responding (no heartbeat before its lease expired)`, now(), j.id);
    return lost;
  }).immediate();
}

/** After a restart, live runners get a fresh lease window to reconnect before they are declared lost. */
export function extendAllLeases(store: Store, untilMs: number): void {
  store.sqlite.prepare("UPDATE jobs SET lease_expires_at = MAX(COALESCE(lease_expires_at, 0), ?) WHERE status = 'in_progress'").run(untilMs);
}

/** Records a step's progress from the runner's event stream. */
export function recordStep(store: Store, jobId: number, step: { number: number; name: string; status: string; conclusion?: string | null; time: string }): void {
  store.sqlite.prepare(`INSERT INTO steps (job_id, number, name, status, conclusion, started_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (job_id, number) DO UPDATE SET status = excluded.status, conclusion = excluded.conclusion,
      completed_at = COALESCE(excluded.completed_at, steps.completed_at)`)
    .run(jobId, step.number, step.name, step.status, step.conclusion ?? null, step.status === "in_progress" ? step.time : null, step.status === "completed" ? step.time : null);
}

/** Asks for a run's cancellation: queued jobs end at once, running ones are told at their next heartbeat. */
export function requestCancel(store: Store, runId: number): boolean {
  return store.sqlite.transaction(() => {
    const run = store.sqlite.prepare("SELECT status FROM runs WHERE id = ?").get(runId) as { status: string } | undefined;
    if (!run || run.status === "completed") return false;
    const t = now();
    store.sqlite.prepare("UPDATE jobs SET status = 'completed', conclusion = 'cancelled', reason = 'The run was cancelled', completed_at = ? WHERE run_id = ? AND status = 'queued'").run(t, runId);
    store.sqlite.prepare("UPDATE jobs SET cancel_requested = 1 WHERE run_id = ? AND status = 'in_progress'").run(runId);
    store.sqlite.prepare("UPDATE workflow_jobs SET status = 'completed', result = 'cancelled' WHERE run_id = ? AND status = 'pending'").run(runId);
    store.sqlite.prepare("UPDATE runs SET reason = COALESCE(reason, 'cancelled') WHERE id = ?").run(runId);
    return true;
  }).immediate();
}
