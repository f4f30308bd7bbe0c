import type { FastifyInstance } from "fastify";
import type { Store } from "../../store/index.js";
import { claimJob, completeJob, createJobToken, getJob, pruneJobTokens, recordStep, renewLease } from "../../store/index.js";
import { secretValues } from "../../store/index.js";
import type { SecretBox } from "../../store/index.js";
import { jobPayloadSchema } from "../../ci/index.js";
import type { Bus } from "../../ci/index.js";
import type { Scheduler } from "../../ci/index.js";
import { claimRequest, completeRequest, eventsRequest, heartbeatRequest } from "../api/runner-api.js";
import type { ClaimResponse } from "../api/runner-api.js";
import { requireRole } from "../auth.js";
import { badRequest, notFound } from "../errors.js";
import type { createLogFiles } from "../log-files.js";

export type RunnerRoutesDeps = {
  store: Store; bus: Bus; scheduler: Scheduler; box: SecretBox; logs: ReturnType<typeof createLogFiles>;
  leaseMs: number; publicUrl: () => string;
};

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } } }, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw badRequest("the request body is not valid", r.error.issues);
  return r.data;
}

/** The runner protocol: claim (long-poll), heartbeat, events (logs and steps), complete. */
export function registerRunnerRoutes(app: FastifyInstance, deps: RunnerRoutesDeps): void {
  const { store, bus, logs } = deps;
  const auth = { preHandler: requireRole(store, "runner") };

  app.post("/api/v1/runner/claim", auth, async (req, reply): Promise<ClaimResponse> => {
    const body = parse(claimRequest, req.body);
    store.sqlite.prepare(`INSERT INTO runners (id, name, labels, capacity, last_seen) VALUES (?, ?, ?, 1, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, labels = excluded.labels, last_seen = excluded.last_seen`)
      .run(body.runnerId, body.name, JSON.stringify(body.labels), Date.now());
    const deadline = Date.now() + (body.waitMs ?? 25_000);
    // A runner that hung up must not be given a job nobody would run.
    const gone = (): boolean => req.socket.destroyed || reply.raw.destroyed;
    for (;;) {
      if (gone()) return { job: null };
      const claim = claimJob(store, { id: body.runnerId, labels: body.labels }, deps.leaseMs);
      if (claim) {
        const payload = jobPayloadSchema.parse(JSON.parse(claim.job.payload));
        const run = store.sqlite.prepare("SELECT repo FROM runs WHERE id = ?").get(claim.job.run_id) as { repo: string };
        const names = payload.secretNames.includes("*") ? "*" : payload.secretNames;
        const secrets = secretValues(store, deps.box, run.repo, names);
        bus.emit({ type: "job-updated", runId: claim.job.run_id, jobId: claim.job.id, status: "in_progress" });
        bus.emit({ type: "run-updated", runId: claim.job.run_id, status: "in_progress" });
        return {
          job: {
            id: claim.job.id, leaseToken: claim.leaseToken, leaseExpiresAt: claim.leaseExpiresAt, leaseMs: deps.leaseMs, payload, secrets,
            gitUrl: `${deps.publicUrl()}/git/${encodeURIComponent(run.repo)}`,
            jobToken: createJobToken(store, claim.job.id, claim.leaseToken),
          },
        };
      }
      const left = deadline - Date.now();
      if (left <= 0) return { job: null };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const off = bus.on((e) => { if (e.type === "jobs-queued") done(); });
        req.socket.once("close", done);
        function done(): void {
          clearTimeout(timer);
          off();
          req.socket.off("close", done);
          resolve();
        }
      });
    }
  });

  app.post<{ Params: { id: string } }>("/api/v1/runner/jobs/:id/heartbeat", auth, (req) => {
    const body = parse(heartbeatRequest, req.body);
    return renewLease(store, Number(req.params.id), body.leaseToken, deps.leaseMs);
  });

  app.post<{ Params: { id: string } }>("/api/v1/runner/jobs/:id/events", auth, async (req) => {
    const body = parse(eventsRequest, req.body);
    const jobId = Number(req.params.id);
    const job = await getJob(store, jobId);
    if (!job) throw notFound(`no job ${jobId}`);
    // Only the lease holder may write; this also renews nothing (heartbeats do).
    renewLease(store, jobId, body.leaseToken, Math.max(0, (job.lease_expires_at ?? 0) - Date.now()));
    const fresh = logs.append(jobId, body.records);
    for (const r of fresh) {
      if (r.type === "step-start" || r.type === "step-end") {
        recordStep(store, jobId, {
          number: Number(r.index), name: String(r.step), status: r.type === "step-start" ? "in_progress" : "completed",
          conclusion: r.type === "step-end" ? String(r.conclusion) : null, time: r.time,
        });
      }
      bus.emit({ type: "job-log", jobId, seq: r.seq, line: JSON.stringify(r) });
    }
    return { lastSeq: logs.lastSeq(jobId) };
  });

  app.post<{ Params: { id: string } }>("/api/v1/runner/jobs/:id/complete", auth, async (req) => {
    const body = parse(completeRequest, req.body);
    const job = completeJob(store, Number(req.params.id), body.leaseToken, { conclusion: body.conclusion, outputs: body.outputs, reason: body.reason });
    bus.emit({ type: "job-updated", runId: job.run_id, jobId: job.id, status: "completed", conclusion: body.conclusion });
    pruneJobTokens(store);
    await deps.scheduler.advance(job.run_id);
    return { ok: true };
  });
}
