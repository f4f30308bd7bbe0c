import { readdir, readFile, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { digestHex, isDigest } from "./digest.js";
import { hasErrnoCode } from "./errors.js";
import { LAYERS, MANIFESTS, REFERRERS, REPOSITORY_PARTS, repositoriesRoot, repositoryDir, TAGS } from "./layout.js";
import { isRepositoryName, isTag } from "./names.js";

/** What the registry remembers about a manifest in one repository (the bytes are a blob). */
export type ManifestRecord = {
  digest: string;
  mediaType: string;
  size: number;
  pushedAt: string;
  subject?: string;
  artifactType?: string;
  annotations?: Record<string, string>;
};
/** A descriptor of a manifest that names another as its subject. */
export type ReferrerRecord = { digest: string; mediaType: string; size: number; artifactType?: string; annotations?: Record<string, string> };
export type TagRecord = { tag: string; digest: string; pushedAt: Date };

export type Metadata = {
  repositoryExists(name: string): Promise<boolean>;
  listRepositories(): Promise<string[]>;
  linkBlob(name: string, digest: string): Promise<void>;
  unlinkBlob(name: string, digest: string): Promise<boolean>;
  isBlobLinked(name: string, digest: string): Promise<boolean>;
  listLinkedBlobs(name: string): Promise<string[]>;
  putManifest(name: string, record: ManifestRecord): Promise<void>;
  getManifest(name: string, digest: string): Promise<ManifestRecord | undefined>;
  listManifests(name: string): Promise<ManifestRecord[]>;
  /** Forgets a manifest: its record, every tag pointing at it, and its entry as a referrer of its subject. */
  deleteManifest(name: string, digest: string): Promise<boolean>;
  setTag(name: string, tag: string, digest: string): Promise<void>;
  getTag(name: string, tag: string): Promise<TagRecord | undefined>;
  /** Tag names in ASCII order. */
  listTags(name: string): Promise<string[]>;
  listTagRecords(name: string): Promise<TagRecord[]>;
  deleteTag(name: string, tag: string): Promise<boolean>;
  addReferrer(name: string, subject: string, record: ReferrerRecord): Promise<void>;
  listReferrers(name: string, subject: string): Promise<ReferrerRecord[]>;
};

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error: unknown) {
    if (hasErrnoCode(error, "ENOENT") || hasErrnoCode(error, "ENOTDIR")) return undefined;
    throw error;
  }
}

async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error: unknown) {
    if (hasErrnoCode(error, "ENOENT") || hasErrnoCode(error, "ENOTDIR")) return [];
    throw error;
  }
}

async function removeFile(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error: unknown) {
    if (hasErrnoCode(error, "ENOENT")) return false;
    throw error;
  }
}

const byAscii = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Repositories, manifests, tags, blob links and referrers as small files under `dir/repositories/<name>/`:
 * `_manifests/sha256/<hex>` (a JSON record), `_tags/<tag>` (the digest; replaced atomically),
 * `_layers/<digest>` (the blob may be pulled from this repository) and `_referrers/<subject>/<digest>`.
 */
