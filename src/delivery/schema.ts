import { z } from "zod";

/**
 * Health of a Service or an Application, in Argo CD's words: `Healthy` (running and passing its
 * checks), `Progressing` (starting or updating), `Degraded` (failing), `Missing` (should run but
 * does not), `Unknown` (not observed yet).
 */
export const healthStatusSchema = z
  .enum(["Healthy", "Progressing", "Degraded", "Missing", "Unknown"])
  .describe("Health of a Service or Application.");

export type HealthStatus = z.infer<typeof healthStatusSchema>;

/** Whether what runs matches Git: `Synced`, `OutOfSync`, or `Unknown` (not compared yet). */
export const syncStatusSchema = z.enum(["Synced", "OutOfSync", "Unknown"]).describe("Whether what runs matches Git.");

export type SyncStatus = z.infer<typeof syncStatusSchema>;
