/**
 * One problem with user-written resources. `line` and `column` are 1-based; both are 0 when the
 * problem concerns the whole file (for example, it cannot be read). `path` is the dotted field
 * path (`spec.pollInterval`, `spec.branches[0]`), empty for the document itself.
 */
export interface ResourceProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
}

/** `file:line:column: path: message`, leaving out the position or path when there is none. */
export function formatResourceProblem(problem: ResourceProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return problem.path === "" ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

/** Problems grouped by file (in order of first appearance), each file's by position; ties keep their order. */
export function sortResourceProblems(problems: readonly ResourceProblem[]): ResourceProblem[] {
  const fileOrder = new Map<string, number>();
  for (const problem of problems) if (!fileOrder.has(problem.file)) fileOrder.set(problem.file, fileOrder.size);
  const rank = (problem: ResourceProblem): number => fileOrder.get(problem.file) ?? 0;
  return [...problems].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column);
}
