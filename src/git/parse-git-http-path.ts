import { isMirrorName } from "./mirror-name.js";

export interface GitHttpPath {
  /** The mirror name (`owner/repo`), without a `.git` suffix. */
  name: string;
  /** The rest, as `handleGitHttp` expects it: `/info/refs`, `/git-upload-pack` or `/git-receive-pack`. */
  pathInfo: string;
}

const SERVICE_PATHS = ["/info/refs", "/git-upload-pack", "/git-receive-pack"] as const;

/**
 * Splits a smart-HTTP request path below the mount point (`owner/repo.git/info/refs`,
 * `/owner/repo/git-upload-pack`) into mirror name and service path; null when it
 * is neither a Git request nor a valid mirror name. The path is not percent-decoded:
 * valid names never need escaping.
 */
export function parseGitHttpPath(urlPath: string): GitHttpPath | null {
  for (const pathInfo of SERVICE_PATHS) {
    if (!urlPath.endsWith(pathInfo)) continue;
    let name = urlPath.slice(0, -pathInfo.length).replace(/^\/+/, "");
    if (name.endsWith(".git")) name = name.slice(0, -".git".length);
    return isMirrorName(name) ? { name, pathInfo } : null;
  }
  return null;
}
