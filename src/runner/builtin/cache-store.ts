import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, parse, relative, sep } from "node:path";
import { z } from "zod";
import { runCommand } from "./exec-file.js";
import { errorCode, isInside, isNotFound, randomName, writeFileAtomic } from "./fs-safety.js";
import { findPaths, parsePathPatterns } from "./path-patterns.js";
import { ActionFailure } from "./types.js";

/**
 * Layout of the local cache store:
 *
 *   <cacheDir>/<sha256(key)>/index.json     CacheIndex
 *   <cacheDir>/<sha256(key)>/<root>.tar     one tar a root (workspace, home, absolute)
 *   <cacheDir>/.staging/...                 entries being written
 *
 * Paths are stored relative to the workspace, to HOME, or to the filesystem
 * root, whichever contains them most closely, so an entry saved in one run's
 * workspace restores into the next run's. An entry appears by renaming a
 * finished staging directory into place and is never changed afterwards.
 */
const rootNameSchema = z.enum(["workspace", "home", "absolute"]);
export type CacheRootName = z.infer<typeof rootNameSchema>;

const cacheIndexSchema = z.object({
  key: z.string(),
  version: z.string(),
  createdAt: z.string(),
  archives: z.array(z.object({ root: rootNameSchema, file: z.string().regex(/^[a-z]+\.tar$/) })),
});
export type CacheIndex = z.infer<typeof cacheIndexSchema>;
export type CacheEntry = CacheIndex & { directory: string };

/** Where the roots of an entry are on this machine. */
export type CacheRoots = { workspace: string; home: string };

export type CacheIo = {
  cacheDir: string;
  tempDir: string;
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal | undefined;
};

export const CACHE_INDEX_FILE = "index.json";
const MAX_KEY_LENGTH = 512;

/** Throws ActionFailure when a key breaks the rules of actions/cache. */
export function assertCacheKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH) {
    throw new ActionFailure(`Key Validation Error: ${key} cannot be larger than ${MAX_KEY_LENGTH} characters.`);
  }
  if (key.includes(",")) throw new ActionFailure(`Key Validation Error: ${key} cannot contain commas.`);
}

/** Entries are only restored for the same `path:` list (and, on Windows, the same cross-OS setting). */
export function cacheVersion(pathLines: readonly string[], enableCrossOsArchive: boolean): string {
  const parts = ["ferry-cache-1", ...pathLines];
  if (process.platform === "win32" && !enableCrossOsArchive) parts.push("windows-only");
  return createHash("sha256").update(parts.join("|")).digest("hex");
}

export function entryDirectory(cacheDir: string, key: string): string {
  return join(cacheDir, createHash("sha256").update(key).digest("hex"));
}

