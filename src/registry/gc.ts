import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { createBlobStore } from "./blob-store.js";
import { isDigest } from "./digest.js";
import { hasErrnoCode } from "./errors.js";
import { blobPath, blobsRoot, uploadDir, uploadsRoot } from "./layout.js";
import { parseManifest } from "./manifest.js";
import { createMetadata } from "./metadata.js";

export type GcOptions = {
  /** Blobs to keep whatever references them. */
  keep?(digest: string): boolean;
  /** Unreferenced blobs younger than this (by mtime; linking or referencing a blob renews it) are kept; default 1 hour. */
  graceMs?: number;
  /** Uploads untouched for this long are removed; default 1 day. */
  uploadMaxAgeMs?: number;
  now?: () => number;
  /** Report what would go, remove nothing. */
  dryRun?: boolean;
};

export type GcResult = {
  blobs: Array<{ digest: string; size: number }>;
  uploads: string[];
  /** Repository links to blobs that are gone. */
  links: Array<{ repository: string; digest: string }>;
  bytes: number;
};

const HOUR = 60 * 60 * 1000;

async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error: unknown) {
    if (hasErrnoCode(error, "ENOENT")) return [];
    throw error;
  }
}

/**
 * Mark and sweep over the registry directory. Marks every manifest recorded in any repository and every tag
 * target, with their config, layers and index children (referrers are recorded manifests, so they are
 * marked too); then removes unmarked blobs past the grace period, links to removed blobs, and stale uploads.
 * A recorded manifest that cannot be read or parsed stops the collection before anything is removed: its
 * references are unknown, and a blob a manifest references is never removed.
 */
export async function collectGarbage(dir: string, opts: GcOptions = {}): Promise<GcResult> {
  const now = opts.now ?? Date.now;
  const graceMs = opts.graceMs ?? HOUR;
  const uploadMaxAgeMs = opts.uploadMaxAgeMs ?? 24 * HOUR;
  const meta = createMetadata(dir);
  const blobs = createBlobStore(dir);
  const marked = new Set<string>();

  const mark = async (digest: string, mediaType: string | undefined): Promise<void> => {
    if (marked.has(digest)) return;
    marked.add(digest);
    const bytes = await blobs.readBuffer(digest);
    if (bytes === undefined) return;
    let m;
    try {
      m = parseManifest(bytes, mediaType);
    } catch (error: unknown) {
      throw new Error(`garbage collection stopped: manifest ${digest} cannot be parsed, so its references are unknown`, { cause: error });
    }
    for (const d of m.blobs) if (isDigest(d.digest)) marked.add(d.digest);
    for (const d of m.manifests) if (isDigest(d.digest)) await mark(d.digest, d.mediaType);
  };

  const repositories = await meta.listRepositories();
  for (const repository of repositories) {
    for (const record of await meta.listManifests(repository)) await mark(record.digest, record.mediaType);
    for (const tag of await meta.listTagRecords(repository)) await mark(tag.digest, (await meta.getManifest(repository, tag.digest))?.mediaType);
  }

  const result: GcResult = { blobs: [], uploads: [], links: [], bytes: 0 };
  for (const prefix of await listDir(blobsRoot(dir))) {
    for (const hex of await listDir(join(blobsRoot(dir), prefix))) {
      const digest = `sha256:${hex}`;
      if (!isDigest(digest) || marked.has(digest) || opts.keep?.(digest) === true) continue;
      const s = await stat(blobPath(dir, digest)).catch((error: unknown) => {
        if (hasErrnoCode(error, "ENOENT")) return undefined;
        throw error;
      });
      if (s === undefined || now() - s.mtimeMs < graceMs) continue;
      if (opts.dryRun !== true) await rm(blobPath(dir, digest), { force: true });
      result.blobs.push({ digest, size: s.size });
      result.bytes += s.size;
    }
  }

  const removed = new Set(result.blobs.map((b) => b.digest));
  for (const repository of repositories) {
    for (const digest of await meta.listLinkedBlobs(repository)) {
      if (!removed.has(digest) && (opts.dryRun === true || (await blobs.stat(digest)) !== undefined)) continue;
      if (opts.dryRun !== true) await meta.unlinkBlob(repository, digest);
      result.links.push({ repository, digest });
    }
  }

  for (const id of await listDir(uploadsRoot(dir))) {
    const times = await Promise.all([uploadDir(dir, id), join(uploadDir(dir, id), "data")].map(async (p) => (await stat(p).catch(() => undefined))?.mtimeMs ?? 0));
    if (now() - Math.max(...times) <= uploadMaxAgeMs) continue;
    if (opts.dryRun !== true) await rm(uploadDir(dir, id), { recursive: true, force: true });
    result.uploads.push(id);
  }
  return result;
}
