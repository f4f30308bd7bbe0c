import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseActionText } from "../../workflow/index.js";
import type { ActionDef } from "../../workflow/index.js";

export class ActionNotFoundError extends Error {
  readonly code = "action-not-found";
}

/** Reads `action.yml` (or `action.yaml`) from an action directory. */
export async function loadActionDir(dir: string, displayRoot: string): Promise<ActionDef> {
  for (const name of ["action.yml", "action.yaml"]) {
    const file = join(dir, name);
    if (existsSync(file)) return parseActionText(await readFile(file, "utf8"), relative(displayRoot, file) || file);
  }
  throw new ActionNotFoundError(`can't find action.yml or action.yaml in ${relative(displayRoot, dir) || "."}`);
}
