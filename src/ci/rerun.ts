import { InputError } from "../workflow/index.js";
import { ancestorsOf } from "../workflow/index.js";
import { parseWorkflowText } from "../workflow/index.js";
import type { Store } from "../store/index.js";
import type { Bus } from "./bus.js";
import type { Scheduler } from "./scheduler.js";

type RunRow = { id: number; repo: string; run_number: number; workflow_file: string; workflow_name: string; workflow_text: string; event: string; ref: string; sha: string; actor: string; status: string; payload: string; inputs: string };

/**
 * Re-runs the failed (and cancelled) jobs of a finished run, and whatever needs them, as a new
 * run of the same commit; jobs that succeeded keep their results and outputs.
 */
export async function rerunFailedJobs(deps: { store: Store; scheduler: Scheduler; bus: Bus }, runId: number, actor: string): Promise<number> {
  const { store } = deps;
  const run = store.sqlite.prepare("SELECT * FROM runs WHERE id = ?").get(runId) as RunRow | undefined;
  if (!run) throw new InputError([{ file: `run ${runId}`, message: "no such run" }]);
  if (run.status !== "completed") throw new InputError([{ file: `run ${runId}`, message: "the run has not finished yet" }]);
  const wf = await parseWorkflowText(run.workflow_text, run.workflow_file);
  const wjobs = store.sqlite.prepare("SELECT job_id, result, outputs FROM workflow_jobs WHERE run_id = ?").all(runId) as Array<{ job_id: string; result: string | null; outputs: string | null }>;
  const failed = new Set(wjobs.filter((w) => w.result === "failure" || w.result === "cancelled").map((w) => w.job_id));
  if (failed.size === 0) throw new InputError([{ file: `run ${runId}`, message: "no job failed; nothing to re-run" }]);
  const keepTop = (id: string): boolean => !failed.has(id) && ![...ancestorsOf(wf, id)].some((a) => failed.has(a));
  // A reusable-workflow call re-runs as a whole: its jobs (`caller/inner`) go with their caller.
  const topOf = (id: string): string => id.split("/")[0] ?? id;
  const keep = (id: string): boolean => keepTop(topOf(id));
  const now = new Date().toISOString();
  const newId = store.sqlite.transaction(() => {
    const info = store.sqlite.prepare(`INSERT INTO runs (repo, run_number, workflow_file, workflow_name, workflow_text, event, ref, sha, actor, status, reason,
      payload, inputs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', NULL, ?, ?, ?)`)
      .run(run.repo, run.run_number, run.workflow_file, run.workflow_name, run.workflow_text, run.event, run.ref, run.sha, actor, run.payload, run.inputs, now);
    const id = Number(info.lastInsertRowid);
    for (const w of wjobs) {
      if (keep(w.job_id)) {
        store.sqlite.prepare("INSERT INTO workflow_jobs (run_id, job_id, status, result, outputs) VALUES (?, ?, 'completed', ?, ?)").run(id, w.job_id, w.result, w.outputs);
        const old = store.sqlite.prepare("SELECT name, conclusion, outputs, labels FROM jobs WHERE run_id = ? AND job_id = ?").all(runId, w.job_id) as Array<{ name: string; conclusion: string | null; outputs: string | null; labels: string }>;
        for (const j of old) {
          store.sqlite.prepare("INSERT INTO jobs (run_id, job_id, name, status, conclusion, reason, labels, payload, outputs, created_at, completed_at) VALUES (?, ?, ?, 'completed', ?, ?, ?, '{}', ?, ?, ?)")
            .run(id, w.job_id, j.name, j.conclusion, `kept from run ${runId}`, j.labels, j.outputs, now, now);
        }
      } else if (!w.job_id.includes("/")) {
        store.sqlite.prepare("INSERT INTO workflow_jobs (run_id, job_id, status) VALUES (?, ?, 'pending')").run(id, w.job_id);
      }
    }
    return id;
  })();
  deps.bus.emit({ type: "run-updated", runId: newId, status: "queued" });
  await deps.scheduler.advance(newId);
  return newId;
}
