import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { z } from "zod";
import { ANNOTATIONS, pullArtifact, pushArtifact } from "../../registry/artifact/index.js";
import { createRegistryClient } from "../../registry/client/index.js";
import type { BuiltinContext } from "./types.js";
import { ActionFailure } from "./types.js";

/**
 * actions/upload-artifact and download-artifact on a server runner: each artifact is an OCI artifact in
 * the server's registry, in the run's own repository `ferry/runs/<run id>`, pushed with the job's token
 * (the server links it to the run); the run's artifact list comes from the server's API.
 */
export type ServerArtifact = { id: number; name: string; digest: string; repository: string };

export const runArtifactsRepository = (runId: string): string => `ferry/runs/${runId}`;

/** Artifact names may hold characters a tag may not; the tag is a hash of the name, the name an annotation. */
const tagFor = (name: string): string => `a-${createHash("sha256").update(name, "utf8").digest("hex").slice(0, 40)}`;

const listResponse = z.object({ items: z.array(z.object({ id: z.number(), name: z.string(), digest: z.string(), repository: z.string() })) });

type Server = NonNullable<BuiltinContext["server"]>;

/** The run's artifacts, the newest upload of each name; sorted by name. */
export async function listServerArtifacts(server: Server, runId: string, signal: AbortSignal): Promise<ServerArtifact[]> {
  const res = await fetch(`${server.url}/api/v1/runs/${encodeURIComponent(runId)}/artifacts?kind=workflow`, {
    headers: { authorization: `Bearer ${server.token}` }, signal,
  });
  if (!res.ok) throw new ActionFailure(`The server did not list the run's artifacts: HTTP ${res.status}`);
  const byName = new Map<string, ServerArtifact>();
  for (const item of listResponse.parse(await res.json()).items) byName.set(item.name, item);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Pushes the planned files as artifact `name` of the run; returns what the server recorded. */
export async function uploadToServer(
  ctx: BuiltinContext & { server: Server },
  name: string,
  plan: { rootDirectory: string; files: string[] },
): Promise<ServerArtifact & { size: number }> {
  const client = createRegistryClient({ url: ctx.server.url, token: ctx.server.token });
  const repository = runArtifactsRepository(ctx.runId);
  const pushed = await pushArtifact({
    client, name: repository, version: tagFor(name), base: plan.rootDirectory,
    paths: plan.files.map((f) => relative(plan.rootDirectory, f).split(sep).join("/")),
    annotations: { [ANNOTATIONS.title]: name }, env: ctx.env, tmpDir: ctx.tempDir,
  });
  const recorded = (await listServerArtifacts(ctx.server, ctx.runId, ctx.signal)).find((a) => a.name === name && a.digest === pushed.digest);
  return { id: recorded?.id ?? 0, name, digest: pushed.digest, repository, size: pushed.layer.size };
}

/** Pulls one artifact (verified by digest, extracted safely) into a fresh directory under the job's temp dir. */
export async function pullFromServer(ctx: BuiltinContext & { server: Server }, artifact: ServerArtifact): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const client = createRegistryClient({ url: ctx.server.url, token: ctx.server.token });
  const parent = await mkdtemp(join(ctx.tempDir, "download-"));
  const dir = join(parent, "files");
  try {
    await pullArtifact({ client, reference: { name: artifact.repository, digest: artifact.digest }, dir });
    return { dir, cleanup: () => rm(parent, { recursive: true, force: true }) };
  } catch (error: unknown) {
    await rm(parent, { recursive: true, force: true });
    throw new ActionFailure(`Downloading artifact "${artifact.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
