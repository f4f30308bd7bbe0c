import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { queueRun } from "../../ci/index.js";
import type { CreateRunDeps } from "../../ci/index.js";
import { getResource } from "../../store/index.js";
import { requireRole } from "../auth.js";
import { badRequest, notFound } from "../errors.js";

const dispatchBody = z.object({ ref: z.string().min(1).max(250), inputs: z.record(z.string(), z.string()).optional() });

/** workflow_dispatch: POST /api/v1/repositories/:repo/workflows/:workflow/dispatches { ref, inputs }. */
export function registerDispatchRoutes(app: FastifyInstance, deps: CreateRunDeps): void {
  app.post<{ Params: { repo: string; workflow: string } }>("/api/v1/repositories/:repo/workflows/:workflow/dispatches", { preHandler: requireRole(deps.store, "operator") }, async (req, reply) => {
    const body = dispatchBody.safeParse(req.body);
    if (!body.success) throw badRequest("expected { ref, inputs? }", body.error.issues);
    const repo = await getResource(deps.store, "Repository", req.params.repo);
    if (!repo) throw notFound(`no repository "${req.params.repo}"`);
    const runId = await queueRun(deps, {
      repo: req.params.repo, url: String(repo.spec.url), workflow: req.params.workflow, ref: body.data.ref, event: "workflow_dispatch",
      inputs: body.data.inputs ?? {}, actor: req.principal?.name ?? "unknown",
    });
    return reply.code(201).send({ runId });
  });
}