async function readEntry(directory: string): Promise<CacheEntry | undefined> {
  let text: string;
  try {
    text = await readFile(join(directory, CACHE_INDEX_FILE), "utf8");
  } catch (error: unknown) {
    if (isNotFound(error) || errorCode(error) === "ENOTDIR") return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = cacheIndexSchema.safeParse(json);
  return parsed.success ? { ...parsed.data, directory } : undefined;
}

/** Every readable entry of the store. */
export async function listEntries(cacheDir: string): Promise<CacheEntry[]> {
  let names: string[];
  try {
    names = await readdir(cacheDir);
  } catch (error: unknown) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const entries: CacheEntry[] = [];
  for (const name of names) {
    if (!/^[0-9a-f]{64}$/.test(name)) continue;
    const entry = await readEntry(join(cacheDir, name));
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

export type CacheMatch = { entry: CacheEntry; exact: boolean };

/**
 * The entry to restore: the primary key exactly; otherwise, for each of the
 * primary key and then the restore keys in order, an entry with exactly that
 * key or else the newest entry whose key starts with it. Only entries of the
 * same version count.
 */
export async function findEntry(
  cacheDir: string,
  primaryKey: string,
  restoreKeys: readonly string[],
  version: string,
): Promise<CacheMatch | undefined> {
  const exact = await readEntry(entryDirectory(cacheDir, primaryKey));
  if (exact !== undefined && exact.key === primaryKey && exact.version === version) return { entry: exact, exact: true };
  const entries = (await listEntries(cacheDir)).filter((entry) => entry.version === version);
  for (const prefix of [primaryKey, ...restoreKeys]) {
    const same = entries.find((entry) => entry.key === prefix);
    if (same !== undefined) return { entry: same, exact: false };
    const newest = entries
      .filter((entry) => entry.key.startsWith(prefix))
      .sort((a, b) => (a.createdAt === b.createdAt ? (a.key < b.key ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))[0];
    if (newest !== undefined) return { entry: newest, exact: false };
  }
  return undefined;
}

function rootDirectory(name: CacheRootName, roots: CacheRoots): string {
  if (name === "workspace") return roots.workspace;
  if (name === "home") return roots.home;
  return parse(roots.workspace).root;
}

/** The root that contains `path` most closely. */
function rootOf(path: string, roots: CacheRoots): { name: CacheRootName; directory: string } {
  const candidates: Array<{ name: CacheRootName; directory: string }> = [
    { name: "workspace", directory: roots.workspace },
    { name: "home", directory: roots.home },
  ];
  candidates.sort((a, b) => b.directory.length - a.directory.length);
  return candidates.find((c) => isInside(c.directory, path)) ?? { name: "absolute", directory: rootDirectory("absolute", roots) };
}

/** Extracts an entry's archives into their roots (existing files are replaced). */
export async function restoreEntry(entry: CacheEntry, roots: CacheRoots, io: CacheIo): Promise<void> {
  for (const archive of entry.archives) {
    const directory = rootDirectory(archive.root, roots);
    await mkdir(directory, { recursive: true });
    await runCommand("tar", ["-x", "-f", join(entry.directory, archive.file), "-C", directory], {
      cwd: directory,
      env: io.env,
      signal: io.signal,
    });
  }
}

export type SaveResult = "saved" | "exists" | "empty";

/**
 * Archives what `pathLines` select (directories with everything below them,
 * `!` lines excluded, symbolic links kept as links) under `key`, unless an
 * entry with that key already exists.
 */
export async function saveEntry(
  key: string,
  version: string,
  pathLines: readonly string[],
  roots: CacheRoots,
  io: CacheIo,
): Promise<SaveResult> {
  const finalDirectory = entryDirectory(io.cacheDir, key);
  if ((await readEntry(finalDirectory)) !== undefined) return "exists";

  const patterns = parsePathPatterns(pathLines, roots.workspace, roots.home);
  const found = await findPaths(patterns, { followSymlinks: false, includeHidden: true, signal: io.signal });
  const groups = new Map<CacheRootName, { directory: string; members: string[] }>();
  for (const entry of found) {
    const root = rootOf(entry.path, roots);
    const rel = relative(root.directory, entry.path);
    if (rel === "") continue;
    const group = groups.get(root.name) ?? { directory: root.directory, members: [] };
    // "./" keeps a name that starts with "-" from being read as an option by tar.
    group.members.push(`./${rel.split(sep).join("/")}`);
    groups.set(root.name, group);
  }
  if (groups.size === 0) return "empty";

  const staging = join(io.cacheDir, ".staging", randomName("save-"));
  await mkdir(staging, { recursive: true });
  await mkdir(io.tempDir, { recursive: true });
  const listFiles: string[] = [];
  try {
    const archives: CacheIndex["archives"] = [];
    for (const [name, group] of groups) {
      const listFile = join(io.tempDir, randomName("cache-list-"));
      listFiles.push(listFile);
      await writeFile(listFile, `${group.members.join("\0")}\0`);
      const file = `${name}.tar`;
      await runCommand(
        "tar",
        ["-c", "-f", join(staging, file), "--null", "--no-recursion", "-C", group.directory, "-T", listFile],
        { cwd: group.directory, env: io.env, signal: io.signal },
      );
      archives.push({ root: name, file });
    }
    const index: CacheIndex = { key, version, createdAt: new Date().toISOString(), archives };
    await writeFileAtomic(join(staging, CACHE_INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
    try {
      await rename(staging, finalDirectory);
    } catch (error: unknown) {
      const code = errorCode(error);
      if (code === "ENOTEMPTY" || code === "EEXIST") return "exists";
      throw error;
    }
    return "saved";
  } finally {
    await rm(staging, { recursive: true, force: true });
    for (const listFile of listFiles) await rm(listFile, { force: true });
  }
}
