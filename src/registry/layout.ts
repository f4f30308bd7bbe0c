import { join } from "node:path";
import { digestHex } from "./digest.js";

/**
 * Where everything lives under the registry directory. Per-repository folders start with "_" so that no
 * repository name (whose components start with [a-z0-9]) can collide with them: `a/_tags` is not a name.
 */
export const blobsRoot = (dir: string): string => join(dir, "blobs", "sha256");
export const blobPath = (dir: string, digest: string): string => {
  const hex = digestHex(digest);
  return join(blobsRoot(dir), hex.slice(0, 2), hex);
};
export const uploadsRoot = (dir: string): string => join(dir, "uploads");
export const uploadDir = (dir: string, id: string): string => join(uploadsRoot(dir), id);
export const repositoriesRoot = (dir: string): string => join(dir, "repositories");
export const repositoryDir = (dir: string, name: string): string => join(repositoriesRoot(dir), ...name.split("/"));

export const MANIFESTS = "_manifests";
export const TAGS = "_tags";
export const LAYERS = "_layers";
export const REFERRERS = "_referrers";
export const REPOSITORY_PARTS = [MANIFESTS, TAGS, LAYERS, REFERRERS] as const;
