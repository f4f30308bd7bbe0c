import { z } from "zod";
import type { Store } from "./open-store.js";

/**
 * What a run put in the registry: `workflow` artifacts (actions/upload-artifact, scoped to the run),
 * `artifact`s published for delivery (ferry/publish, `ferry artifact push`) and container `image`s.
 */
export const runArtifactKindSchema = z.enum(["workflow", "artifact", "image"]);
export type RunArtifactKind = z.infer<typeof runArtifactKindSchema>;

export const runArtifactSchema = z.object({
  id: z.number(),
  runId: z.number(),
  jobId: z.number().nullable(),
  kind: runArtifactKindSchema,
  /** The artifact's name: the upload-artifact name, or the registry repository. */
  name: z.string(),
  repository: z.string(),
  /** The tag or digest it was pushed to. */
  reference: z.string(),
  digest: z.string(),
  mediaType: z.string(),
  artifactType: z.string().nullable(),
  createdAt: z.string(),
});
export type RunArtifact = z.infer<typeof runArtifactSchema>;

export type NewRunArtifact = Omit<RunArtifact, "id" | "createdAt">;

const columns = `id, run_id AS runId, job_id AS jobId, kind, name, repository, reference, digest, media_type AS mediaType,
  artifact_type AS artifactType, created_at AS createdAt`;

export function recordRunArtifact(store: Store, a: NewRunArtifact): RunArtifact {
  const createdAt = new Date().toISOString();
  const info = store.sqlite
    .prepare(`INSERT INTO run_artifacts (run_id, job_id, kind, name, repository, reference, digest, media_type, artifact_type, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(a.runId, a.jobId, a.kind, a.name, a.repository, a.reference, a.digest, a.mediaType, a.artifactType, createdAt);
  return { ...a, id: Number(info.lastInsertRowid), createdAt };
}

export type RunArtifactQuery = { runId?: number; repository?: string; digest?: string; kind?: RunArtifactKind; name?: string };

/** Artifacts by run, or by registry repository and/or digest (the way back from an artifact to its run); oldest first. */
export function listRunArtifacts(store: Store, q: RunArtifactQuery): RunArtifact[] {
  const conditions: Array<[string, string | number | undefined]> = [
    ["run_id", q.runId], ["repository", q.repository], ["digest", q.digest], ["kind", q.kind], ["name", q.name],
  ];
  const given = conditions.filter((c): c is [string, string | number] => c[1] !== undefined);
  const where = given.map(([column]) => `${column} = ?`);
  const args = given.map(([, value]) => value);
  const sql = `SELECT ${columns} FROM run_artifacts ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id LIMIT 1000`;
  return store.sqlite.prepare(sql).all(...args) as RunArtifact[];
}
