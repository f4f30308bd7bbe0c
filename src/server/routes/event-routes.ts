import type { FastifyInstance } from "fastify";
import type { Store } from "../../store/index.js";
import { listEvents } from "../../store/index.js";
import { requireRole } from "../auth.js";

/** The audit log: who did what to which object, and when; newest first, paged with `before`. */
export function registerEventRoutes(app: FastifyInstance, deps: { store: Store }): void {
  app.get<{ Querystring: { kind?: string; name?: string; limit?: string; before?: string } }>("/api/v1/events", { preHandler: requireRole(deps.store, "viewer") }, async (req) => {
    const q = req.query;
    const items = await listEvents(deps.store, {
      ...(q.kind ? { kind: q.kind } : {}), ...(q.name ? { name: q.name } : {}),
      limit: Math.min(Number(q.limit ?? 100) || 100, 1000), ...(q.before ? { before: Number(q.before) } : {}),
    });
    return { items, next: items.length ? items[items.length - 1]?.id : null };
  });
}
