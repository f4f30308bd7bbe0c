import type { FastifyReply, FastifyRequest } from "fastify";
import { UploadRangeError } from "./blob-store.js";
import { parseDigest } from "./digest.js";
import { RegistryError } from "./errors.js";
import { parseContentRange, uploadRange } from "./http-range.js";
import { checkRepositoryName, isRepositoryName } from "./names.js";
import { contentLength } from "./read-body.js";
import type { RegistryContext } from "./registry-context.js";

const blobLocation = (name: string, digest: string): string => `/v2/${name}/blobs/${digest}`;
const uploadLocation = (name: string, id: string): string => `/v2/${name}/blobs/uploads/${id}`;

const hasBody = (req: FastifyRequest): boolean =>
  req.headers["transfer-encoding"] !== undefined || (contentLength(req.headers["content-length"]) ?? 0) > 0;

function created(reply: FastifyReply, name: string, digest: string): FastifyReply {
  return reply.code(201).headers({ location: blobLocation(name, digest), "docker-content-digest": digest }).send();
}

function accepted(reply: FastifyReply, name: string, id: string, size: number, status: 202 | 204 = 202): FastifyReply {
  return reply.code(status).headers({ location: uploadLocation(name, id), range: uploadRange(size), "docker-upload-uuid": id }).send();
}

/**
 * end-4a/4b/11: `POST /v2/<name>/blobs/uploads/` starts a session (202), takes a whole blob with `?digest=`
 * (201), or mounts a blob from another repository with `?mount=<digest>&from=<name>` (201; 202 and a new
 * session when it cannot, as the spec asks).
 */
export async function postUpload(ctx: RegistryContext, req: FastifyRequest, reply: FastifyReply, rawName: string, query: URLSearchParams): Promise<FastifyReply> {
  const name = checkRepositoryName(rawName);
  await ctx.allow(req, "push", name);
  const mount = query.get("mount");
  if (mount !== null) {
    const digest = parseDigest(mount);
    if (await mountBlob(ctx, req, name, digest, query.get("from") ?? undefined)) return created(reply, name, digest);
  }
  const monolithic = query.get("digest");
  if (monolithic !== null) {
    const digest = parseDigest(monolithic);
    const upload = await ctx.blobs.startUpload(name);
    await receive(ctx, req, upload.id, undefined);
    await finish(ctx, name, upload.id, digest);
    return created(reply, name, digest);
  }
  const upload = await ctx.blobs.startUpload(name);
  return accepted(reply, name, upload.id, 0);
}

/** Links a blob pulled from `from` into `name` when the caller may pull it there; false to fall back to an upload. */
async function mountBlob(ctx: RegistryContext, req: FastifyRequest, name: string, digest: string, from: string | undefined): Promise<boolean> {
  if (await ctx.visible(name, digest)) return (await ctx.blobs.touch(digest));
  if (from === undefined || !isRepositoryName(from) || from === name) return false;
  if (!(await ctx.deps.authorize(req, "pull", from)) || !(await ctx.visible(from, digest))) return false;
  if (!(await ctx.blobs.touch(digest))) return false;
  await ctx.meta.linkBlob(name, digest);
  return true;
}

/** Streams the request body onto the upload; a failure (416, size, aborted client) leaves the upload as it was. */
async function receive(ctx: RegistryContext, req: FastifyRequest, id: string, location: string | undefined): Promise<number> {
  const range = parseContentRange(req.headers["content-range"]);
  const declared = contentLength(req.headers["content-length"]);
  if (range !== undefined && declared !== undefined && declared !== range.end - range.start + 1) {
    throw new RegistryError("BLOB_UPLOAD_INVALID", `Content-Range ${range.start}-${range.end} is ${range.end - range.start + 1} bytes but Content-Length is ${declared}`);
  }
  const length = range === undefined ? declared : range.end - range.start + 1;
  try {
    return await ctx.blobs.append(id, req.raw, {
      ...(range === undefined ? {} : { start: range.start }),
      ...(length === undefined ? {} : { length }),
      ...(ctx.deps.maxBlobBytes === undefined ? {} : { maxSize: ctx.deps.maxBlobBytes }),
    });
  } catch (error: unknown) {
    if (error instanceof UploadRangeError && location !== undefined) {
      throw new RegistryError("BLOB_UPLOAD_INVALID", error.message, { status: 416, detail: { size: error.size }, headers: { location, range: uploadRange(error.size) } });
    }
    if (location === undefined) await ctx.blobs.cancel(id);
    throw error;
  }
}

async function finish(ctx: RegistryContext, name: string, id: string, digest: string): Promise<void> {
  await ctx.blobs.commit(id, digest);
  await ctx.meta.linkBlob(name, digest);
}

/** end-13/5/6/14: status, `PATCH` a chunk, `PUT` to close (with an optional last chunk), `DELETE` to cancel. */
export async function handleUpload(ctx: RegistryContext, req: FastifyRequest, reply: FastifyReply, rawName: string, id: string, query: URLSearchParams): Promise<FastifyReply> {
  const name = checkRepositoryName(rawName);
  await ctx.allow(req, "push", name);
  const upload = await ctx.blobs.upload(id);
  if (upload === undefined || upload.owner !== name) {
    throw new RegistryError("BLOB_UPLOAD_UNKNOWN", `no upload ${id} in ${name}`, { detail: { id } });
  }
  const location = uploadLocation(name, id);
  switch (req.method) {
    case "GET":
      return accepted(reply, name, id, upload.size, 204);
    case "PATCH":
      return accepted(reply, name, id, await receive(ctx, req, id, location));
    case "PUT": {
      const digest = parseDigest(query.get("digest") ?? undefined);
      if (hasBody(req)) await receive(ctx, req, id, location);
      await finish(ctx, name, id, digest);
      return created(reply, name, digest);
    }
    case "DELETE":
      await ctx.blobs.cancel(id);
      return reply.code(204).send();
    default:
      throw new RegistryError("UNSUPPORTED", `${req.method} is not supported on an upload`, { status: 405 });
  }
}
