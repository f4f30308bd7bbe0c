import { z } from "zod";
import { jobPayloadSchema } from "../../ci/index.js";

/** The runner protocol: what `ferry runner` and the server say to each other. */
export const claimRequest = z.object({ runnerId: z.string().min(1).max(200), name: z.string().max(200), labels: z.array(z.string()).max(100), waitMs: z.number().int().min(0).max(60_000).optional() });
export const claimResponse = z.object({
  job: z.object({ id: z.number(), leaseToken: z.string(), leaseExpiresAt: z.number(), leaseMs: z.number(), payload: jobPayloadSchema, secrets: z.record(z.string(), z.string()), gitUrl: z.string(),
    /** The job's own token: registry pushes and the run's artifacts, valid while this lease holds. */
    jobToken: z.string().optional() }).nullable(),
});
export const heartbeatRequest = z.object({ leaseToken: z.string() });
export const heartbeatResponse = z.object({ cancel: z.boolean(), leaseExpiresAt: z.number() });
export const logRecord = z.object({ seq: z.number().int().positive(), time: z.string() }).catchall(z.unknown());
export const eventsRequest = z.object({ leaseToken: z.string(), records: z.array(logRecord).max(5000) });
export const eventsResponse = z.object({ lastSeq: z.number() });
export const completeRequest = z.object({
  leaseToken: z.string(),
  conclusion: z.enum(["success", "failure", "cancelled"]),
  outputs: z.record(z.string(), z.string()),
  reason: z.string().max(2000).optional(),
});

export type ClaimResponse = z.infer<typeof claimResponse>;
export type LogRecordBody = z.infer<typeof logRecord>;
