import type { Store } from "../store/index.js";

/** One job instance of a concurrency group that has not finished. */
export type GroupMember = { id: number; runId: number; jobId: string; status: "waiting" | "queued" | "in_progress"; cancelInProgress: boolean };

export type GroupPlan = {
  /** Waiting instances a newer waiting job replaces: they end cancelled. */
  cancelWaiting: number[];
  /** Queued or running instances a newer job with cancel-in-progress cancels. */
  cancelActive: number[];
  /** Waiting instances that may now be queued for runners. */
  admit: number[];
};

/**
 * Job-level `concurrency`, as GitHub does it: in a group at most one job runs and one waits. A
 * newer waiting job replaces an older waiting one (which is cancelled); with cancel-in-progress
 * it also cancels the running one; it is queued once nothing else of the group is queued or
 * running. A job is all instances of one workflow job of one run (a matrix moves as one). Pure.
 */
export function planGroup(members: readonly GroupMember[]): GroupPlan {
  const units = new Map<string, GroupMember[]>();
  for (const m of [...members].sort((a, b) => a.id - b.id)) {
    const key = `${m.runId}\0${m.jobId}`;
    units.set(key, [...(units.get(key) ?? []), m]);
  }
  const all = [...units.values()];
  const waiting = all.filter((u) => u.every((m) => m.status === "waiting"));
  const active = all.filter((u) => !u.every((m) => m.status === "waiting"));
  const newest = waiting.at(-1);
  const plan: GroupPlan = { cancelWaiting: waiting.slice(0, -1).flat().map((m) => m.id), cancelActive: [], admit: [] };
  if (!newest) return plan;
  const cancel = newest.some((m) => m.cancelInProgress);
  if (cancel) plan.cancelActive = active.flat().map((m) => m.id);
  // Queued instances end at once when cancelled; running ones hold the group until they stop.
  const blocking = active.some((u) => u.some((m) => m.status === "in_progress" || (!cancel && m.status === "queued")));
  if (!blocking) plan.admit = newest.map((m) => m.id);
  return plan;
}

type MemberRow = { id: number; run_id: number; job_id: string; status: GroupMember["status"]; cancel_in_progress: number };

/**
 * Applies `planGroup` to one group of a repository in one transaction; returns the runs whose jobs
 * changed, for the scheduler to advance, and whether jobs were queued.
 */
export function admitGroup(store: Store, repo: string, group: string, now: string): { runs: number[]; queued: boolean } {
  const db = store.sqlite;
  return db.transaction(() => {
    const rows = db.prepare(`SELECT jobs.id, jobs.run_id, jobs.job_id, jobs.status,
        COALESCE(json_extract(jobs.payload, '$.concurrency.cancelInProgress'), 0) AS cancel_in_progress
      FROM jobs JOIN runs ON runs.id = jobs.run_id
      WHERE jobs.status IN ('waiting', 'queued', 'in_progress') AND runs.repo = ? AND json_extract(jobs.payload, '$.concurrency.group') = ?`)
      .all(repo, group) as MemberRow[];
    const plan = planGroup(rows.map((r) => ({ id: r.id, runId: r.run_id, jobId: r.job_id, status: r.status, cancelInProgress: r.cancel_in_progress === 1 })));
    const runOf = new Map(rows.map((r) => [r.id, r.run_id]));
    const touched = new Set<number>();
    const reason = `Canceling since a higher priority waiting request for '${group}' exists`;
    // Only a job that ended changes its run; a repeated pass changes nothing and advances nothing.
    for (const id of plan.cancelWaiting) {
      const ended = db.prepare("UPDATE jobs SET status = 'completed', conclusion = 'cancelled', reason = ?, completed_at = ? WHERE id = ? AND status = 'waiting'").run(reason, now, id);
      if (ended.changes > 0) touched.add(runOf.get(id) ?? 0);
    }
    for (const id of plan.cancelActive) {
      const ended = db.prepare("UPDATE jobs SET status = 'completed', conclusion = 'cancelled', reason = ?, completed_at = ? WHERE id = ? AND status = 'queued'").run(reason, now, id);
      if (ended.changes > 0) touched.add(runOf.get(id) ?? 0);
      db.prepare("UPDATE jobs SET cancel_requested = 1, reason = ? WHERE id = ? AND status = 'in_progress' AND cancel_requested = 0").run(reason, id);
    }
    let queued = false;
    for (const id of plan.admit) queued = db.prepare("UPDATE jobs SET status = 'queued', reason = NULL WHERE id = ? AND status = 'waiting'").run(id).changes > 0 || queued;
    touched.delete(0);
    return { runs: [...touched], queued };
  }).immediate();
}

/** Every (repository, group) with a job waiting, for the scheduler to re-check after changes. */
export function waitingGroups(store: Store): Array<{ repo: string; group: string }> {
  return store.sqlite.prepare(`SELECT DISTINCT runs.repo AS repo, json_extract(jobs.payload, '$.concurrency.group') AS "group"
    FROM jobs JOIN runs ON runs.id = jobs.run_id WHERE jobs.status = 'waiting'`).all() as Array<{ repo: string; group: string }>;
}
