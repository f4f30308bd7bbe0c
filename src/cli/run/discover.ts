import { existsSync, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { InputError } from "../../workflow/index.js";

export const WORKFLOW_DIRS = [".ferry/workflows", ".gitea/workflows", ".github/workflows"] as const;

/** The workflow files to consider: `-W` (a file or a directory), or the first workflow directory that exists. */
export async function discoverWorkflows(cwd: string, given: string | undefined): Promise<string[]> {
  const list = async (dir: string): Promise<string[]> =>
    (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
  if (given) {
    const p = resolve(cwd, given);
    if (!existsSync(p)) throw new InputError([{ file: given, message: "no such file or directory" }]);
    return statSync(p).isDirectory() ? list(p) : [p];
  }
  for (const d of WORKFLOW_DIRS) {
    const p = join(cwd, d);
    if (existsSync(p) && statSync(p).isDirectory()) return list(p);
  }
  throw new InputError([{ file: relative(process.cwd(), cwd) || ".", message: `no workflows found in ${WORKFLOW_DIRS.join(", ")} (use -W to point at one)` }]);
}
