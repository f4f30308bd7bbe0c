import type { Stats } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { isAbsolute, posix, relative, resolve, sep } from "node:path";
import { ArtifactError } from "./artifact-error.js";

/** One entry of an artifact's tar, and where its content comes from. */
export type ArchiveEntry =
  | { name: string; type: "file"; mode: number; size: number; source: string }
  | { name: string; type: "directory"; mode: number }
  | { name: string; type: "symlink"; mode: number; linkname: string };

function kindOf(s: Stats): string {
  if (s.isSocket()) return "a socket";
  if (s.isFIFO()) return "a FIFO";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "a device";
  return "not a file, directory or symlink";
}

/** A symlink's target must stay inside the archive: relative, and not climbing above its root. */
function checkLink(name: string, target: string): void {
  const resolved = posix.normalize(posix.join(posix.dirname(name), target));
  if (isAbsolute(target) || resolved === ".." || resolved.startsWith("../")) {
    throw new ArtifactError("SYMLINK_OUTSIDE", `${name} is a symlink to "${target}", outside the artifact; pull would refuse it (archive what it points to instead)`);
  }
}

async function walk(base: string, abs: string, out: Map<string, ArchiveEntry>): Promise<void> {
  const name = relative(base, abs).split(sep).join("/");
  const s = await lstat(abs);
  const mode = s.mode & 0o7777;
  if (s.isDirectory()) {
    if (name !== "") out.set(name, { name, type: "directory", mode });
    for (const child of await readdir(abs)) await walk(base, resolve(abs, child), out);
  } else if (s.isFile()) {
    out.set(name, { name, type: "file", mode, size: s.size, source: abs });
  } else if (s.isSymbolicLink()) {
    const linkname = await readlink(abs);
    checkLink(name, linkname);
    out.set(name, { name, type: "symlink", mode: 0o777, linkname });
  } else {
    throw new ArtifactError("UNSUPPORTED_FILE", `${name} is ${kindOf(s)}; only files, directories and symlinks can be archived`);
  }
}

/**
 * The entries for `paths`, named relative to `base` (as `tar -C base paths…` would), sorted by name so the
 * same tree always gives the same archive. A directory brings everything below it; symlinks are kept as
 * links (never followed); hard links become separate files. Paths outside `base` are refused.
 */
export async function collectEntries(paths: readonly string[], base: string): Promise<ArchiveEntry[]> {
  const root = resolve(base);
  const out = new Map<string, ArchiveEntry>();
  for (const path of paths) {
    const abs = resolve(root, path);
    const rel = relative(root, abs);
    if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new ArtifactError("PATH_OUTSIDE", `${path} is outside ${root}; give paths below the base directory (-C)`);
    }
    try {
      await lstat(abs);
    } catch (error: unknown) {
      throw new ArtifactError("PATH_MISSING", `${path}: no such file or directory`, { cause: error });
    }
    await walk(root, abs, out);
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
