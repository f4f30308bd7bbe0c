import type { ApplicationResource, AppSync } from "./application-types.js";
import { diffSummary } from "./diff-rows.js";

export type Confirmation = { title: string; body: string };

const short = (rev: string | null | undefined): string => (rev ? rev.slice(0, 12) : "unknown");

/** What Sync will do: the agent applies the source revision, and what it changes. */
export function confirmSync(app: ApplicationResource): Confirmation {
  const s = app.spec.source;
  const agent = app.spec.destination?.agent ?? "local";
  const pin = app.status?.pinnedRevision ? ` It ends the rollback to ${short(app.status.pinnedRevision)}.` : "";
  return {
    title: `Sync ${app.metadata.name}?`,
    body: `Agent ${agent} makes ${app.metadata.name} match ${s.repoURL} ${s.path ?? "."} at ${s.targetRevision ?? "HEAD"} (now ${short(app.status?.sync?.revision)}): ${diffSummary(app.status?.diff)}.${pin}`,
  };
}

/** What Rollback does: the agent syncs to an earlier revision and stays there until the next Sync. */
export function confirmRollback(app: ApplicationResource, to: AppSync): Confirmation {
  const agent = app.spec.destination?.agent ?? "local";
  return {
    title: `Roll ${app.metadata.name} back to ${short(to.revision)}?`,
    body: `Agent ${agent} syncs ${app.metadata.name} to revision ${short(to.revision)} (sync #${to.id} by ${to.actor}, ${to.finishedAt}), replacing ${short(app.status?.sync?.appliedRevision)}, and holds it there — automated sync pauses — until someone syncs again.`,
  };
}
