import type { ServiceDiff } from "./diff-services.js";
import type { HealthStatus, SyncStatus } from "./schema.js";

/** Worst first: an Application is as healthy as its least healthy Service. */
const SEVERITY: Readonly<Record<HealthStatus, number>> = {
  Degraded: 4,
  Missing: 3,
  Progressing: 2,
  Unknown: 1,
  Healthy: 0,
};

/** The health of an Application from its Services': the worst one wins; no Services is Healthy. */
export function applicationHealth(serviceHealth: readonly HealthStatus[]): HealthStatus {
  let worst: HealthStatus = "Healthy";
  for (const health of serviceHealth) if (SEVERITY[health] > SEVERITY[worst]) worst = health;
  return worst;
}

/** `Synced` when the diff is empty, `OutOfSync` when anything is added, changed or removed, `Unknown` without a diff. */
export function syncStatus(diff: ServiceDiff | undefined): SyncStatus {
  if (diff === undefined) return "Unknown";
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0 ? "Synced" : "OutOfSync";
}
