import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { applyRetention, collectGarbage, keepLastN, keepReferenced, keepRepositoriesUnder } from "../../registry/index.js";
import type { Store } from "../../store/index.js";
import { appendEvent, listFreight, listPromotions, listResources } from "../../store/index.js";
import { requireRole } from "../auth.js";
import { badRequest } from "../errors.js";
import { referencedArtifacts } from "../retention/index.js";

const bodySchema = z.strictObject({
  keepLast: z.number().int().min(1).max(10_000).default(10),
  dryRun: z.boolean().default(false),
});

/**
 * The freight whose versions retention keeps: what some stage runs or is being promoted to, and the
 * newest `newest` of each warehouse (candidates for the next promotion). Older freight no stage runs does
 * not hold its versions forever.
 */
async function freightInUse(store: Store, newest: number): Promise<Array<{ name: string; data: unknown }>> {
  const names = new Set<string>();
  for (const stage of (await listResources(store, "Stage")).map((r) => r.metadata.name)) {
    const promotions = listPromotions(store, { stage, limit: 1000 });
    const current = promotions.find((p) => p.phase === "Succeeded");
    if (current) names.add(current.freight);
    for (const p of promotions) if (p.phase === "Pending" || p.phase === "Running") names.add(p.freight);
  }
  const all = listFreight(store);
  const perWarehouse = new Map<string, number>();
  return all.filter((f) => {
    const seen = perWarehouse.get(f.warehouse) ?? 0;
    perWarehouse.set(f.warehouse, seen + 1);
    return seen < newest || names.has(f.name);
  });
}

/**
 * `POST /api/v1/registry/retention { keepLast, dryRun }` (admin): deletes the tags of each registry repository
 * beyond the `keepLast` newest, except the versions of freight in use (see `freightInUse`) and what a
 * running Service names (and the run-scoped
 * `ferry/runs/*` repositories, which expire on their own), then collects the garbage. A dry run only says
 * what would go.
 */
export function registerRetentionRoutes(app: FastifyInstance, deps: { store: Store; registryDir: string }): void {
  app.post("/api/v1/registry/retention", { preHandler: requireRole(deps.store, "admin") }, async (req) => {
    const body = bodySchema.safeParse(req.body ?? {});
    if (!body.success) throw badRequest("expected { keepLast?: 1..10000, dryRun?: boolean }", body.error.issues);
    const { keepLast, dryRun } = body.data;
    const refs = referencedArtifacts(await freightInUse(deps.store, keepLast), await listResources(deps.store, "Application"));
    const rules = [keepRepositoriesUnder("ferry/runs/"), keepReferenced(refs), keepLastN(keepLast)];
    const result = await applyRetention(deps.registryDir, rules, { dryRun });
    const gc = dryRun ? undefined : await collectGarbage(deps.registryDir);
    if (!dryRun && result.tags.length > 0) {
      await appendEvent(deps.store, {
        actor: req.principal?.name ?? "unknown", action: "registry.retention", kind: "Registry", name: "registry",
        data: { keepLast, tags: result.tags.map((t) => `${t.repository}:${t.tag}`), bytes: gc?.bytes ?? 0 },
      });
    }
    return {
      dryRun, keepLast, deleted: result.tags, manifests: result.manifests.length, problems: result.problems,
      ...(gc ? { reclaimed: { blobs: gc.blobs.length, bytes: gc.bytes } } : {}),
    };
  });
}
