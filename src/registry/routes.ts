import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { deleteBlob, getBlob } from "./blob-routes.js";
import { RegistryError } from "./errors.js";
import { listReferrers, listTags } from "./listing-routes.js";
import { deleteManifest, getManifest, putManifest } from "./manifest-routes.js";
import { createRegistryContext } from "./registry-context.js";
import type { RegistryContext } from "./registry-context.js";
import { parseRegistryUrl } from "./request-path.js";
import type { RegistryPath } from "./request-path.js";
import { sendJson } from "./send-json.js";
import type { RegistryRouteDeps } from "./types.js";
import { handleUpload, postUpload } from "./upload-routes.js";
import { BlobCorruptError } from "./verifying-stream.js";

const API_VERSION = "registry/2.0";
const METHODS = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"] as const;
/** Headers a handler may have set for content it then failed to send. */
const CONTENT_HEADERS = ["cache-control", "etag", "docker-content-digest", "accept-ranges", "content-range", "content-length"] as const;

const unsupported = (req: FastifyRequest): RegistryError =>
  new RegistryError("UNSUPPORTED", `${req.method} is not supported here`, { status: 405 });

/** Routes one request to its endpoint's handler, by the path's kind and the method. */
async function dispatch(ctx: RegistryContext, req: FastifyRequest, reply: FastifyReply, path: RegistryPath, query: URLSearchParams): Promise<FastifyReply> {
  const method = req.method;
  const read = method === "GET" || method === "HEAD";
  switch (path.kind) {
    case "base":
      if (!read) throw unsupported(req);
      await ctx.allow(req, "pull", "");
      return sendJson(reply, 200, {});
    case "blob":
      if (read) return getBlob(ctx, req, reply, path.name, path.digest);
      if (method === "DELETE") return deleteBlob(ctx, req, reply, path.name, path.digest);
      throw unsupported(req);
    case "uploads":
      if (method === "POST") return postUpload(ctx, req, reply, path.name, query);
      throw unsupported(req);
    case "upload":
      return handleUpload(ctx, req, reply, path.name, path.id, query);
    case "manifest":
      if (read) return getManifest(ctx, req, reply, path.name, path.reference);
      if (method === "PUT") return putManifest(ctx, req, reply, path.name, path.reference);
      if (method === "DELETE") return deleteManifest(ctx, req, reply, path.name, path.reference);
      throw unsupported(req);
    case "tags":
      if (method === "GET") return listTags(ctx, req, reply, path.name, query);
      throw unsupported(req);
    case "referrers":
      if (method === "GET") return listReferrers(ctx, req, reply, path.name, path.digest, query);
      throw unsupported(req);
  }
}

/** The spec's error body for anything a handler throws; internals of unexpected errors stay in the log. */
function sendError(error: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  for (const header of CONTENT_HEADERS) reply.removeHeader(header);
  if (error instanceof RegistryError) {
    return sendJson(reply.headers(error.headers), error.status, { errors: error.errors });
  }
  const status = (error as Partial<FastifyError>).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const code = status === 413 ? "SIZE_INVALID" : "UNSUPPORTED";
    return sendJson(reply, status, { errors: [{ code, message: (error as Error).message }] });
  }
  const message = error instanceof BlobCorruptError ? `stored content of ${error.digest} is corrupt` : "internal error";
  req.log.error({ err: error, url: req.url }, "registry request failed");
  return sendJson(reply, 500, { errors: [{ code: "UNKNOWN", message }] });
}

/**
 * Registers the OCI Distribution API (v1.1) at `/v2/` in its own encapsulated scope: its own error handler,
 * and one content-type parser that leaves every body unread, so blob bodies stream to disk and manifests are
 * read with their own size limit.
 */
export function registerRegistryRoutes(app: FastifyInstance, deps: RegistryRouteDeps): void {
  const ctx = createRegistryContext(deps);
  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_req, _payload, next) => next(null));
    scope.setErrorHandler((error, req, reply) => sendError(error, req, reply));
    scope.addHook("onRequest", (_req, reply, next) => {
      void reply.header("docker-distribution-api-version", API_VERSION);
      next();
    });
    const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const parsed = parseRegistryUrl(req.raw.url ?? "");
      if (parsed === undefined) throw new RegistryError("NAME_UNKNOWN", `no registry endpoint at ${req.url}`, { status: 404 });
      return dispatch(ctx, req, reply, parsed.path, parsed.query);
    };
    scope.route({ method: [...METHODS], url: "/v2", handler, exposeHeadRoute: false });
    scope.route({ method: [...METHODS], url: "/v2/*", handler, exposeHeadRoute: false });
    done();
  });
}
