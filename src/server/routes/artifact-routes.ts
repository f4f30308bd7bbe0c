import type { FastifyInstance } from "fastify";
import { join } from "node:path";
import { z } from "zod";
import { createBlobStore, createMetadata } from "../../registry/index.js";
import type { BlobStore, Metadata } from "../../registry/index.js";
import { ANNOTATIONS, ARTIFACT_TYPE, provenanceFromAnnotations } from "../../registry/artifact/index.js";
import type { Store } from "../../store/index.js";
import { getRun, listRunArtifacts, runArtifactKindSchema } from "../../store/index.js";
import type { RunArtifact } from "../../store/index.js";
import { requireRole, requireRoleOrJob } from "../auth.js";
import { badRequest, forbidden, notFound } from "../errors.js";
import type { ArtifactRun, ArtifactVersion, Catalog, CatalogEntry } from "../api-types/index.js";

type Query = { repository?: string; digest?: string; run?: string; kind?: string; name?: string };

/**
 * The links between runs and what they put in the registry: from a run to its artifacts
 * (`/runs/:id/artifacts`, also for the run's own jobs, which find their upload-artifact files here), and
 * from an artifact back to the run, commit and workflow that made it (`/artifacts?repository=&digest=`).
 */
export function registerArtifactRoutes(app: FastifyInstance, deps: { store: Store; registryDir?: string }): void {
  const { store } = deps;
  const registryDir = deps.registryDir ?? join(store.dataDir, "registry");
  const registry = { meta: createMetadata(registryDir), blobs: createBlobStore(registryDir) };

  app.get<{ Params: { id: string }; Querystring: Query }>("/api/v1/runs/:id/artifacts", { preHandler: requireRoleOrJob(store, "viewer") }, async (req) => {
    const runId = Number(req.params.id);
    if (!Number.isInteger(runId)) throw badRequest(`not a run id: ${req.params.id}`);
    if (req.job && req.job.runId !== runId) throw forbidden("a job's token reads only its own run's artifacts");
    if (!(await getRun(store, runId))) throw notFound(`no run ${runId}`);
    return { items: listRunArtifacts(store, { runId, ...filters(req.query) }) };
  });

  app.get<{ Querystring: Query }>("/api/v1/artifacts", { preHandler: requireRole(store, "viewer") }, async (req) => {
    const q = req.query;
    const runId = q.run === undefined ? undefined : Number(q.run);
    if (runId !== undefined && !Number.isInteger(runId)) throw badRequest(`not a run id: ${q.run}`);
    const items = listRunArtifacts(store, { ...(runId === undefined ? {} : { runId }), ...filters(q) });
    return { items: await Promise.all(items.map(async (a) => ({ ...a, run: await runSummary(store, a) }))) };
  });

  // What the registry holds, per repository (artifact name): each tagged version with digest, size,
  // provenance and the run that pushed it. A page of names at a time; the runs' own upload-artifact
  // archives (ferry/runs/<id>) are not listed, they belong to their run.
  app.get<{ Querystring: Record<string, string> }>("/api/v1/artifacts/catalog", { preHandler: requireRole(store, "viewer") }, async (req) => {
    const q = catalogQuery.safeParse(req.query);
    if (!q.success) throw badRequest("expected ?name=&limit=1..200&versions=1..200&cursor=NAME", q.error.issues);
    const { name, limit, versions, cursor } = q.data;
    const names = (await registry.meta.listRepositories())
      .filter((n) => !n.startsWith("ferry/runs/") && (name === undefined || n === name) && (cursor === undefined || n > cursor));
    const page = names.slice(0, limit);
    const items = await Promise.all(page.map(async (n) => ({ name: n, ...(await describeRepository(store, registry, n, versions)) })));
    return { items, next: names.length > limit ? (page[page.length - 1] ?? null) : null } satisfies Catalog;
  });
}

const catalogQuery = z.object({
  name: z.string().min(1).max(255).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  versions: z.coerce.number().int().min(1).max(200).default(20),
  cursor: z.string().min(1).max(255).optional(),
});

type Registry = { meta: Metadata; blobs: BlobStore };

/** A repository's tagged versions, newest push first: digest, content size (the layers), creation, provenance and the run that pushed it. */
async function describeRepository(store: Store, registry: Registry, name: string, max: number): Promise<Omit<CatalogEntry, "name">> {
  const tags = (await registry.meta.listTagRecords(name)).sort((a, b) => b.pushedAt.getTime() - a.pushedAt.getTime() || (a.tag < b.tag ? 1 : -1));
  let kind: "artifact" | "image" = "image";
  const versions = await Promise.all(tags.slice(0, max).map(async (t): Promise<ArtifactVersion> => {
    const record = await registry.meta.getManifest(name, t.digest);
    if (record?.artifactType === ARTIFACT_TYPE) kind = "artifact";
    const annotations = record?.annotations ?? {};
    const pushedBy = listRunArtifacts(store, { repository: name, digest: t.digest }).at(-1);
    return {
      tag: t.tag, digest: t.digest, pushedAt: t.pushedAt.toISOString(), created: annotations[ANNOTATIONS.created] ?? null,
      mediaType: record?.mediaType ?? null, artifactType: record?.artifactType ?? null, size: await contentSize(registry.blobs, t.digest),
      provenance: provenanceFromAnnotations(annotations), run: pushedBy ? await runSummary(store, pushedBy) : null,
    };
  }));
  return { kind, versionCount: tags.length, versions };
}

/** The sum of a manifest's layer sizes (an index: of its manifests' sizes); null when the manifest cannot be read. */
async function contentSize(blobs: BlobStore, digest: string): Promise<number | null> {
  try {
    const bytes = await blobs.readBuffer(digest);
    if (bytes === undefined) return null;
    const m = JSON.parse(bytes.toString("utf8")) as { layers?: Array<{ size?: unknown }>; manifests?: Array<{ size?: unknown }> };
    const parts = m.layers ?? m.manifests ?? [];
    return parts.reduce((n, l) => n + (typeof l.size === "number" ? l.size : 0), 0);
  } catch {
    return null;
  }
}

function filters(q: Query): { repository?: string; digest?: string; kind?: RunArtifact["kind"]; name?: string } {
  let kind: RunArtifact["kind"] | undefined;
  if (q.kind !== undefined) {
    const parsed = runArtifactKindSchema.safeParse(q.kind);
    if (!parsed.success) throw badRequest(`kind must be one of ${runArtifactKindSchema.options.join(", ")}`);
    kind = parsed.data;
  }
  return {
    ...(q.repository ? { repository: q.repository } : {}), ...(q.digest ? { digest: q.digest } : {}),
    ...(kind ? { kind } : {}), ...(q.name ? { name: q.name } : {}),
  };
}

async function runSummary(store: Store, a: RunArtifact): Promise<ArtifactRun | null> {
  const run = await getRun(store, a.runId);
  if (!run) return null;
  const job = a.jobId === null ? undefined : (store.sqlite.prepare("SELECT job_id, name FROM jobs WHERE id = ?").get(a.jobId) as { job_id: string; name: string } | undefined);
  return {
    id: run.id, repository: run.repo, runNumber: run.run_number, workflow: run.workflow_name, sha: run.sha, ref: run.ref, event: run.event,
    ...(job ? { job: job.job_id, jobName: job.name } : {}),
  };
}
