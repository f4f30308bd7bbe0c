const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * Whether `name` can name a mirror: one or more `/`-separated segments of
 * letters, digits, `.`, `_` and `-` (e.g. `owner/repo`), none starting with
 * `.` or `-` or ending in `.git` or `.lock`. Such a name is a safe relative path.
 */
export function isMirrorName(name: string): boolean {
  if (name.length > 255) return false;
  return name
    .split("/")
    .every((segment) => SEGMENT.test(segment) && !segment.endsWith(".git") && !segment.endsWith(".lock"));
}

export function assertMirrorName(name: string): void {
  if (!isMirrorName(name)) throw new Error(`invalid mirror name: ${JSON.stringify(name)}`);
}
