import type { Value } from "../workflow/index.js";
import { parseWorkflowText } from "../workflow/index.js";
import type { WorkflowDef } from "../workflow/index.js";
import type { Store } from "../store/index.js";
import { expireLeases, requestCancel } from "../store/index.js";
import { stringify, truthy } from "../workflow/index.js";
import { interpolate } from "../workflow/index.js";
import type { Bus } from "./bus.js";
import { admitGroup, waitingGroups } from "./job-concurrency.js";
import { loadCalls } from "./load-calls.js";
import { planRun } from "./plan-run.js";
import type { CallTarget, InstanceState, RunAction, WorkflowJobState } from "./plan-run.js";

export type Scheduler = {
  /** Hands over a workflow already parsed for a new run, saving the scheduler a parse. */
  remember(runId: number, wf: WorkflowDef): void;
  /** Moves a run forward as far as it can go now. */
  advance(runId: number): Promise<void>;
  /** Ends jobs of lost runners and advances their runs. */
  reapLostRunners(): Promise<void>;
  start(intervalMs?: number): void;
  stop(): void;
};

type RunRow = { id: number; repo: string; sha: string; status: string; workflow_file: string; workflow_text: string; payload: string; inputs: string; reason: string | null };

/** Reads a file of a repository's mirror at a commit (the called workflows of reusable-workflow jobs). */
export type ReadMirrorFile = (repo: string, sha: string, path: string) => Promise<string | undefined>;

const now = (): string => new Date().toISOString();

