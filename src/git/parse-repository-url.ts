/**
 * Extracts "owner/name" from a hosted remote URL (`https://host/owner/name.git`,
 * `ssh://git@host/owner/name`, scp-like `git@host:owner/name.git`). Returns null
 * for local paths, `file://` URLs and anything without two path segments.
 * With deeper paths (GitLab subgroups) the last two segments are used.
 */
export function parseRepositoryUrl(url: string): string | null {
  let repoPath: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (scheme) {
    const protocol = (scheme[1] ?? "").toLowerCase();
    if (protocol === "file") return null;
    let parsedUrl: URL;
    try {
      parsedUrl = new URL(url);
    } catch (error: unknown) {
      if (error instanceof TypeError) return null;
      throw error;
    }
    repoPath = parsedUrl.pathname;
  } else {
    // scp-like syntax: [user@]host:path, where no '/' precedes the first ':'.
    const scp = /^(?:[^@/:]+@)?([^/:]+):(.+)$/.exec(url);
    if (!scp || /^[a-z]$/i.test(scp[1] ?? "")) return null; // also skip Windows drive letters
    repoPath = scp[2] ?? "";
  }
  const segments = repoPath.split("/").filter((s) => s !== "" && s !== "." && s !== "..");
  const rawName = segments.at(-1);
  const owner = segments.at(-2);
  if (rawName === undefined || owner === undefined) return null;
  const name = rawName.endsWith(".git") ? rawName.slice(0, -".git".length) : rawName;
  if (name === "") return null;
  return `${owner}/${name}`;
}
