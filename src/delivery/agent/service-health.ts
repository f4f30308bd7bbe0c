import type { HealthState } from "../health/index.js";
import type { HealthStatus } from "../schema.js";

/** A replica not being stopped, as its health check sees it. */
export type LiveReplica = { index: number; version: string; health: HealthState; message: string };

export type ServiceHealthInput = {
  /** The version that should run and how many replicas; undefined before the Service is applied. */
  desired: { version: string; replicas: number } | undefined;
  live: readonly LiveReplica[];
  /** A rollout of this version that was given up. */
  failed?: { version: string; reason: string } | undefined;
  /** A replica slot that keeps exiting. */
  crashing?: { index: number; lastExit: string } | undefined;
};

/** The first unhealthy replica, in words. */
export function describeProblem(replicas: readonly LiveReplica[]): string | undefined {
  const r = replicas.find((x) => x.health !== "Healthy");
  return r ? `replica ${r.index}: ${r.message}` : undefined;
}

/** A Service's health from its replicas: Healthy, Progressing, Degraded, Missing, or Unknown before it is applied. */
export function serviceHealth(o: ServiceHealthInput): { health: HealthStatus; message: string } {
  const d = o.desired;
  if (!d) return { health: "Unknown", message: "not applied yet" };
  const n = d.replicas;
  const current = o.live.filter((r) => r.version === d.version);
  const healthy = current.filter((r) => r.health === "Healthy" && r.index < n).length;
  if (o.failed?.version === d.version) {
    return { health: "Degraded", message: `${o.failed.reason}${o.live.length > 0 ? "; the previous version keeps serving" : ""}` };
  }
  if (healthy >= n && current.length === healthy) return { health: "Healthy", message: `${healthy}/${n} replicas healthy` };
  if (o.crashing) return { health: "Degraded", message: `replica ${o.crashing.index} keeps exiting (${o.crashing.lastExit}); restarting with backoff` };
  if (current.some((r) => r.health === "Degraded")) return { health: "Degraded", message: describeProblem(current) ?? "a replica is failing its health check" };
  if (o.live.length === 0 && n > 0) return { health: "Missing", message: "no replica runs" };
  const problem = describeProblem(current);
  return { health: "Progressing", message: `${healthy}/${n} replicas healthy${problem ? `; ${problem}` : ""}` };
}