/** The CI scheduler: plans each run's jobs (needs, if, matrix) and queues them for runners. */
export function createScheduler(deps: { store: Store; bus: Bus; readFile: ReadMirrorFile; githubFor(run: RunRow): Record<string, Value> }): Scheduler {
  const { store, bus } = deps;
  const parsed = new Map<number, WorkflowDef>();
  const calls = new Map<number, Map<string, CallTarget>>();
  const busy = new Map<number, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  async function workflowOf(run: RunRow): Promise<WorkflowDef> {
    let wf = parsed.get(run.id);
    if (!wf) {
      wf = await parseWorkflowText(run.workflow_text, run.workflow_file);
      parsed.set(run.id, wf);
    }
    return wf;
  }

  /** The workflows the run's reusable-workflow jobs call, read once from the mirror at the run's commit. */
  async function callsOf(run: RunRow, wf: WorkflowDef): Promise<Map<string, CallTarget>> {
    let c = calls.get(run.id);
    if (!c) {
      c = wf.jobs.some((j) => j.uses !== undefined) ? await loadCalls(wf, (path) => deps.readFile(run.repo, run.sha, path)) : new Map<string, CallTarget>();
      calls.set(run.id, c);
    }
    return c;
  }

  /** Job-level concurrency: re-checks every group with a waiting job; advances the runs it changed. */
  function admitWaiting(): void {
    let queued = false;
    const touched = new Set<number>();
    for (const g of waitingGroups(store)) {
      const r = admitGroup(store, g.repo, g.group, now());
      queued ||= r.queued;
      for (const id of r.runs) touched.add(id);
    }
    if (queued) bus.emit({ type: "jobs-queued" });
    for (const id of touched) void scheduler.advance(id);
  }

  function apply(runId: number, actions: RunAction[]): void {
    const db = store.sqlite;
    db.transaction(() => {
      for (const a of actions) {
        switch (a.type) {
          case "skip":
            db.prepare("UPDATE workflow_jobs SET status = 'completed', result = 'skipped' WHERE run_id = ? AND job_id = ?").run(runId, a.jobId);
            break;
          case "expand": {
            // A job of a concurrency group waits until the group admits it (admitWaiting).
            const ins = db.prepare("INSERT INTO jobs (run_id, job_id, name, status, reason, labels, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            for (const i of a.instances) {
              const group = i.payload.concurrency?.group;
              ins.run(runId, a.jobId, i.name, group ? "waiting" : "queued", group ? `Waiting for the concurrency group '${group}'` : null, JSON.stringify(i.labels), JSON.stringify(i.payload), now());
            }
            db.prepare("UPDATE workflow_jobs SET status = 'running' WHERE run_id = ? AND job_id = ?").run(runId, a.jobId);
            break;
          }
          case "fail":
            db.prepare("INSERT INTO jobs (run_id, job_id, name, status, conclusion, reason, labels, payload, created_at, completed_at) VALUES (?, ?, ?, 'completed', 'failure', ?, '[]', '{}', ?, ?)")
              .run(runId, a.jobId, a.name ?? a.jobId, a.reason, now(), now());
            db.prepare("UPDATE workflow_jobs SET status = 'completed', result = 'failure' WHERE run_id = ? AND job_id = ?").run(runId, a.jobId);
            break;
          case "start-call": {
            db.prepare("UPDATE workflow_jobs SET status = 'running' WHERE run_id = ? AND job_id = ?").run(runId, a.jobId);
            const add = db.prepare("INSERT OR IGNORE INTO workflow_jobs (run_id, job_id, status) VALUES (?, ?, 'pending')");
            for (const id of a.innerJobIds) add.run(runId, id);
            break;
          }
          case "cancel-instances":
            db.prepare("UPDATE jobs SET status = 'completed', conclusion = 'cancelled', reason = ?, completed_at = ? WHERE run_id = ? AND job_id = ? AND status IN ('queued', 'waiting')")
              .run(a.reason, now(), runId, a.jobId);
            db.prepare("UPDATE jobs SET cancel_requested = 1 WHERE run_id = ? AND job_id = ? AND status = 'in_progress'").run(runId, a.jobId);
            break;
          case "complete-job":
            db.prepare("UPDATE workflow_jobs SET status = 'completed', result = ?, outputs = ? WHERE run_id = ? AND job_id = ?")
              .run(a.result, JSON.stringify(a.outputs), runId, a.jobId);
            break;
          case "complete-run":
            db.prepare("UPDATE runs SET status = 'completed', conclusion = ?, completed_at = ?, started_at = COALESCE(started_at, ?) WHERE id = ? AND status != 'completed'")
              .run(a.conclusion, now(), now(), runId);
            break;
        }
      }
    })();
    if (actions.some((a) => a.type === "expand")) bus.emit({ type: "jobs-queued" });
    const done = actions.find((a) => a.type === "complete-run");
    if (done) {
      parsed.delete(runId);
      calls.delete(runId);
      bus.emit({ type: "run-updated", runId, status: "completed", conclusion: done.conclusion });
      const group = (store.sqlite.prepare("SELECT concurrency_group FROM runs WHERE id = ?").get(runId) as { concurrency_group: string | null } | undefined)?.concurrency_group;
      if (group) {
        const next = store.sqlite.prepare("SELECT id FROM runs WHERE concurrency_group = ? AND status != 'completed' ORDER BY id").all(group) as Array<{ id: number }>;
        for (const n of next) void scheduler.advance(n.id);
      }
    }
  }

  /**
   * Workflow-level `concurrency`: at most one run of a group in progress and one waiting. A newer
   * run cancels the older waiting one, and with cancel-in-progress the running one too; a run
   * that must wait stays queued and is advanced again when the group's run finishes.
   */
  function admitted(run: RunRow, wf: WorkflowDef): boolean {
    const db = store.sqlite;
    let row = db.prepare("SELECT concurrency_group, concurrency_cancel, concurrency_checked FROM runs WHERE id = ?").get(run.id) as { concurrency_group: string | null; concurrency_cancel: number; concurrency_checked: number };
    if (!row.concurrency_checked) {
      let group: string | null = null;
      let cancel = false;
      if (wf.concurrency !== undefined && wf.concurrency !== null) {
        const ctx = { github: deps.githubFor(run), inputs: JSON.parse(run.inputs) as Record<string, Value>, vars: {} };
        const c = interpolate(typeof wf.concurrency === "string" ? { group: wf.concurrency } : wf.concurrency, ctx);
        const rec = c && typeof c === "object" && !Array.isArray(c) ? c : {};
        group = rec.group === undefined || rec.group === null ? null : `${run.repo}:${stringify(rec.group)}`;
        cancel = truthy(rec["cancel-in-progress"] ?? false);
      }
      db.prepare("UPDATE runs SET concurrency_group = ?, concurrency_cancel = ?, concurrency_checked = 1 WHERE id = ?").run(group, cancel ? 1 : 0, run.id);
      row = { concurrency_group: group, concurrency_cancel: cancel ? 1 : 0, concurrency_checked: 1 };
      if (group) {
        const others = db.prepare("SELECT id, status, started_at FROM runs WHERE concurrency_group = ? AND status != 'completed' AND id < ?").all(group, run.id) as Array<{ id: number; status: string; started_at: string | null }>;
        for (const o of others) {
          const waiting = o.status === "queued" && !o.started_at;
          if (waiting || cancel) {
            db.prepare("UPDATE runs SET reason = 'cancelled' WHERE id = ?").run(o.id);
            requestCancel(store, o.id);
            void scheduler.advance(o.id);
          }
        }
      }
    }
    if (!row.concurrency_group) return true;
    const blocking = db.prepare("SELECT id FROM runs WHERE concurrency_group = ? AND status != 'completed' AND id < ? AND (reason IS NULL OR reason != 'cancelled')").get(row.concurrency_group, run.id);
    return blocking === undefined;
  }

  async function advanceOnce(runId: number): Promise<void> {
    for (let guard = 0; guard < 1000; guard++) {
      const run = store.sqlite.prepare("SELECT * FROM runs WHERE id = ?").get(runId) as RunRow | undefined;
      if (!run || run.status === "completed") return;
      const wjobs = store.sqlite.prepare("SELECT job_id, status, result, outputs FROM workflow_jobs WHERE run_id = ?").all(runId) as Array<{ job_id: string; status: string; result: string | null; outputs: string | null }>;
      const jobs = store.sqlite.prepare("SELECT id, job_id, status, conclusion, outputs FROM jobs WHERE run_id = ?").all(runId) as Array<{ id: number; job_id: string; status: string; conclusion: string | null; outputs: string | null }>;
      const vars = Object.fromEntries((store.sqlite.prepare("SELECT name, value FROM variables WHERE repo = ?").all(run.repo) as Array<{ name: string; value: string }>).map((v) => [v.name, v.value]));
      let wf: WorkflowDef;
      try {
        wf = await workflowOf(run);
      } catch (error: unknown) {
        store.sqlite.prepare("UPDATE runs SET status = 'completed', conclusion = 'failure', reason = ?, completed_at = ? WHERE id = ?")
          .run(error instanceof Error ? error.message : String(error), now(), runId);
        bus.emit({ type: "run-updated", runId, status: "completed", conclusion: "failure" });
        return;
      }
      if (!admitted(run, wf)) return;
      admitWaiting();
      const actions = planRun({
        calls: await callsOf(run, wf),
        runId, wf, github: deps.githubFor(run), inputs: JSON.parse(run.inputs) as Record<string, Value>, vars,
        workflowJobs: wjobs.map((w): WorkflowJobState => ({
          jobId: w.job_id, status: w.status as WorkflowJobState["status"], result: (w.result ?? undefined) as WorkflowJobState["result"],
          outputs: w.outputs ? JSON.parse(w.outputs) as Record<string, string> : undefined,
        })),
        instances: jobs.map((j): InstanceState => ({
          id: j.id, jobId: j.job_id, status: j.status as InstanceState["status"], conclusion: j.conclusion,
          outputs: j.outputs ? JSON.parse(j.outputs) as Record<string, string> : undefined,
        })),
        cancelled: run.reason === "cancelled",
      });
      if (actions.length === 0) return;
      apply(runId, actions);
      if (actions.some((a) => a.type === "expand" || a.type === "cancel-instances")) admitWaiting();
      // Only what can unlock further planning needs another pass.
      if (!actions.some((a) => a.type === "skip" || a.type === "complete-job" || a.type === "fail" || a.type === "start-call")) return;
    }
  }

  const scheduler: Scheduler = {
    remember(runId, wf) {
      parsed.set(runId, wf);
    },
    advance(runId) {
      // One pass per run at a time; a request during a pass runs once more after it.
      const previous = busy.get(runId) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => advanceOnce(runId)).finally(() => {
        if (busy.get(runId) === next) busy.delete(runId);
      });
      busy.set(runId, next);
      return next;
    },
    async reapLostRunners() {
      admitWaiting();
      const lost = expireLeases(store);
      for (const runId of new Set(lost.map((j) => j.run_id))) await scheduler.advance(runId);
    },
    start(intervalMs = 1000) {
      const open = store.sqlite.prepare("SELECT id FROM runs WHERE status != 'completed'").all() as Array<{ id: number }>;
      for (const r of open) void scheduler.advance(r.id);
      timer = setInterval(() => { void scheduler.reapLostRunners(); }, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
  return scheduler;
}
