import type { Stats } from "node:fs";
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { basename, dirname, resolve, relative, sep } from "node:path";
import picomatch from "picomatch";
import { expandTilde } from "./inputs.js";
import { isInside, isNotFound } from "./fs-safety.js";

/**
 * One line of a `path:` input as @actions/glob reads it: an optional `!`
 * (exclude), then a file, directory or glob, relative to the workspace.
 * `root` is the longest leading part without glob characters (the "search
 * path"), `glob` the rest (undefined for a literal path).
 */
export type PathPattern = {
  text: string;
  negate: boolean;
  root: string;
  glob: string | undefined;
  matches(path: string): boolean;
};

export type FoundPath = { path: string; kind: "file" | "directory" | "symlink" };

export type FindOptions = {
  /** Follow symbolic links (upload-artifact) or keep them as links (cache). */
  followSymlinks: boolean;
  /** Keep names starting with "." (on the search path itself too, as @actions/glob does). */
  includeHidden: boolean;
  /** A directory never treated as hidden whatever its name (the workspace). */
  alwaysVisible?: string | undefined;
  signal?: AbortSignal | undefined;
};

const GLOB_CHARS = /[*?[]/;

/** Parses pattern lines (comments `#` and blank lines skipped); `~` is HOME, relative paths start at `cwd`. */
export function parsePathPatterns(lines: readonly string[], cwd: string, home: string): PathPattern[] {
  const patterns: PathPattern[] = [];
  for (const raw of lines) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    let negate = false;
    while (line.startsWith("!")) {
      negate = !negate;
      line = line.slice(1).trim();
    }
    if (line === "") continue;
    const absolute = resolve(cwd, expandTilde(line, home));
    const segments = absolute.split(sep);
    const firstGlob = segments.findIndex((segment) => GLOB_CHARS.test(segment));
    const root = firstGlob < 0 ? absolute : segments.slice(0, firstGlob).join(sep) || sep;
    const glob = firstGlob < 0 ? undefined : segments.slice(firstGlob).join("/");
    patterns.push(compilePattern(raw.trim(), negate, root, glob));
  }
  return patterns;
}

function compilePattern(text: string, negate: boolean, root: string, glob: string | undefined): PathPattern {
  const matcher =
    glob === undefined ? undefined : picomatch(glob, { dot: true, nobrace: true, noextglob: true, nonegate: true });
  return {
    text,
    negate,
    root,
    glob,
    // A pattern also matches everything below a path it matches (implicit descendants).
    matches(path: string): boolean {
      if (!isInside(root, path)) return false;
      const rel = relative(root, path);
      if (matcher === undefined) return true;
      if (rel === "") return false;
      const parts = rel.split(sep);
      for (let n = parts.length; n >= 1; n--) {
        if (matcher(parts.slice(0, n).join("/"))) return true;
      }
      return false;
    },
  };
}

/** Whether the patterns select `path`: the last pattern that matches decides. */
export function isSelected(patterns: readonly PathPattern[], path: string): boolean {
  let selected = false;
  for (const pattern of patterns) {
    if (pattern.matches(path)) selected = !pattern.negate;
  }
  return selected;
}

/** Search paths of the include patterns, in order, leaving out any below another one. */
export function searchRoots(patterns: readonly PathPattern[]): string[] {
  const roots = [...new Set(patterns.filter((p) => !p.negate).map((p) => p.root))];
  return roots.filter((root) => !roots.some((other) => other !== root && isInside(other, root)));
}

/** Walks the search paths and returns every selected entry, sorted by path. */
export async function findPaths(patterns: readonly PathPattern[], options: FindOptions): Promise<FoundPath[]> {
  const found = new Map<string, FoundPath>();
  for (const root of searchRoots(patterns)) {
    await walk(root, options, (entry) => {
      if (isSelected(patterns, entry.path)) found.set(entry.path, entry);
    });
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(root: string, options: FindOptions, visit: (entry: FoundPath) => void): Promise<void> {
  const stack = [root];
  const seenDirectories = new Set<string>();
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    options.signal?.throwIfAborted();
    if (!options.includeHidden && current !== options.alwaysVisible && basename(current).startsWith(".")) continue;
    let info = await statOrUndefined(current, lstat);
    if (info === undefined) continue;
    if (info.isSymbolicLink()) {
      if (!options.followSymlinks) {
        visit({ path: current, kind: "symlink" });
        continue;
      }
      info = await statOrUndefined(current, stat);
      if (info === undefined) continue; // a broken link is left out
    }
    if (info.isDirectory()) {
      const real = await realpath(current);
      if (seenDirectories.has(real)) continue; // a link loop, or the same tree twice
      seenDirectories.add(real);
      visit({ path: current, kind: "directory" });
      const names = await readdir(current);
      names.sort();
      for (let i = names.length - 1; i >= 0; i--) stack.push(`${current}${current.endsWith(sep) ? "" : sep}${names[i] ?? ""}`);
    } else if (info.isFile()) {
      visit({ path: current, kind: "file" });
    }
  }
}

async function statOrUndefined(path: string, how: (path: string) => Promise<Stats>): Promise<Stats | undefined> {
  try {
    return await how(path);
  } catch (error: unknown) {
    if (isNotFound(error) || (error instanceof Error && "code" in error && error.code === "ENOTDIR")) return undefined;
    throw error;
  }
}

/** The deepest directory containing all `paths`. */
export function commonAncestor(paths: readonly string[]): string {
  const [first, ...rest] = paths;
  if (first === undefined) throw new Error("commonAncestor needs at least one path");
  let common = first;
  for (const path of rest) {
    while (!isInside(common, path)) {
      const parent = dirname(common);
      if (parent === common) break;
      common = parent;
    }
  }
  return common;
}
