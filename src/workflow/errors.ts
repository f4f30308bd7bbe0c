/** One problem in a user's file, with where it is. */
export type InputProblem = { file: string; line?: number | undefined; column?: number | undefined; message: string };

export function formatProblem(p: InputProblem): string {
  const where = p.line !== undefined ? ` (Line: ${p.line}, Col: ${p.column ?? 1})` : "";
  return `${p.file}${where}: ${p.message}`;
}

/** The input was rejected: nothing ran. Maps to exit code 2 in the CLI. */
export class InputError extends Error {
  readonly code = "input";
  constructor(readonly problems: InputProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "InputError";
  }
}
