import { lstat, readlink } from "node:fs/promises";
import { join } from "node:path";

/** How many symlinks one resolution may follow, as Linux allows (ELOOP past it). */
const MAX_HOPS = 40;

export type Resolved =
  | { ok: true; parts: string[]; exists: boolean; isDirectory: boolean; isFile: boolean }
  | { ok: false; reason: "escapes" | "loop" | "not-a-directory"; at: string };

/**
 * Resolves `components` below `root` the way the kernel would, following the symlinks that exist now, but
 * without leaving `root`: a `..` above it or an absolute symlink target is reported as "escapes". `parts`
 * is the physical path below `root`. Components past the first missing one are taken as they are (nothing
 * below a missing directory can be a symlink). With `followLast` false a final symlink is not followed.
 */
export async function resolveInside(root: string, components: readonly string[], followLast = true): Promise<Resolved> {
  const parts: string[] = [];
  const queue = [...components];
  let hops = 0;
  /** The depth of the first component that does not exist; below it everything is taken as written. */
  let missingAt: number | undefined;
  let last: { isDirectory: boolean; isFile: boolean } = { isDirectory: true, isFile: false };
  while (queue.length > 0) {
    const c = queue.shift() ?? "";
    if (c === "" || c === ".") continue;
    if (c === "..") {
      if (parts.length === 0) return { ok: false, reason: "escapes", at: components.join("/") };
      parts.pop();
      // Back above the missing component: what follows exists (or may, later) and is checked again.
      if (missingAt !== undefined && parts.length <= missingAt) missingAt = undefined;
      last = { isDirectory: true, isFile: false };
      continue;
    }
    const isLast = queue.length === 0;
    if (missingAt === undefined) {
      const path = join(root, ...parts, c);
      const s = await lstat(path).catch((error: unknown) => {
        if ((error as { code?: string }).code === "ENOENT") return undefined;
        throw error;
      });
      if (s === undefined) missingAt = parts.length;
      else if (s.isSymbolicLink() && (!isLast || followLast)) {
        if (++hops > MAX_HOPS) return { ok: false, reason: "loop", at: [...parts, c].join("/") };
        const target = await readlink(path);
        if (target.startsWith("/")) return { ok: false, reason: "escapes", at: [...parts, c].join("/") };
        queue.unshift(...target.split("/"));
        continue;
      } else if (!isLast && !s.isDirectory()) {
        return { ok: false, reason: "not-a-directory", at: [...parts, c].join("/") };
      } else {
        last = { isDirectory: s.isDirectory(), isFile: s.isFile() };
      }
    }
    parts.push(c);
  }
  const exists = missingAt === undefined;
  return { ok: true, parts, exists, ...(exists ? last : { isDirectory: false, isFile: false }) };
}
