import type { FastifyReply, FastifyRequest } from "fastify";
import { parseDigest } from "./digest.js";
import { RegistryError } from "./errors.js";
import { parseRangeHeader } from "./http-range.js";
import { checkRepositoryName } from "./names.js";
import type { RegistryContext } from "./registry-context.js";

const unknownBlob = (digest: string): RegistryError => new RegistryError("BLOB_UNKNOWN", `blob ${digest} is not in this repository`, { detail: { digest } });

/** end-2: `GET`/`HEAD /v2/<name>/blobs/<digest>`, with `Range` → 206. */
export async function getBlob(ctx: RegistryContext, req: FastifyRequest, reply: FastifyReply, rawName: string, rawDigest: string): Promise<FastifyReply> {
  const name = checkRepositoryName(rawName);
  const digest = parseDigest(rawDigest);
  await ctx.allow(req, "pull", name);
  const size = (await ctx.visible(name, digest)) ? await ctx.blobs.stat(digest) : undefined;
  if (size === undefined) throw unknownBlob(digest);
  void reply.headers({
    "docker-content-digest": digest, "content-type": "application/octet-stream", "accept-ranges": "bytes",
    etag: `"${digest}"`, "cache-control": "max-age=31536000, immutable",
  });
  if (req.method === "HEAD") return reply.code(200).header("content-length", size).send();
  const range = parseRangeHeader(req.headers.range, size);
  if (range === "unsatisfiable") {
    throw new RegistryError("BLOB_UNKNOWN", `range "${req.headers.range}" is outside the ${size} bytes of ${digest}`, { status: 416, headers: { "content-range": `bytes */${size}` } });
  }
  const stream = await ctx.blobs.read(digest, range);
  if (stream === undefined) throw unknownBlob(digest);
  if (range === undefined) return reply.code(200).header("content-length", size).send(stream);
  return reply.code(206)
    .header("content-range", `bytes ${range.start}-${range.end}/${size}`)
    .header("content-length", range.end - range.start + 1)
    .send(stream);
}

/** end-10: `DELETE /v2/<name>/blobs/<digest>` unlinks the blob from the repository; GC reclaims the bytes. */
export async function deleteBlob(ctx: RegistryContext, req: FastifyRequest, reply: FastifyReply, rawName: string, rawDigest: string): Promise<FastifyReply> {
  const name = checkRepositoryName(rawName);
  const digest = parseDigest(rawDigest);
  await ctx.allow(req, "delete", name);
  if (!(await ctx.meta.unlinkBlob(name, digest))) throw unknownBlob(digest);
  return reply.code(202).send();
}
