import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Store } from "../../store/index.js";
import { appendEvent } from "../../store/index.js";
import { deleteSecret, listSecretNames, listVariables, setSecret, setVariable } from "../../store/index.js";
import type { SecretBox } from "../../store/index.js";
import { getResource } from "../../store/index.js";
import { requireRole } from "../auth.js";
import { badRequest, notFound } from "../errors.js";

const valueBody = z.object({ value: z.string() });

/** Secrets (write-only: values never come back) and variables per repository. */
export function registerSecretRoutes(app: FastifyInstance, deps: { store: Store; box: SecretBox }): void {
  const { store, box } = deps;
  const admin = { preHandler: requireRole(store, "admin") };
  const view = { preHandler: requireRole(store, "viewer") };
  const repoMustExist = async (name: string): Promise<void> => {
    if (!(await getResource(store, "Repository", name))) throw notFound(`no repository "${name}"`);
  };

  app.put<{ Params: { repo: string; name: string } }>("/api/v1/repositories/:repo/secrets/:name", admin, async (req) => {
    await repoMustExist(req.params.repo);
    const body = valueBody.safeParse(req.body);
    if (!body.success) throw badRequest("expected { value }");
    setSecret(store, box, req.params.repo, req.params.name, body.data.value);
    await appendEvent(store, { actor: req.principal?.name ?? "unknown", action: "secret.set", kind: "Repository", name: req.params.repo, data: { secret: req.params.name } });
    return { name: req.params.name };
  });
  app.get<{ Params: { repo: string } }>("/api/v1/repositories/:repo/secrets", view, async (req) => {
    await repoMustExist(req.params.repo);
    return { items: listSecretNames(store, req.params.repo) };
  });
  app.delete<{ Params: { repo: string; name: string } }>("/api/v1/repositories/:repo/secrets/:name", admin, async (req) => {
    if (!deleteSecret(store, req.params.repo, req.params.name)) throw notFound(`no secret "${req.params.name}"`);
    await appendEvent(store, { actor: req.principal?.name ?? "unknown", action: "secret.deleted", kind: "Repository", name: req.params.repo, data: { secret: req.params.name } });
    return { deleted: true };
  });
  app.put<{ Params: { repo: string; name: string } }>("/api/v1/repositories/:repo/variables/:name", admin, async (req) => {
    await repoMustExist(req.params.repo);
    const body = valueBody.safeParse(req.body);
    if (!body.success) throw badRequest("expected { value }");
    setVariable(store, req.params.repo, req.params.name, body.data.value);
    return { name: req.params.name };
  });
  app.get<{ Params: { repo: string } }>("/api/v1/repositories/:repo/variables", view, (req) => ({ items: listVariables(store, req.params.repo) }));
}
