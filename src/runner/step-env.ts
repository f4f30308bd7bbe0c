import { delimiter } from "node:path";

/** The job's mutable environment: values from GITHUB_ENV and directories from GITHUB_PATH. */
export type JobEnvState = { env: Map<string, string>; path: string[] };

/** INPUT_ variable name for an action input, as GitHub forms it. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/** PATH with GITHUB_PATH entries in front, most recent first. */
export function composePath(prepends: readonly string[], base: string | undefined): string {
  return [...prepends, ...(base ? [base] : [])].join(delimiter);
}
