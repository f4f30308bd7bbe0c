import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { PromotionError } from "../../promotion/controller/index.js";
import type { PromotionController } from "../../promotion/controller/index.js";
import type { Store } from "../../store/index.js";
import { countFreight, getFreight, getPromotion, listFreight, listPromotions, listResources } from "../../store/index.js";
import { requireRole } from "../auth.js";
import { HttpError, badRequest, notFound } from "../errors.js";
import type { FreightRecord, PromotionRecord } from "../../store/index.js";
import type { Freight, Promotion, StageSpec, StageView } from "../api-types/index.js";

const promoteBody = z.object({ freight: z.string().min(1).max(100) });
const approveBody = z.object({ stage: z.string().min(1).max(63) });

function mapped(error: unknown): never {
  if (error instanceof PromotionError) {
    const status = { "not-found": 404, "not-eligible": 409, conflict: 409, forbidden: 403, input: 400 }[error.code];
    throw new HttpError(status, error.code, error.message);
  }
  throw error;
}

// The store keeps freight contents and promotion steps as JSON exactly as the controller wrote them;
// here they take the API's types (src/server/api-types), which the CLI and the dashboard read.
const apiFreight = (r: FreightRecord): Freight => ({ ...r, data: r.data as Freight["data"] });
const apiPromotion = (r: PromotionRecord): Promotion => ({ ...r, steps: r.steps as Promotion["steps"] });

/** Freight, stages and promotions: read them, promote, approve, abort. Every action is in the event log. */
export function registerPromotionRoutes(app: FastifyInstance, deps: { store: Store; controller: PromotionController }): void {
  const { store, controller } = deps;
  const view = { preHandler: requireRole(store, "viewer") };
  const operate = { preHandler: requireRole(store, "operator") };

  // Newest first; `limit` keeps the newest N (the dashboard's grid pages through freight that way).
  app.get<{ Querystring: { warehouse?: string; limit?: string } }>("/api/v1/freight", view, (req) => {
    const limit = req.query.limit === undefined ? undefined : Number(req.query.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw badRequest(`limit must be a positive integer, not "${req.query.limit}"`);
    const which = req.query.warehouse ? { warehouse: req.query.warehouse } : {};
    const items = listFreight(store, { ...which, ...(limit === undefined ? {} : { limit }) });
    return { items: items.map(apiFreight), total: limit === undefined ? items.length : countFreight(store, which) } satisfies { items: Freight[]; total: number };
  });
  app.get<{ Params: { name: string } }>("/api/v1/freight/:name", view, (req) => {
    const f = getFreight(store, req.params.name);
    if (!f) throw notFound(`no freight "${req.params.name}"`);
    return apiFreight(f);
  });
  app.get<{ Querystring: { stage?: string; limit?: string } }>("/api/v1/promotions", view, (req) => ({
    items: listPromotions(store, { ...(req.query.stage ? { stage: req.query.stage } : {}), ...(req.query.limit ? { limit: Number(req.query.limit) } : {}) }).map(apiPromotion),
  }) satisfies { items: Promotion[] });
  app.get<{ Params: { id: string } }>("/api/v1/promotions/:id", view, (req) => {
    const p = getPromotion(store, Number(req.params.id));
    if (!p) throw notFound(`no promotion ${req.params.id}`);
    return apiPromotion(p);
  });
  // Each stage with the freight it runs (its last successful promotion) and what is in flight.
  app.get("/api/v1/stages", view, async () => {
    const stages = await listResources(store, "Stage");
    return {
      items: stages.map((s) => {
        const promotions = listPromotions(store, { stage: s.metadata.name, limit: 50 });
        const current = promotions.find((p) => p.phase === "Succeeded");
        const last = promotions[0];
        return {
          // Applied Stages passed the Stage schema.
          name: s.metadata.name, spec: s.spec as StageSpec, currentFreight: current?.freight ?? null, currentPromotion: current?.id ?? null,
          verification: current?.verification ?? null, inFlight: promotions.filter((p) => p.phase === "Pending" || p.phase === "Running").map(apiPromotion),
          lastPromotion: last ? apiPromotion(last) : null,
          autoPromotion: controller.decision(s.metadata.name) ?? null,
        } satisfies StageView;
      }),
    };
  });

  app.post<{ Params: { stage: string } }>("/api/v1/stages/:stage/promote", operate, async (req) => {
    const body = promoteBody.safeParse(req.body);
    if (!body.success) throw badRequest("expected { freight: NAME_OR_ALIAS }", body.error.issues);
    return controller.promote(req.params.stage, body.data.freight, req.principal?.name ?? "unknown").catch(mapped);
  });
  app.post<{ Params: { freight: string } }>("/api/v1/freight/:freight/approve", operate, async (req) => {
    const body = approveBody.safeParse(req.body);
    if (!body.success) throw badRequest("expected { stage: NAME }", body.error.issues);
    const role = req.principal?.role;
    await controller.approve(req.params.freight, body.data.stage, req.principal?.name ?? "unknown", role === "approver" || role === "admin").catch(mapped);
    return { approved: true };
  });
  app.post<{ Params: { id: string } }>("/api/v1/promotions/:id/abort", operate, async (req) => controller.abort(Number(req.params.id), req.principal?.name ?? "unknown").catch(mapped));
}
