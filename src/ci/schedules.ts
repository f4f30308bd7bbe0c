import { Cron } from "croner";
import { listResources } from "../store/index.js";
import type { CreateRunDeps } from "./dispatch.js";
import { queueRun, resolveRef, workflowAt } from "./dispatch.js";
import { workflowFiles } from "./trigger-commit.js";

/** Whether a cron expression fires in the minute that starts at `minute` (UTC, as GitHub). */
export function firesAt(expr: string, minute: Date): boolean {
  const before = new Date(minute.getTime() - 1000);
  const next = new Cron(expr, { timezone: "UTC", paused: true }).nextRun(before);
  return next !== null && next.getTime() === minute.getTime();
}

/**
 * `on.schedule`: once a minute, the workflows on each repository's default branch whose cron
 * fires this minute get a run. A minute is handled once, even across a restart.
 */
export function startSchedules(deps: CreateRunDeps & { log(msg: string, f?: Record<string, unknown>): void }): () => void {
  let lastMinute = 0;
  const tick = async (): Promise<void> => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    if (minute === lastMinute) return;
    lastMinute = minute;
    for (const repo of await listResources(deps.store, "Repository")) {
      const name = repo.metadata.name;
      const url = String(repo.spec.url);
      const head = resolveRef(deps.store, name, "main") ?? resolveRef(deps.store, name, "master");
      if (!head) continue;
      let files: string[];
      try {
        files = await workflowFiles(deps.mirrors, name, head.sha);
      } catch {
        continue;
      }
      for (const file of files) {
        try {
          const { wf } = await workflowAt(deps.mirrors, name, head.sha, file);
          for (const cron of wf.schedules) {
            if (!firesAt(cron, new Date(minute))) continue;
            const already = deps.store.sqlite.prepare("SELECT 1 FROM runs WHERE repo = ? AND workflow_file = ? AND event = 'schedule' AND created_at >= ?")
              .get(name, file, new Date(minute).toISOString());
            if (already) continue;
            await queueRun(deps, { repo: name, url, workflow: file, ref: head.ref, event: "schedule", actor: "ferry-scheduler", schedule: cron });
          }
        } catch (error: unknown) {
          deps.log("schedule skipped", { repository: name, workflow: file, error: error instanceof Error ? error.message : String(error) });
        }
      }
    }
  };
  const timer = setInterval(() => { void tick(); }, 5_000);
  timer.unref();
  return () => clearInterval(timer);
}
