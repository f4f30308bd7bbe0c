import type { FastifyInstance } from "fastify";
import type { Store } from "../../store/index.js";
import { requireRole } from "../auth.js";

/** `GET /api/v1/whoami`: the name and role of the presented token (what the dashboard may offer). */
export function registerWhoamiRoutes(app: FastifyInstance, deps: { store: Store }): void {
  app.get("/api/v1/whoami", { preHandler: requireRole(deps.store, "viewer") }, (req) => ({
    name: req.principal?.name ?? "unknown", role: req.principal?.role ?? "viewer",
  }));
}
