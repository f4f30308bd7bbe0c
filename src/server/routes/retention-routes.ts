import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { applyRetention, collectGarbage, keepLastN, keepReferenced, keepRepositoriesUnder } from "../../registry/index.js";
import type { Store } from "../../store/index.js";
import { appendEvent, listFreight, listResources } from "../../store/index.js";
import { requireRole } from "../auth.js";
import { badRequest } from "../errors.js";
import { referencedArtifacts } from "../retention/index.js";

const bodySchema = z.strictObject({
  keepLast: z.number().int().min(1).max(10_000).default(10),
  dryRun: z.boolean().default(false),
});

/**
 * `POST /api/v1/registry/retention { keepLast, dryRun }` (admin): deletes the tags of each registry repository
 * beyond the `keepLast` newest, except what freight pins or a running Service names (and the run-scoped
 * `ferry/runs/*` repositories, which expire on their own), then collects the garbage. A dry run only says
 * what would go.
 */
export function registerRetentionRoutes(app: FastifyInstance, deps: { store: Store; registryDir: string }): void {
  app.post("/api/v1/registry/retention", { preHandler: requireRole(deps.store, "admin") }, async (req) => {
    const body = bodySchema.safeParse(req.body ?? {});
    if (!body.success) throw badRequest("expected { keepLast?: 1..10000, dryRun?: boolean }", body.error.issues);
    const { keepLast, dryRun } = body.data;
    const refs = referencedArtifacts(listFreight(deps.store), await listResources(deps.store, "Application"));
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
