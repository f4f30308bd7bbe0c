import type { LoadedResource } from "./load-documents.js";
import type { ResourceProblem } from "./resource-problem.js";

/** One problem for every resource whose `kind/name` was already defined earlier in `loaded`. */
export function findDuplicates(loaded: readonly LoadedResource[]): ResourceProblem[] {
  const first = new Map<string, LoadedResource>();
  const problems: ResourceProblem[] = [];
  for (const entry of loaded) {
    const { kind, metadata } = entry.resource;
    const id = `${kind}/${metadata.name}`;
    const earlier = first.get(id);
    if (earlier === undefined) {
      first.set(id, entry);
      continue;
    }
    const where = earlier.file === entry.file ? `line ${earlier.line}` : `${earlier.file}:${earlier.line}`;
    problems.push({
      file: entry.file,
      line: entry.line,
      column: entry.column,
      path: "metadata.name",
      message: `duplicate ${kind} ${JSON.stringify(metadata.name)}; first defined at ${where}`,
    });
  }
  return problems;
}
