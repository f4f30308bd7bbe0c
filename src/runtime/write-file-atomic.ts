import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Temporary files start with a dot and end in `.tmp`, so that readers of the directory skip them. */
export const isTemporaryName = (name: string): boolean => name.startsWith(".") && name.endsWith(".tmp");

/**
 * Writes `data` to a temporary sibling, flushes it and renames it over `path`: a crash at any point
 * leaves the old content (or nothing) or the new, never half.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error: unknown) {
    await rm(temp, { force: true });
    throw error;
  }
}
