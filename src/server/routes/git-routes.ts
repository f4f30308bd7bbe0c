import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { existsSync } from "node:fs";
import { handleGitHttp } from "../../git/http-backend.js";
import type { Mirrors } from "../../git/mirror.js";
import type { Store } from "../../store/index.js";
import { requireRole } from "../auth.js";
import { notFound } from "../errors.js";

/** Read-only Git over HTTP from the mirrors, for runners' checkouts. */
export function registerGitRoutes(app: FastifyInstance, deps: { store: Store; mirrors: Mirrors }): void {
  app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_req, _payload, next) => next(null));
    const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const params = req.params as { name: string; "*": string };
      const dir = deps.mirrors.pathFor(params.name);
      if (!existsSync(dir)) throw notFound(`no mirror for "${params.name}"`);
      const url = req.raw.url ?? "";
      const res = await handleGitHttp({
        repoDir: dir, pathInfo: `/${params["*"]}`, method: req.method, query: url.includes("?") ? url.slice(url.indexOf("?") + 1) : "",
        contentType: req.headers["content-type"], contentEncoding: req.headers["content-encoding"],
        gitProtocol: typeof req.headers["git-protocol"] === "string" ? req.headers["git-protocol"] : undefined, body: req.raw,
      });
      reply.code(res.status).headers(res.headers);
      return reply.send(res.body);
    };
    const auth = { preHandler: requireRole(deps.store, "runner") };
    scope.get("/git/:name/*", auth, handler);
    scope.post("/git/:name/*", auth, handler);
    done();
  });
}
