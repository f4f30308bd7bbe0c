import { randomBytes } from "node:crypto";
import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** How to start this Ferry (`[node, /path/to/bin/ferry.js]`), so steps can run `ferry artifact push`. */
export type FerryCommand = readonly string[];

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Writes `<dir>/ferry`, a two-line script that starts the same Ferry the runner runs, and returns the
 * directory to put first on a step's PATH. The arguments are fixed paths chosen by the operator, never
 * event data; they are single-quoted all the same.
 */
export async function writeFerryShim(dir: string, command: FerryCommand): Promise<string> {
  await mkdir(dir, { recursive: true });
  // Written aside and renamed: a step of another job may be running the script at this moment.
  const temp = join(dir, `.ferry.${randomBytes(4).toString("hex")}.tmp`);
  await writeFile(temp, `#!/bin/sh\nexec ${command.map(shellQuote).join(" ")} "$@"\n`);
  await chmod(temp, 0o755);
  await rename(temp, join(dir, "ferry"));
  return dir;
}

/**
 * What a job's steps see of the server: where it is and the job's own token (valid only while the job
 * runs), so `ferry artifact push`, `podman push --creds ferry:$FERRY_TOKEN $FERRY_REGISTRY/...` and
 * built-in actions publish as this job, and the server links what they push to the run.
 */
export function jobFerryEnv(serverUrl: string, jobToken: string, shimDir: string | undefined, hostEnv: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = { ...hostEnv, FERRY_SERVER: serverUrl, FERRY_TOKEN: jobToken, FERRY_REGISTRY: new URL(serverUrl).host };
  if (shimDir !== undefined) env.PATH = hostEnv.PATH ? `${shimDir}:${hostEnv.PATH}` : shimDir;
  return env;
}