export function createMetadata(dir: string): Metadata {
  const repo = (name: string): string => repositoryDir(dir, name);
  const manifestPath = (name: string, digest: string): string => join(repo(name), MANIFESTS, "sha256", digestHex(digest));
  const tagPath = (name: string, tag: string): string => join(repo(name), TAGS, tag);
  const layerPath = (name: string, digest: string): string => join(repo(name), LAYERS, digest);
  const referrerPath = (name: string, subject: string, digest: string): string => join(repo(name), REFERRERS, subject, digest);

  async function getManifest(name: string, digest: string): Promise<ManifestRecord | undefined> {
    if (!isDigest(digest)) return undefined;
    const text = await readIfExists(manifestPath(name, digest));
    return text === undefined ? undefined : { ...(JSON.parse(text) as ManifestRecord), digest };
  }

  async function getTag(name: string, tag: string): Promise<TagRecord | undefined> {
    if (!isTag(tag)) return undefined;
    try {
      const path = tagPath(name, tag);
      const [text, s] = await Promise.all([readFile(path, "utf8"), stat(path)]);
      const digest = text.trim();
      return isDigest(digest) ? { tag, digest, pushedAt: s.mtime } : undefined;
    } catch (error: unknown) {
      if (hasErrnoCode(error, "ENOENT") || hasErrnoCode(error, "ENOTDIR")) return undefined;
      throw error;
    }
  }

  async function listTags(name: string): Promise<string[]> {
    return (await listDir(join(repo(name), TAGS))).filter(isTag).sort(byAscii);
  }

  async function listTagRecords(name: string): Promise<TagRecord[]> {
    const records = await Promise.all((await listTags(name)).map((tag) => getTag(name, tag)));
    return records.filter((r): r is TagRecord => r !== undefined);
  }

  return {
    async repositoryExists(name) {
      if (!isRepositoryName(name)) return false;
      const parts = await listDir(repo(name));
      return parts.some((p) => (REPOSITORY_PARTS as readonly string[]).includes(p));
    },

    async listRepositories() {
      const found: string[] = [];
      const walk = async (path: string, prefix: string): Promise<void> => {
        const entries = await listDir(path);
        if (prefix !== "" && entries.some((e) => (REPOSITORY_PARTS as readonly string[]).includes(e))) found.push(prefix);
        for (const entry of entries) {
          if (entry.startsWith("_") || entry.startsWith(".")) continue;
          const name = prefix === "" ? entry : `${prefix}/${entry}`;
          if (isRepositoryName(name)) await walk(join(path, entry), name);
        }
      };
      await walk(repositoriesRoot(dir), "");
      return found.sort(byAscii);
    },

    async linkBlob(name, digest) {
      const path = layerPath(name, digest);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, "");
    },
    unlinkBlob: (name, digest) => removeFile(layerPath(name, digest)),
    async isBlobLinked(name, digest) {
      return isDigest(digest) && (await readIfExists(layerPath(name, digest))) !== undefined;
    },
    async listLinkedBlobs(name) {
      return (await listDir(join(repo(name), LAYERS))).filter(isDigest);
    },

    async putManifest(name, record) {
      await writeFileAtomic(manifestPath(name, record.digest), JSON.stringify(record));
    },
    getManifest,
    async listManifests(name) {
      const hexes = await listDir(join(repo(name), MANIFESTS, "sha256"));
      const records = await Promise.all(hexes.map((hex) => getManifest(name, `sha256:${hex}`)));
      return records.filter((r): r is ManifestRecord => r !== undefined);
    },
    async deleteManifest(name, digest) {
      const record = await getManifest(name, digest);
      if (record === undefined) return false;
      for (const tag of await listTagRecords(name)) if (tag.digest === digest) await removeFile(tagPath(name, tag.tag));
      if (record.subject !== undefined) await removeFile(referrerPath(name, record.subject, digest));
      return removeFile(manifestPath(name, digest));
    },

    async setTag(name, tag, digest) {
      await writeFileAtomic(tagPath(name, tag), `${digest}\n`);
    },
    getTag,
    listTags,
    listTagRecords,
    async deleteTag(name, tag) {
      return isTag(tag) && removeFile(tagPath(name, tag));
    },

    async addReferrer(name, subject, record) {
      await writeFileAtomic(referrerPath(name, subject, record.digest), JSON.stringify(record));
    },
    async listReferrers(name, subject) {
      if (!isDigest(subject)) return [];
      const entries = (await listDir(join(repo(name), REFERRERS, subject))).filter(isDigest).sort(byAscii);
      const records = await Promise.all(entries.map(async (digest) => {
        const text = await readIfExists(referrerPath(name, subject, digest));
        if (text === undefined || (await getManifest(name, digest)) === undefined) return undefined;
        return { ...(JSON.parse(text) as ReferrerRecord), digest };
      }));
      return records.filter((r): r is ReferrerRecord => r !== undefined);
    },
  };
}
