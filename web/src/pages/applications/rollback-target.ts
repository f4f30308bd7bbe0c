import type { AppSync } from "./application-types.js";

/**
 * Whether a sync of the history is somewhere to roll back to: it succeeded and its revision is not
 * the one running now (the server refuses the same otherwise, it just would change nothing).
 */
export function canRollbackTo(entry: Pick<AppSync, "result" | "revision">, appliedRevision: string | null | undefined): boolean {
  return entry.result === "Succeeded" && entry.revision !== appliedRevision;
}
