import type { FastifyReply, FastifyRequest } from "fastify";
import { isDigest, parseDigest, sha256Digest } from "./digest.js";
import { RegistryError } from "./errors.js";
import type { RegistryErrorEntry } from "./errors.js";
import { effectiveArtifactType, isExternalLayer, parseManifest } from "./manifest.js";
import type { ParsedManifest } from "./manifest.js";
import type { ManifestRecord } from "./metadata.js";
import { checkRepositoryName, isTag } from "./names.js";
import { contentLength, readBody } from "./read-body.js";
import type { RegistryContext } from "./registry-context.js";

type Reference = { tag: string; digest?: undefined } | { digest: string; tag?: undefined };

/** A manifest reference is a digest (it has a ":") or a tag. */
function parseReference(reference: string): Reference {
  if (reference.includes(":")) return { digest: parseDigest(reference) };
  if (isTag(reference)) return { tag: reference };
  throw new RegistryError("MANIFEST_INVALID", `"${reference}" is neither a digest nor a tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})`, { detail: { reference } });
}

const unknownManifest = (name: string, reference: string): RegistryError =>
  new RegistryError("MANIFEST_UNKNOWN", `no manifest ${reference} in ${name}`, { detail: { name, reference } });

async function resolve(ctx: RegistryContext, name: string, ref: Reference): Promise<ManifestRecord | undefined> {
  const digest = ref.digest ?? (await ctx.meta.getTag(name, ref.tag))?.digest;
  return digest === undefined ? undefined : ctx.meta.getManifest(name, digest);
}

/** end-3: `GET`/`HEAD /v2/<name>/manifests/<reference>`: the bytes as pushed, with the pushed media type. */
export async function getManifest(ctx: RegistryContext, req: FastifyRequest, reply: FastifyReply, rawName: string, reference: string): Promise<FastifyReply> {
  const name = checkRepositoryName(rawName);
  const ref = parseReference(reference);
  await ctx.allow(req, "pull", name);
  const record = await resolve(ctx, name, ref);
  if (record === undefined) throw unknownManifest(name, reference);
  void reply.headers({ "content-type": record.mediaType, "docker-content-digest": record.digest, etag: `"${record.digest}"` });
  if (req.method === "HEAD") return reply.code(200).header("content-length", record.size).send();
  const bytes = await ctx.blobs.readBuffer(record.digest);
  if (bytes === undefined) throw unknownManifest(name, reference);
  return reply.code(200).send(bytes);
}

/** Every descriptor (except `subject` and external layers) must name content already in the repository. */
async function missingReferences(ctx: RegistryContext, name: string, m: ParsedManifest): Promise<RegistryErrorEntry[]> {
  const missing: RegistryErrorEntry[] = [];
  for (const d of m.blobs) {
    if (isExternalLayer(d)) continue;
    const present = isDigest(d.digest) && (await ctx.visible(name, d.digest)) && (await ctx.blobs.touch(d.digest));
    if (!present) missing.push({ code: "MANIFEST_BLOB_UNKNOWN", message: `blob ${d.digest} is not in ${name}`, detail: { digest: d.digest } });
  }
  for (const d of m.manifests) {
    const present = isDigest(d.digest) && (await ctx.meta.getManifest(name, d.digest)) !== undefined;
    if (!present) missing.push({ code: "MANIFEST_BLOB_UNKNOWN", message: `manifest ${d.digest} is not in ${name}`, detail: { digest: d.digest } });
  }
  return missing;
}

/** end-7: `PUT /v2/<name>/manifests/<reference>`. */
export async function putManifest(ctx: RegistryContext, req: FastifyRequest, reply: FastifyReply, rawName: string, reference: string): Promise<FastifyReply> {
  const name = checkRepositoryName(rawName);
  const ref = parseReference(reference);
  await ctx.allow(req, "push", name);
  const bytes = await readBody(req.raw, ctx.maxManifestBytes, contentLength(req.headers["content-length"]));
  const digest = sha256Digest(bytes);
  if (ref.digest !== undefined && ref.digest !== digest) {
    throw new RegistryError("DIGEST_INVALID", `the manifest hashes to ${digest}, not ${ref.digest}`, { detail: { expected: ref.digest, actual: digest } });
  }
  const m = parseManifest(bytes, req.headers["content-type"]);
  const [first, ...rest] = await missingReferences(ctx, name, m);
  if (first !== undefined) throw new RegistryError(first.code, first.message, { detail: first.detail, more: rest });

  await ctx.blobs.putBuffer(bytes);
  const artifactType = effectiveArtifactType(m);
  const described = {
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(m.annotations === undefined ? {} : { annotations: m.annotations }),
  };
  const subject = m.subject !== undefined && isDigest(m.subject.digest) ? m.subject.digest : undefined;
  await ctx.meta.putManifest(name, {
    digest, mediaType: m.mediaType, size: bytes.length, pushedAt: new Date().toISOString(),
    ...(subject === undefined ? {} : { subject }), ...described,
  });
  if (subject !== undefined) await ctx.meta.addReferrer(name, subject, { digest, mediaType: m.mediaType, size: bytes.length, ...described });
  if (ref.tag !== undefined) await ctx.meta.setTag(name, ref.tag, digest);
  try {
    ctx.deps.onPush?.({ repository: name, reference, digest, mediaType: m.mediaType, ...described }, req);
  } catch (error: unknown) {
    req.log.warn({ err: error }, "registry onPush listener failed");
  }
  void reply.headers({ location: `/v2/${name}/manifests/${digest}`, "docker-content-digest": digest });
  if (subject !== undefined) void reply.header("oci-subject", subject);
  return reply.code(201).send();
}

/** end-9: `DELETE /v2/<name>/manifests/<tag>` removes the tag; by digest it removes the manifest and its tags. */
export async function deleteManifest(ctx: RegistryContext, req: FastifyRequest, reply: FastifyReply, rawName: string, reference: string): Promise<FastifyReply> {
  const name = checkRepositoryName(rawName);
  const ref = parseReference(reference);
  await ctx.allow(req, "delete", name);
  const deleted = ref.tag !== undefined ? await ctx.meta.deleteTag(name, ref.tag) : await ctx.meta.deleteManifest(name, ref.digest);
  if (!deleted) throw unknownManifest(name, reference);
  return reply.code(202).send();
}
