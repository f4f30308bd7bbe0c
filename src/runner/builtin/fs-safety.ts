import { randomBytes } from "node:crypto";
import { realpath, rename, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";

/** True when `child` is `parent` or lies below it (lexically). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  if (rel === "") return true;
  if (isAbsolute(rel)) return false;
  return rel !== ".." && !rel.startsWith(`..${sep}`);
}

/** A short random name component for temporary files and directories. */
export function randomName(prefix: string): string {
  return `${prefix}${randomBytes(8).toString("hex")}`;
}

/** realpath of `path`, or of its nearest existing ancestor joined with the rest. */
export async function realpathOfNearest(path: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length === 0 ? real : join(real, ...missing.reverse());
    } catch (error: unknown) {
      if (!isNotFound(error)) throw error;
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(current.slice(parent.length).replace(/^[\\/]+/, ""));
      current = parent;
    }
  }
}

/** True when `child` stays inside `parent` even after resolving symbolic links. */
export async function isReallyInside(parent: string, child: string): Promise<boolean> {
  if (!isInside(parent, child)) return false;
  const [realParent, realChild] = await Promise.all([realpathOfNearest(parent), realpathOfNearest(child)]);
  return isInside(realParent, realChild);
}

export function isNotFound(error: unknown): boolean {
  return errorCode(error) === "ENOENT";
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

/** Writes `path` through a temporary sibling and a rename, so readers never see half a file. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temp = join(dirname(path), randomName(".tmp-"));
  try {
    await writeFile(temp, data, { flag: "wx" });
    await rename(temp, path);
  } catch (error: unknown) {
    await rm(temp, { force: true });
    throw error;
  }
}
