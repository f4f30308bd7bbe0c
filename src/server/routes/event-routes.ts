import type { FastifyInstance } from "fastify";
import type { Bus, BusEvent } from "../../ci/index.js";
import type { Store } from "../../store/index.js";
import { verifyToken } from "../../store/index.js";
import { requireRole } from "../auth.js";
import { cursor } from "./page-cursor.js";

type EventRow = { id: number; time: string; actor: string; action: string; kind: string; name: string; data: string };

/** What the stream and the list say about one event-log entry. */
const entryView = (r: EventRow): Record<string, unknown> => ({
  id: r.id, time: r.time, actor: r.actor, action: r.action, kind: r.kind, name: r.name, subject: `${r.kind}/${r.name}`, data: JSON.parse(r.data) as unknown,
});

/** A run or job status change, or a new commit, as a live event; nothing else of the bus is for browsers. */
export function busEventView(e: BusEvent): Record<string, unknown> | undefined {
  switch (e.type) {
    case "run-updated": return { action: "run.updated", subject: `WorkflowRun/${e.runId}`, runId: e.runId, status: e.status, conclusion: e.conclusion ?? null };
    case "job-updated": return { action: "job.updated", subject: `Job/${e.jobId}`, runId: e.runId, jobId: e.jobId, status: e.status, conclusion: e.conclusion ?? null };
    case "commit": return { action: "commit", subject: `Repository/${e.repo}`, ref: e.ref, sha: e.sha };
    case "job-log": {
      // Only step boundaries (the step list changes), never log text: that has its own stream per job.
      if (!e.line.includes('"type":"step-')) return undefined;
      const r = JSON.parse(e.line) as { type?: string; index?: number; step?: string; conclusion?: string };
      if (r.type !== "step-start" && r.type !== "step-end") return undefined;
      return { action: "step.updated", subject: `Job/${e.jobId}`, jobId: e.jobId, step: r.index ?? null, status: r.type === "step-start" ? "in_progress" : "completed", conclusion: r.conclusion ?? null };
    }
    default: return undefined;
  }
}

const HEARTBEAT_MS = 15_000;
const TAIL_MS = 300;
/** A client that cannot keep up this much is dropped; it reconnects and reloads. */
const MAX_BUFFERED = 1 << 20;

/**
 * Follows the event log for as long as someone listens: one poll of new rows (by id) for all
 * subscribers of this server, so entries appended by any process reach every stream.
 */
function createEventTail(store: Store): { subscribe(fn: (rows: EventRow[]) => void): () => void } {
  const subscribers = new Set<(rows: EventRow[]) => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let last = 0;
  const next = store.sqlite.prepare("SELECT id, time, actor, action, kind, name, data FROM events WHERE id > ? ORDER BY id LIMIT 500");
  const poll = (): void => {
    const rows = next.all(last) as EventRow[];
    if (rows.length === 0) return;
    last = rows[rows.length - 1]?.id ?? last;
    for (const s of [...subscribers]) s(rows);
  };
  return {
    subscribe(fn) {
      if (subscribers.size === 0) {
        last = (store.sqlite.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM events").get() as { id: number }).id;
        timer = setInterval(() => { try { poll(); } catch { /* the store is closing */ } }, TAIL_MS);
      }
      subscribers.add(fn);
      return () => {
        subscribers.delete(fn);
        if (subscribers.size === 0 && timer) clearInterval(timer);
      };
    },
  };
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

type ListQuery = { kind?: string; name?: string; subject?: string; actor?: string; action?: string; limit?: string; before?: string };

/**
 * The audit log: who did what to which object, and when; newest first, paged with `before`, filtered
 * by actor, action (a prefix: `promotion` matches `promotion.approve`) and subject (`Kind/name`).
 * And its live form, `GET /api/v1/events/stream` (SSE): each entry as it is appended, plus run, job
 * and step status changes and new commits; a comment line every 15 s keeps proxies from closing it.
 */
export function registerEventRoutes(app: FastifyInstance, deps: { store: Store; bus: Bus }): void {
  const { store, bus } = deps;
  const view = { preHandler: requireRole(store, "viewer") };
  const tail = createEventTail(store);
  // Open streams never end on their own: a stopping server ends them, or it would wait for browsers.
  const open = new Set<() => void>();
  app.addHook("preClose", (done) => {
    for (const close of [...open]) close();
    done();
  });

  app.get<{ Querystring: ListQuery }>("/api/v1/events", view, async (req) => {
    const q = req.query;
    const limit = Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), 1000);
    let kind = q.kind;
    let name = q.name;
    if (q.subject) {
      const slash = q.subject.indexOf("/");
      if (slash > 0) [kind, name] = [q.subject.slice(0, slash), q.subject.slice(slash + 1)];
      else name = q.subject;
    }
    let query = store.db.selectFrom("events").selectAll().orderBy("id", "desc").limit(limit);
    if (kind) query = query.where("kind", "=", kind);
    if (name) query = query.where("name", "=", name);
    if (q.actor) query = query.where("actor", "=", q.actor);
    if (q.action) {
      const a = q.action;
      query = query.where((eb) => eb.or([eb("action", "=", a), eb("action", "like", `${escapeLike(a.replace(/\.$/, ""))}.%`)]));
    }
    if (q.before !== undefined) query = query.where("id", "<", cursor(q.before));
    const rows = await query.execute();
    return { items: rows.map(entryView), next: rows.length === limit ? rows[rows.length - 1]?.id ?? null : null };
  });

  app.get("/api/v1/events/stream", view, async (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    let closed = false;
    let lastId = Number(req.headers["last-event-id"] ?? 0) || 0;
    const write = (text: string): void => {
      if (closed) return;
      res.write(text);
      if (res.writableLength > MAX_BUFFERED) close();
    };
    const sendRows = (rows: EventRow[]): void => {
      for (const r of rows) {
        if (r.id <= lastId) continue;
        lastId = r.id;
        write(`id: ${r.id}\ndata: ${JSON.stringify(entryView(r))}\n\n`);
      }
    };
    const offTail = tail.subscribe(sendRows);
    const offBus = bus.on((e) => {
      const v = busEventView(e);
      if (v) write(`data: ${JSON.stringify(v)}\n\n`);
    });
    // A stream outlives its request: each heartbeat checks the token again, so a revoked one stops hearing.
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const beat = setInterval(() => {
      if (verifyToken(store, token)) write(": ping\n\n");
      else close();
    }, HEARTBEAT_MS);
    function close(): void {
      if (closed) return;
      closed = true;
      offTail();
      offBus();
      clearInterval(beat);
      open.delete(close);
      res.end();
    }
    open.add(close);
    req.raw.on("close", close);
    res.on("error", close);
    write(": connected\n\n");
    // A reconnecting client (Last-Event-ID) first gets what it missed, up to a page.
    if (lastId > 0) {
      const missed = await store.db.selectFrom("events").selectAll().where("id", ">", lastId).orderBy("id").limit(500).execute();
      sendRows(missed);
    }
    return reply;
  });
}
