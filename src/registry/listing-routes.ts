import type { FastifyReply, FastifyRequest } from "fastify";
import { parseDigest } from "./digest.js";
import { RegistryError } from "./errors.js";
import { OCI_INDEX } from "./manifest.js";
import { checkRepositoryName } from "./names.js";
import type { RegistryContext } from "./registry-context.js";
import { sendJson } from "./send-json.js";

/** end-8a/8b: `GET /v2/<name>/tags/list[?n=<int>&last=<tag>]`, ASCII order, `Link: …; rel="next"` when more remain. */
export async function listTags(ctx: RegistryContext, req: FastifyRequest, reply: FastifyReply, rawName: string, query: URLSearchParams): Promise<FastifyReply> {
  const name = checkRepositoryName(rawName);
  await ctx.allow(req, "pull", name);
  if (!(await ctx.meta.repositoryExists(name))) throw new RegistryError("NAME_UNKNOWN", `no repository ${name}`, { detail: { name } });
  const last = query.get("last");
  const rawN = query.get("n");
  if (rawN !== null && !/^\d+$/.test(rawN)) throw new RegistryError("UNSUPPORTED", `n must be a non-negative integer, not "${rawN}"`, { detail: { n: rawN } });
  const all = (await ctx.meta.listTags(name)).filter((t) => last === null || t > last);
  const n = rawN === null ? all.length : Number(rawN);
  const tags = all.slice(0, n);
  const lastShown = tags.at(-1);
  if (n > 0 && all.length > n && lastShown !== undefined) {
    void reply.header("link", `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(lastShown)}>; rel="next"`);
  }
  return sendJson(reply, 200, { name, tags });
}

/**
 * end-12a/12b: `GET /v2/<name>/referrers/<digest>[?artifactType=]`: an image index of the manifests whose
 * subject is `<digest>`; 200 with an empty list when there are none (the spec forbids 404 here).
 */
export async function listReferrers(ctx: RegistryContext, req: FastifyRequest, reply: FastifyReply, rawName: string, rawDigest: string, query: URLSearchParams): Promise<FastifyReply> {
  const name = checkRepositoryName(rawName);
  const digest = parseDigest(rawDigest);
  await ctx.allow(req, "pull", name);
  const artifactType = query.get("artifactType");
  let referrers = await ctx.meta.listReferrers(name, digest);
  if (artifactType !== null) {
    referrers = referrers.filter((r) => r.artifactType === artifactType);
    void reply.header("oci-filters-applied", "artifactType");
  }
  const manifests = referrers.map((r) => ({
    mediaType: r.mediaType, digest: r.digest, size: r.size,
    ...(r.artifactType === undefined ? {} : { artifactType: r.artifactType }),
    ...(r.annotations === undefined ? {} : { annotations: r.annotations }),
  }));
  return sendJson(reply, 200, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, OCI_INDEX);
}
