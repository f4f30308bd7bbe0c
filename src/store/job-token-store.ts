import { createHash, randomBytes } from "node:crypto";
import type { Store } from "./open-store.js";
import { TOKEN_PREFIX } from "./token-store.js";

/** The job a job token speaks for. */
export type JobTokenIdentity = { runId: number; jobId: number; jobKey: string };

/** Job tokens carry this after the common prefix, so they are told apart from API tokens at a glance. */
const JOB_TOKEN_PREFIX = `${TOKEN_PREFIX}job_`;

const hashOf = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * Creates the token a job's steps use to talk to the server (registry pushes, `ferry artifact push`,
 * listing the run's artifacts). It is bound to the job's current lease: it stops working the moment the
 * job completes, expires, or is claimed again by another runner. Only its sha256 is stored.
 */
export function createJobToken(store: Store, jobId: number, leaseToken: string): string {
  const token = `${JOB_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  store.sqlite.prepare("INSERT INTO job_tokens (hash, job_id, lease_token, created_at) VALUES (?, ?, ?, ?)").run(hashOf(token), jobId, leaseToken, new Date().toISOString());
  return token;
}

/** The in-progress job a token belongs to, or undefined (unknown token, job finished, lease lost). */
export function verifyJobToken(store: Store, token: string): JobTokenIdentity | undefined {
  if (!token.startsWith(JOB_TOKEN_PREFIX)) return undefined;
  const row = store.sqlite
    .prepare(`SELECT j.run_id AS runId, j.id AS jobId, j.job_id AS jobKey FROM job_tokens t JOIN jobs j ON j.id = t.job_id
      WHERE t.hash = ? AND j.status = 'in_progress' AND j.lease_token = t.lease_token`)
    .get(hashOf(token)) as JobTokenIdentity | undefined;
  return row;
}

/** Drops the tokens of jobs that are no longer running; they verify as nothing already, this keeps the table small. */
export function pruneJobTokens(store: Store): number {
  return store.sqlite.prepare("DELETE FROM job_tokens WHERE job_id IN (SELECT id FROM jobs WHERE status = 'completed')").run().changes;
}
