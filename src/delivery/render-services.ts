import { lstat, readdir, readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { kinds, loadResources, repositoryPathProblem, type ResourceProblem, type Service } from "../resources/index.js";
import { dependencyCycleProblems, missingDependencyProblems } from "./dependency-problems.js";
import { locateDocuments } from "./locate-documents.js";
import type { LocatedService } from "./located-service.js";
import { portConflictProblems } from "./port-conflicts.js";

/** The Services at a path of a config repository, or every problem with them (never some of each). */
export type RenderServicesResult =
  | { readonly ok: true; readonly services: Service[] }
  | { readonly ok: false; readonly problems: ResourceProblem[] };

/** Larger files are refused unread: a file of Services is never this big. */
const MAX_FILE_BYTES = 4 << 20;

const wholeFile = (file: string, message: string): ResourceProblem => ({ file, line: 0, column: 0, path: "", message });

const isServiceFile = (name: string): boolean => name.endsWith(".yaml") || name.endsWith(".yml");

/** `*.yaml` and `*.yml` files under `folder`, recursively, sorted; hidden entries and symbolic links are skipped. */
async function serviceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await serviceFiles(path)));
    else if (entry.isFile() && isServiceFile(entry.name)) files.push(path);
  }
  return files;
}

function describeError(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  if (code === "ENOENT") return "no such directory in the repository";
  if (code === "ENOTDIR") return "must be a directory of *.yaml files, not a file";
  if (code === "EACCES") return "cannot be read: permission denied";
  return error instanceof Error ? error.message : String(error);
}

/** The folder to read, or why it cannot be read. A symbolic link may not lead outside the repository. */
async function folderOf(dir: string, path: string): Promise<{ top: string; folder: string } | { problem: ResourceProblem }> {
  const pathProblem = repositoryPathProblem(path);
  if (pathProblem !== undefined) return { problem: wholeFile(path, `application path ${pathProblem}`) };
  try {
    const top = await realpath(dir);
    const folder = await realpath(join(dir, path));
    const inside = relative(top, folder);
    if (inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) {
      return { problem: wholeFile(path, "leads outside the repository through a symbolic link") };
    }
    if (!(await stat(folder)).isDirectory()) return { problem: wholeFile(path, describeError({ code: "ENOTDIR" })) };
    return { top, folder };
  } catch (error: unknown) {
    return { problem: wholeFile(path, describeError(error)) };
  }
}

interface FileResult {
  readonly services: LocatedService[];
  readonly problems: ResourceProblem[];
}

async function readServiceFile(path: string, file: string): Promise<FileResult> {
  let text: string;
  try {
    const size = (await lstat(path)).size;
    if (size > MAX_FILE_BYTES) return { services: [], problems: [wholeFile(file, `is larger than ${MAX_FILE_BYTES >> 20} MiB`)] };
    text = await readFile(path, "utf8");
  } catch (error: unknown) {
    return { services: [], problems: [wholeFile(file, describeError(error))] };
  }
  const loaded = loadResources(text, file);
  const documents = locateDocuments(text);
  const problems: ResourceProblem[] = loaded.ok ? [] : [...loaded.errors];
  for (const document of documents) {
    const kind = document.kind;
    if (kind === undefined || kind === "Service" || !kinds.has(kind)) continue; // unknown kinds are already reported
    problems.push({
      file,
      ...document.position(["kind"]),
      path: "kind",
      message: `an application's path holds Services only; apply a ${kind} to Ferry instead`,
    });
  }
  // When the whole file is valid, its documents and resources correspond one to one, in order.
  if (!loaded.ok || loaded.resources.length !== documents.length) return { services: [], problems };
  const services: LocatedService[] = [];
  loaded.resources.forEach((resource, index) => {
    const document = documents[index];
    if (resource.kind === "Service" && document !== undefined) services.push({ service: resource, file, document });
  });
  return { services, problems };
}

function duplicateProblems(services: readonly LocatedService[]): ResourceProblem[] {
  const first = new Map<string, LocatedService>();
  const problems: ResourceProblem[] = [];
  for (const entry of services) {
    const name = entry.service.metadata.name;
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, entry);
      continue;
    }
    const { line } = earlier.document.position(["metadata", "name"]);
    problems.push({
      file: entry.file,
      ...entry.document.position(["metadata", "name"]),
      path: "metadata.name",
      message: `duplicate Service ${JSON.stringify(name)}; first defined at ${earlier.file}:${line}`,
    });
  }
  return problems;
}

function sortProblems(problems: readonly ResourceProblem[], files: readonly string[]): ResourceProblem[] {
  const rank = (problem: ResourceProblem): number => files.indexOf(problem.file);
  return [...problems].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column);
}

/**
 * Reads the Services an Application defines: every `*.yaml` and `*.yml` file under `path` of the
 * checked-out repository `dir` (recursively, in sorted order; hidden entries and symbolic links
 * skipped), each holding one or more documents. Only `Service` documents belong there. A name may
 * be used once, `dependsOn` must name Services of the same path without cycles, and two Services
 * may not claim the same port. Every problem is reported at once with its file (relative to
 * `dir`), line, column and field path. Bad input never throws.
 */
export async function renderServices(dir: string, path: string): Promise<RenderServicesResult> {
  const found = await folderOf(dir, path);
  if ("problem" in found) return { ok: false, problems: [found.problem] };
  let paths: string[];
  try {
    paths = await serviceFiles(found.folder);
  } catch (error: unknown) {
    return { ok: false, problems: [wholeFile(path, describeError(error))] };
  }
  const files = paths.map((p) => relative(found.top, p).split(sep).join("/"));
  const services: LocatedService[] = [];
  const problems: ResourceProblem[] = [];
  for (const [index, absolute] of paths.entries()) {
    const result = await readServiceFile(absolute, files[index] ?? absolute);
    services.push(...result.services);
    problems.push(...result.problems);
  }
  const duplicates = duplicateProblems(services);
  // A Service missing because its file has problems would make every dependsOn naming it look wrong.
  const missing = problems.length === 0 ? missingDependencyProblems(services) : [];
  problems.push(...duplicates, ...missing, ...dependencyCycleProblems(services), ...portConflictProblems(services));
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems, files) };
  return { ok: true, services: services.map((s) => s.service) };
}
