import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { allJsonSchemas, jsonSchemaFor, loadResources, lookupKind } from "../../resources/index.js";
import type { ResourceProblem } from "../../resources/index.js";
import type { Store } from "../../store/index.js";
import { appendEvent } from "../../store/index.js";
import { applyResources, deleteResource, getResource, listResources } from "../../store/index.js";
import { requireRole } from "../auth.js";
import { badRequest, notFound } from "../errors.js";

const applyBody = z.object({ documents: z.array(z.object({ file: z.string().max(1000), text: z.string().max(4 << 20) })).min(1).max(1000) });

/** Declarative resources: apply (all or nothing), get, list, delete. */
export function registerResourceRoutes(app: FastifyInstance, deps: { store: Store; onApplied(kind: string, name: string): void; onDeleted?(kind: string, name: string): void }): void {
  const { store } = deps;
  const view = { preHandler: requireRole(store, "viewer") };
  const operate = { preHandler: requireRole(store, "operator") };

  const kindOf = (name: string): string => {
    const k = lookupKind(name);
    if (!k) throw notFound(`no kind "${name}"`);
    return k.kind;
  };

  app.post("/api/v1/apply", operate, async (req) => {
    const parsed = applyBody.safeParse(req.body);
    if (!parsed.success) throw badRequest("expected { documents: [{ file, text }] }", parsed.error.issues);
    const problems: ResourceProblem[] = [];
    const items: Array<{ kind: string; name: string; metadata: Record<string, unknown>; spec: Record<string, unknown> }> = [];
    for (const doc of parsed.data.documents) {
      const r = loadResources(doc.text, doc.file);
      if (!r.ok) problems.push(...r.errors);
      else for (const res of r.resources) {
        const { name, ...metadata } = res.metadata as { name: string } & Record<string, unknown>;
        items.push({ kind: res.kind, name, metadata, spec: res.spec as Record<string, unknown> });
      }
    }
    if (problems.length > 0) throw badRequest(`${problems.length} problem${problems.length > 1 ? "s" : ""}; nothing was applied`, problems);
    const seen = new Set<string>();
    for (const i of items) {
      const key = `${i.kind}/${i.name}`;
      if (seen.has(key)) throw badRequest(`${key} is defined more than once; nothing was applied`);
      seen.add(key);
    }
    const results = applyResources(store, items);
    for (const r of results) {
      if (r.outcome === "unchanged") continue;
      await appendEvent(store, { actor: req.principal?.name ?? "unknown", action: `resource.${r.outcome}`, kind: r.kind, name: r.name, data: { generation: r.generation } });
      deps.onApplied(r.kind, r.name);
    }
    return { results };
  });

  // The JSON Schema of each kind, for editors and the dashboard; generated from the zod schemas.
  app.get("/api/v1/schemas", view, () => allJsonSchemas());
  app.get<{ Params: { kind: string } }>("/api/v1/schemas/:kind", view, (req) => {
    const schema = jsonSchemaFor(req.params.kind);
    if (!schema) throw notFound(`no kind "${req.params.kind}"`);
    return schema;
  });

  app.get<{ Params: { kind: string } }>("/api/v1/resources/:kind", view, async (req) => ({ items: await listResources(store, kindOf(req.params.kind)) }));

  app.get<{ Params: { kind: string; name: string } }>("/api/v1/resources/:kind/:name", view, async (req) => {
    const kind = kindOf(req.params.kind);
    const r = await getResource(store, kind, req.params.name);
    if (!r) throw notFound(`${kind} "${req.params.name}" not found`);
    return r;
  });

  app.delete<{ Params: { kind: string; name: string } }>("/api/v1/resources/:kind/:name", operate, async (req) => {
    const kind = kindOf(req.params.kind);
    if (!(await deleteResource(store, kind, req.params.name))) throw notFound(`${kind} "${req.params.name}" not found`);
    await appendEvent(store, { actor: req.principal?.name ?? "unknown", action: "resource.deleted", kind, name: req.params.name });
    deps.onDeleted?.(kind, req.params.name);
    return { deleted: true };
  });
}
