import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { findDuplicates } from "./find-duplicates.js";
import type { Resource } from "./kinds.js";
import { loadDocuments, type LoadedResource } from "./load-documents.js";
import { sortResourceProblems, type ResourceProblem } from "./resource-problem.js";

/** Every resource, or every problem (never some of each). */
export type LoadResourcesResult =
  | { readonly ok: true; readonly resources: Resource[] }
  | { readonly ok: false; readonly errors: ResourceProblem[] };

function result(loaded: readonly LoadedResource[], problems: readonly ResourceProblem[]): LoadResourcesResult {
  const errors = sortResourceProblems([...problems, ...findDuplicates(loaded)]);
  return errors.length === 0 ? { ok: true, resources: loaded.map((l) => l.resource) } : { ok: false, errors };
}

/**
 * Loads resources from YAML text holding one or more documents (`---`). Every document is
 * validated against its kind's schema, defaults are applied, and a `kind/name` may appear once.
 * All problems are reported together, each with `file`, line, column and field path.
 */
export function loadResources(text: string, file: string): LoadResourcesResult {
  const { loaded, problems } = loadDocuments(text, file);
  return result(loaded, problems);
}

function isResourceFile(name: string): boolean {
  return name.endsWith(".yaml") || name.endsWith(".yml");
}

/** `*.yaml` and `*.yml` files under `dir`, recursively, sorted; hidden files and folders are skipped. */
async function resourceFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await resourceFilesIn(path)));
    else if (entry.isFile() && isResourceFile(entry.name)) files.push(path);
  }
  return files;
}

function fileProblem(file: string, error: unknown): ResourceProblem {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  const message =
    code === "ENOENT" ? "no such file or directory" : error instanceof Error ? error.message : String(error);
  return { file, line: 0, column: 0, path: "", message };
}

/**
 * Loads resources from files and directories (their `*.yaml` and `*.yml` files, recursively, in
 * sorted order; hidden entries skipped). Problems from every file are merged, and a `kind/name`
 * defined in two files is an error too.
 */
export async function loadResourceFiles(paths: readonly string[]): Promise<LoadResourcesResult> {
  const files: string[] = [];
  const problems: ResourceProblem[] = [];
  for (const path of paths) {
    try {
      if ((await stat(path)).isDirectory()) files.push(...(await resourceFilesIn(path)));
      else files.push(path);
    } catch (error: unknown) {
      problems.push(fileProblem(path, error));
    }
  }
  const seen = new Set<string>();
  const loaded: LoadedResource[] = [];
  for (const file of files) {
    const absolute = resolve(file);
    if (seen.has(absolute)) continue;
    seen.add(absolute);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error: unknown) {
      problems.push(fileProblem(file, error));
      continue;
    }
    const documents = loadDocuments(text, file);
    loaded.push(...documents.loaded);
    problems.push(...documents.problems);
  }
  return result(loaded, problems);
}
