import { useState } from "react";
import type { ReactNode } from "react";
import { apiFetch } from "../../api/index.js";
import { useSession } from "../../auth.js";
import { navigate } from "../../router.js";
import { confirm } from "../../ui/index.js";
import type { RunDetail } from "./run-types.js";

/** Cancel (while the run is not finished) and Re-run failed jobs (once it failed); only for operators and up. */
export function RunActions(props: { run: RunDetail; onChanged: () => void }): ReactNode {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (!session.can("operate")) return null;
  const r = props.run;
  const title = `${r.workflow.name} #${r.runNumber}`;
  const failedJobs = r.jobs.filter((j) => j.conclusion === "failure" || j.conclusion === "cancelled");

  const act = async (fn: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (e: unknown) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const cancel = (): Promise<void> => act(async () => {
    const ok = await confirm({
      title: `Cancel ${title}?`, danger: true, confirmLabel: "Cancel run",
      body: <p>Stops the running jobs of <b>{r.workflow.name}</b> on <b>{r.branch}</b> ({r.sha.slice(0, 7)}) of <b>{r.repository}</b>; jobs that have not started will not run.</p>,
    });
    if (!ok) return;
    await apiFetch("POST", `/api/v1/runs/${r.id}/cancel`);
    props.onChanged();
  });

  const rerun = (): Promise<void> => act(async () => {
    const ok = await confirm({
      title: `Re-run failed jobs of ${title}?`, confirmLabel: "Re-run",
      body: <p>Starts a new run of <b>{r.workflow.name}</b> at {r.sha.slice(0, 7)} with the failed jobs{failedJobs.length ? <> ({failedJobs.map((j) => j.name).join(", ")})</> : null} and the jobs that need them; jobs that passed keep their results.</p>,
    });
    if (!ok) return;
    const { runId } = await apiFetch<{ runId: number }>("POST", `/api/v1/runs/${r.id}/rerun-failed`);
    navigate(`/runs/${runId}`);
  });

  return (
    <div className="actions">
      {r.status !== "completed" ? <button type="button" className="danger" disabled={busy} onClick={cancel}>Cancel</button> : null}
      {r.status === "completed" && r.conclusion !== "success" ? <button type="button" disabled={busy} onClick={rerun}>Re-run failed jobs</button> : null}
      {error ? <span className="error">{error}</span> : null}
    </div>
  );
}
