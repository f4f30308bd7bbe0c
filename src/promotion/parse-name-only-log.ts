/** One commit of a `git log --name-only` walk: its id and the paths it changed. */
export interface LoggedCommit {
  readonly id: string;
  readonly paths: readonly string[];
}

/** What a commit header of the log looks like: `%x01%H`, a sha-1 or sha-256 object name. */
const HEADER = /^\x01([0-9a-f]{40}|[0-9a-f]{64})$/;

/** The `git log` arguments whose output `parseNameOnlyLog` reads (before the revision). */
export const NAME_ONLY_LOG_ARGS = ["log", "--format=%x01%H", "--name-only", "-z", "--no-renames"] as const;

/**
 * Reads the output of `git log --format=%x01%H --name-only -z`: each commit is a NUL-terminated
 * header (`\x01` and the object name), then, when it changed files, a newline and the paths, each
 * NUL-terminated. Paths come back exactly as stored (no quoting), newest commit first.
 */
export function parseNameOnlyLog(output: string): LoggedCommit[] {
  const commits: Array<{ id: string; paths: string[] }> = [];
  let current: { id: string; paths: string[] } | undefined;
  let first = false;
  for (const token of output.split("\0")) {
    const header = HEADER.exec(token);
    if (header?.[1] !== undefined) {
      current = { id: header[1], paths: [] };
      commits.push(current);
      first = true;
      continue;
    }
    // The path list of a commit starts after one newline.
    const path = first && token.startsWith("\n") ? token.slice(1) : token;
    first = false;
    if (current !== undefined && path !== "") current.paths.push(path);
  }
  return commits;
}
