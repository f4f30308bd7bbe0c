import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Store, StoredResource } from "../../store/index.js";
import {
  appendEvent, completeAppOperation, getAppSync, getResource, listAppSyncs, listResources, newAppSyncSchema, pendingAppOperations,
  recordAppSync, requestAppOperation, setResourceStatus,
} from "../../store/index.js";
import { requireRole } from "../auth.js";
import { badRequest, conflict, notFound } from "../errors.js";
import type { DeliveryFeed } from "../delivery/delivery-feed.js";
import type { ApplicationList, ApplicationSummary, HealthStatus, SyncStatus } from "../api-types/index.js";

const statusBody = z.object({ agent: z.string().min(1).max(63), status: z.record(z.string(), z.unknown()) });
const syncBody = newAppSyncSchema.extend({ agent: z.string().min(1).max(63) });
const completeBody = z.object({ result: z.string().max(2000) });
const rollbackBody = z.object({ id: z.number().int().positive().optional() }).default({});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw badRequest("the request body is not valid", r.error.issues);
  return r.data;
}

const agentOf = (app: StoredResource): string => ((app.spec.destination as { agent?: string } | undefined)?.agent ?? "local");

const AGENT_SQL = "coalesce(json_extract(spec, '$.destination.agent'), 'local')";
const listQuery = z.object({
  agent: z.string().min(1).max(63).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(400).optional(),
});

/** A page ends after (agent, name); the cursor is that pair, opaque to clients. */
const encodeCursor = (agent: string, name: string): string => Buffer.from(JSON.stringify([agent, name])).toString("base64url");
function decodeCursor(cursor: string): [string, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") return [v[0], v[1]];
  } catch {
    // falls through to the error below
  }
  throw badRequest("cursor is not one this server handed out; start again without it");
}

/** The sync and health states of a reported status, and the revision that runs. */
function statesOf(status: unknown): { sync: string; health: string; revision: string | null } {
  const s = (status ?? {}) as ReportedStatus;
  return { sync: s.sync?.status ?? "Unknown", health: s.health?.status ?? "Unknown", revision: s.sync?.appliedRevision ?? null };
}

type ListRow = { name: string; agent: string; spec: string; status: string | null; updated_at: string };
type ReportedStatus = {
  sync?: { status?: SyncStatus; revision?: string | null; appliedRevision?: string | null; message?: string };
  health?: { status?: HealthStatus; message?: string };
  services?: Array<{ name?: string; health?: HealthStatus; version?: string; replicas?: unknown[] }>;
  lastSync?: { result?: string; revision?: string; finishedAt?: string };
  reportedAt?: string;
};

/** The named fields that are set (JSON leaves undefined ones out anyway). */
function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** One row of the Applications list: what the agent last reported, without the bulk (replicas, the diff). */
function summarize(r: ListRow): ApplicationSummary {
  const spec = JSON.parse(r.spec) as { source?: ApplicationSummary["source"]; destination?: { runtime?: string } };
  const status = (r.status ? JSON.parse(r.status) : {}) as ReportedStatus;
  return {
    name: r.name, agent: r.agent, runtime: spec.destination?.runtime ?? "process", source: spec.source ?? null,
    sync: { status: status.sync?.status ?? "Unknown", revision: status.sync?.revision ?? null, appliedRevision: status.sync?.appliedRevision ?? null, ...(status.sync?.message ? { message: status.sync.message } : {}) },
    health: { status: status.health?.status ?? "Unknown", message: status.health?.message ?? "" },
    services: (status.services ?? []).map((v) => ({ name: v.name ?? "", health: v.health ?? "Unknown", replicas: Array.isArray(v.replicas) ? v.replicas.length : 0 })),
    lastSync: status.lastSync ? pick(status.lastSync, ["result", "revision", "finishedAt"]) : null,
    reportedAt: status.reportedAt ?? null,
  };
}

/**
 * GitOps delivery on the server: agents long-poll for their Applications, new commits and operations, and
 * report status and syncs back; people ask for a sync or a rollback and read the history. The server never
 * reaches into an environment: it only answers agents.
 */
