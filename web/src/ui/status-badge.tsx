import type { ReactNode } from "react";

export type Tone = "ok" | "bad" | "running" | "pending" | "warn" | "neutral";

const tones: Record<string, Tone> = {
  success: "ok", succeeded: "ok", healthy: "ok", synced: "ok", verified: "ok", approved: "ok", completed: "ok",
  failure: "bad", failed: "bad", errored: "bad", degraded: "bad", error: "bad", timed_out: "bad",
  in_progress: "running", running: "running", progressing: "running", syncing: "running",
  queued: "pending", pending: "pending", waiting: "pending", requested: "pending",
  cancelled: "warn", aborted: "warn", outofsync: "warn", missing: "warn", blocked: "warn", suspended: "warn",
  skipped: "neutral", unknown: "neutral",
};

/** The colour family of a status word from any of Ferry's vocabularies (run, sync, health, promotion phase). */
export function toneOf(value: string | null | undefined): Tone {
  return tones[(value ?? "unknown").toLowerCase().replace(/[\s-]/g, "_").replace(/^out_of_sync$/, "outofsync")] ?? "neutral";
}

/** A status word in a coloured pill: `Healthy`, `OutOfSync`, `in_progress`, `Succeeded`… */
export function StatusBadge(props: { value: string | null | undefined; title?: string | undefined }): ReactNode {
  const value = props.value ?? "Unknown";
  return <span className={`badge tone-${toneOf(value)}`} title={props.title ?? value} data-status={value}>{value.replace(/_/g, " ")}</span>;
}

/** A run's or job's state: its conclusion once completed, its status before. */
export function RunStatusBadge(props: { status: string; conclusion?: string | null | undefined; title?: string | undefined }): ReactNode {
  const value = props.status === "completed" ? (props.conclusion ?? "completed") : props.status;
  return <StatusBadge value={value} title={props.title} />;
}
