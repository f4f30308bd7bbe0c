import type { FastifyRequest } from "fastify";
import type { PushEvent } from "../registry/index.js";
import { ANNOTATIONS, ARTIFACT_TYPE } from "../registry/artifact/index.js";
import { tokenFromAuthorization } from "../registry/index.js";
import type { Store } from "../store/index.js";
import { recordRunArtifact, verifyJobToken } from "../store/index.js";
import type { RunArtifact } from "../store/index.js";

/**
 * Links a manifest pushed by tag with a running job's token to that job's run: an upload-artifact
 * archive (in the run's own repository, `ferry/runs/<run id>`), a published artifact, or an image (`podman push` in a step). Pushes by digest are the parts of
 * an index or referrers; the tag push that follows them is the one that names the artifact.
 */
export function recordPushedArtifact(store: Store, e: PushEvent, req: FastifyRequest): RunArtifact | undefined {
  if (e.reference.startsWith("sha256:")) return undefined;
  const token = tokenFromAuthorization(req.headers.authorization);
  const job = token === undefined ? undefined : verifyJobToken(store, token);
  if (!job) return undefined;
  const ownRunArtifact = e.repository === `ferry/runs/${job.runId}`;
  const kind: RunArtifact["kind"] = ownRunArtifact ? "workflow" : e.artifactType === ARTIFACT_TYPE ? "artifact" : "image";
  const name = kind === "workflow" ? (e.annotations?.[ANNOTATIONS.title] ?? e.reference) : e.repository;
  return recordRunArtifact(store, {
    runId: job.runId, jobId: job.jobId, kind, name, repository: e.repository, reference: e.reference, digest: e.digest,
    mediaType: e.mediaType, artifactType: e.artifactType ?? null,
  });
}
