import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { z } from "zod";
import { errorCode, isNotFound } from "./fs-safety.js";
import type { LocalStores } from "./types.js";
import { ActionFailure } from "./types.js";

/**
 * Layout of the local artifact store (one tree per workflow run):
 *
 *   <artifactsDir>/<runId>/<name>/artifact.json   metadata (ArtifactRecord)
 *   <artifactsDir>/<runId>/<name>/files/...       the files, relative to the upload root
 *   <artifactsDir>/.ids/<runId>/<n>               claimed artifact ids
 *   <artifactsDir>/.staging/...                   uploads being written
 *
 * An artifact appears by renaming a finished staging directory into place,
 * so a reader sees all of it or nothing.
 */
export const artifactRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  runId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  digest: z.string(),
  size: z.number(),
  fileCount: z.number(),
});

export type ArtifactRecord = z.infer<typeof artifactRecordSchema>;

export const ARTIFACT_RECORD_FILE = "artifact.json";
export const ARTIFACT_FILES_DIR = "files";

// Characters upload-artifact@v4 rejects in names, plus path separators.
const FORBIDDEN_NAME_CHARS = /[":<>|*?\r\n\\/]/;

/** Throws ActionFailure unless `name` is a valid artifact name. */
export function assertArtifactName(name: string): void {
  if (name === "" || name === "." || name === ".." || FORBIDDEN_NAME_CHARS.test(name) || name.includes("\0")) {
    throw new ActionFailure(
      `Invalid artifact name ${JSON.stringify(name)}: it must not be empty, "." or "..", nor contain any of " : < > | * ? \\ / or a line break`,
    );
  }
}

/** Throws unless `runId` can name a directory of the store. */
export function assertRunId(runId: string): void {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(runId)) throw new ActionFailure(`Invalid run id ${JSON.stringify(runId)}`);
}

export function runDirectory(stores: LocalStores, runId: string): string {
  assertRunId(runId);
  return join(stores.artifactsDir, runId);
}

export function artifactDirectory(stores: LocalStores, runId: string, name: string): string {
  assertArtifactName(name);
  return join(runDirectory(stores, runId), name);
}

export function stagingDirectory(stores: LocalStores): string {
  return join(stores.artifactsDir, ".staging");
}

/** Reads one artifact's record; undefined when it does not exist (or is not a finished artifact). */
export async function readArtifact(stores: LocalStores, runId: string, name: string): Promise<ArtifactRecord | undefined> {
  let text: string;
  try {
    text = await readFile(join(artifactDirectory(stores, runId, name), ARTIFACT_RECORD_FILE), "utf8");
  } catch (error: unknown) {
    if (isNotFound(error) || errorCode(error) === "ENOTDIR") return undefined;
    throw error;
  }
  const parsed = artifactRecordSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

/** All finished artifacts of a run, sorted by name. */
export async function listArtifacts(stores: LocalStores, runId: string): Promise<ArtifactRecord[]> {
  let names: string[];
  try {
    names = await readdir(runDirectory(stores, runId));
  } catch (error: unknown) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const records: ArtifactRecord[] = [];
  for (const name of names.sort()) {
    if (name === "." || name === ".." || FORBIDDEN_NAME_CHARS.test(name)) continue;
    const record = await readArtifact(stores, runId, name);
    if (record !== undefined && record.name === name) records.push(record);
  }
  return records;
}

/** Claims the next free numeric id of a run (safe when several jobs upload at once). */
export async function allocateArtifactId(stores: LocalStores, runId: string): Promise<string> {
  assertRunId(runId);
  const dir = join(stores.artifactsDir, ".ids", runId);
  await mkdir(dir, { recursive: true });
  const taken = (await readdir(dir)).map(Number).filter(Number.isInteger);
  for (let id = Math.max(0, ...taken) + 1; ; id++) {
    try {
      const handle = await open(join(dir, String(id)), "wx");
      await handle.close();
      return String(id);
    } catch (error: unknown) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
  }
}

export type TreeSummary = { digest: string; size: number; files: string[] };

/**
 * Lists the regular files below `dir` (paths relative to it, `/`-separated, sorted)
 * and a sha256 digest over the listing: one `<sha256-of-content>  <path>` line a file.
 */
export async function summarizeTree(dir: string, signal?: AbortSignal): Promise<TreeSummary> {
  const files = await listFilesRelative(dir, signal);
  const listing = createHash("sha256");
  let size = 0;
  for (const file of files) {
    signal?.throwIfAborted();
    const { hash, bytes } = await hashFile(join(dir, ...file.split("/")));
    size += bytes;
    listing.update(`${hash}  ${file}\n`);
  }
  return { digest: listing.digest("hex"), size, files };
}

async function listFilesRelative(dir: string, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    signal?.throwIfAborted();
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out.push(relative(dir, full).split(sep).join("/"));
  }
  return out.sort();
}

function hashFile(path: string): Promise<{ hash: string; bytes: number }> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash("sha256");
    let bytes = 0;
    createReadStream(path)
      .on("data", (chunk) => {
        bytes += chunk.length;
        hash.update(chunk);
      })
      .on("error", reject)
      .on("end", () => resolvePromise({ hash: hash.digest("hex"), bytes }));
  });
}
