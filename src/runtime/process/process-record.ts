import { z } from "zod";
import { replicaSchema, signalSchema } from "../schema.js";
import type { Replica } from "../schema.js";

/** What the process runtime keeps per replica in its state directory: the replica and how to find and stop it. */
export const processRecordSchema = replicaSchema.extend({
  pid: z.number().int().positive(),
  /** From `/proc/<pid>/stat`; a live pid with another start time is another process (the pid was reused). */
  startTicks: z.string(),
  stopSignal: signalSchema,
  gracePeriodMs: z.number().int().min(0),
});
export type ProcessRecord = z.infer<typeof processRecordSchema>;

/** The public view of a record. */
export function toReplica(r: ProcessRecord): Replica {
  const replica: Replica = {
    id: r.id, app: r.app, service: r.service, version: r.version, index: r.index, state: r.state, pid: r.pid, startedAt: r.startedAt,
  };
  if (r.port !== undefined) replica.port = r.port;
  if (r.ports !== undefined) replica.ports = r.ports;
  if (r.settings !== undefined) replica.settings = r.settings;
  if (r.exitCode !== undefined) replica.exitCode = r.exitCode;
  if (r.signal !== undefined) replica.signal = r.signal;
  if (r.exitedAt !== undefined) replica.exitedAt = r.exitedAt;
  return replica;
}