export function registerDeliveryRoutes(app: FastifyInstance, deps: { store: Store; feed: DeliveryFeed }): void {
  const { store, feed } = deps;
  const view = { preHandler: requireRole(store, "viewer") };
  const operate = { preHandler: requireRole(store, "operator") };
  const agentOnly = { preHandler: requireRole(store, "agent") };

  const application = async (name: string): Promise<StoredResource> => {
    const r = await getResource(store, "Application", name);
    if (!r) throw notFound(`Application "${name}" not found`);
    return r;
  };

  app.get<{ Params: { agent: string }; Querystring: { cursor?: string; waitMs?: string } }>("/api/v1/agents/:agent/watch", agentOnly, async (req, reply) => {
    const waitMs = Math.min(Math.max(Number(req.query.waitMs ?? 25_000) || 0, 0), 60_000);
    const abort = new AbortController();
    req.raw.once("close", () => abort.abort());
    let events = feed.since(req.query.cursor);
    if (events !== undefined && events.length === 0 && waitMs > 0) {
      await feed.wait(waitMs, abort.signal);
      events = feed.since(req.query.cursor);
    }
    if (reply.raw.destroyed) return reply;
    const mine = (await listResources(store, "Application")).filter((a) => agentOf(a) === req.params.agent);
    return {
      cursor: feed.cursor(),
      full: events === undefined,
      applications: mine.map((a) => ({ name: a.metadata.name, generation: a.metadata.generation, spec: a.spec })),
      commits: (events ?? []).flatMap((e) => (e.type === "commit" ? [{ url: e.url, sha: e.sha, ref: e.ref }] : [])),
      operations: pendingAppOperations(store, mine.map((a) => a.metadata.name)),
    };
  });

  app.put<{ Params: { name: string } }>("/api/v1/applications/:name/status", agentOnly, async (req) => {
    const body = parse(statusBody, req.body);
    const a = await application(req.params.name);
    if (agentOf(a) !== body.agent) throw conflict(`Application "${req.params.name}" is delivered by agent "${agentOf(a)}", not "${body.agent}"`);
    await setResourceStatus(store, "Application", req.params.name, { ...body.status, agent: body.agent, reportedAt: new Date().toISOString() });
    // A change of sync or health state, or of the revision running, goes in the event log (so the dashboard
    // hears of it); other reports (a replica's message, a probe) do not.
    const before = statesOf(a.status);
    const after = statesOf(body.status);
    if (before.sync !== after.sync || before.health !== after.health || before.revision !== after.revision) {
      await appendEvent(store, { actor: `agent/${body.agent}`, action: "application.status-changed", kind: "Application", name: req.params.name, data: { from: before, to: after } });
    }
    return { ok: true };
  });

  app.post<{ Params: { name: string } }>("/api/v1/applications/:name/syncs", agentOnly, async (req) => {
    const body = parse(syncBody, req.body);
    await application(req.params.name);
    const { agent, ...sync } = body;
    const recorded = recordAppSync(store, req.params.name, agent, sync);
    await appendEvent(store, {
      actor: sync.actor, action: `application.sync.${sync.result.toLowerCase()}`, kind: "Application", name: req.params.name,
      data: { revision: sync.revision, trigger: sync.trigger, agent, syncId: recorded.id, ...(sync.message ? { message: sync.message } : {}) },
    });
    return recorded;
  });

  app.post<{ Params: { name: string; id: string } }>("/api/v1/applications/:name/operations/:id/complete", agentOnly, (req) => {
    const body = parse(completeBody, req.body);
    return { completed: completeAppOperation(store, req.params.name, Number(req.params.id), body.result) };
  });

  // Applications by environment (the destination agent), then name; a page at a time, with totals per environment.
  app.get<{ Querystring: Record<string, string> }>("/api/v1/applications", view, (req) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) throw badRequest("expected ?agent=NAME&limit=1..500&cursor=CURSOR", q.error.issues);
    const { agent, limit, cursor } = q.data;
    const where = ["kind = 'Application'"];
    const args: string[] = [];
    if (agent !== undefined) {
      where.push(`${AGENT_SQL} = ?`);
      args.push(agent);
    }
    if (cursor !== undefined) {
      where.push(`(${AGENT_SQL}, name) > (?, ?)`);
      args.push(...decodeCursor(cursor));
    }
    const rows = store.sqlite.prepare(`SELECT name, ${AGENT_SQL} AS agent, spec, status, updated_at FROM resources WHERE ${where.join(" AND ")} ORDER BY agent, name LIMIT ?`)
      .all(...args, limit + 1) as ListRow[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const environments = store.sqlite.prepare(`SELECT ${AGENT_SQL} AS agent, count(*) AS total,
        sum(coalesce(json_extract(status, '$.sync.status'), 'Unknown') = 'Synced') AS synced,
        sum(coalesce(json_extract(status, '$.health.status'), 'Unknown') = 'Healthy') AS healthy
      FROM resources WHERE kind = 'Application' GROUP BY agent ORDER BY agent`).all() as Array<{ agent: string; total: number; synced: number; healthy: number }>;
    return { items: page.map(summarize), next: rows.length > limit && last ? encodeCursor(last.agent, last.name) : null, environments } satisfies ApplicationList;
  });

  app.get<{ Params: { name: string }; Querystring: { limit?: string } }>("/api/v1/applications/:name/history", view, async (req) => {
    await application(req.params.name);
    return { items: listAppSyncs(store, req.params.name, Math.min(Number(req.query.limit ?? 100) || 100, 1000)) };
  });

  app.post<{ Params: { name: string } }>("/api/v1/applications/:name/sync", operate, async (req) => {
    await application(req.params.name);
    const actor = req.principal?.name ?? "unknown";
    const op = requestAppOperation(store, { app: req.params.name, type: "sync", actor });
    await appendEvent(store, { actor, action: "application.sync-requested", kind: "Application", name: req.params.name, data: { operation: op.id } });
    feed.publish({ type: "operation", app: req.params.name });
    return op;
  });

  app.post<{ Params: { name: string } }>("/api/v1/applications/:name/rollback", operate, async (req) => {
    const body = parse(rollbackBody, req.body ?? {});
    const a = await application(req.params.name);
    const current = (a.status as { sync?: { revision?: string } } | undefined)?.sync?.revision;
    const target = body.id !== undefined
      ? getAppSync(store, req.params.name, body.id)
      : listAppSyncs(store, req.params.name, 1000).find((s) => s.result === "Succeeded" && s.revision !== current);
    if (!target) throw notFound(body.id !== undefined ? `no sync ${body.id} of Application "${req.params.name}"` : `Application "${req.params.name}" has no earlier successful sync to roll back to`);
    const actor = req.principal?.name ?? "unknown";
    const op = requestAppOperation(store, { app: req.params.name, type: "rollback", revision: target.revision, actor });
    await appendEvent(store, { actor, action: "application.rollback-requested", kind: "Application", name: req.params.name, data: { operation: op.id, revision: target.revision, syncId: target.id } });
    feed.publish({ type: "operation", app: req.params.name });
    return op;
  });
}
